"""Vocabulary management for administrators: add, relabel, reorder, merge, retire and reinstate terms."""
