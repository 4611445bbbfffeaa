"""Curators' translations of tool entries and guidance pages, and what readers see of them in their language."""
