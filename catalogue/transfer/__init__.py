"""Importing and exporting interchange files in the administration interface."""
