"""Fetching a row by an id taken from a URL or a form."""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from catalogue.extensions import db

#: Ids beyond a 32-bit integer cannot exist; asking PostgreSQL for one would fail instead of finding nothing.
MAX_ID = 2**31 - 1


def get_row(model, row_id: int):
    """The row, or None (also for ids that cannot exist)."""
    return db.session.get(model, row_id) if isinstance(row_id, int) and 0 < row_id <= MAX_ID else None


def get_or_404(model, row_id: int):
    row = get_row(model, row_id)
    if row is None:
        raise NotFound()
    return row
