"""Cells of the CSV files the site serves, made safe to open in a spreadsheet."""


def spreadsheet_safe(value: str) -> str:
    """A cell starting with = + - @ (or a tab/CR) would run as a formula in a spreadsheet; prefix it to keep it text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
