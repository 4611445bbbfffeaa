"""Finding rows from what a URL or a form says: an id, or words typed into a filter."""

from __future__ import annotations

from sqlalchemy import func
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


def contains(column, text: str):
    """Case-insensitive substring match in which % and _ typed by the user are ordinary characters."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(column).like(f"%{escaped}%", escape="\\")
