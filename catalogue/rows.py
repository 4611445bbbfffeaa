"""Finding rows from what a URL or a form says: an id, a number, or words typed into a filter."""

from __future__ import annotations

import re

from sqlalchemy import func
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from catalogue.extensions import db

#: Ids (and versions, revision numbers, page numbers) beyond a 32-bit integer cannot exist; asking the database for
#: one would fail (SQLite cannot even bind an integer beyond 64 bits) instead of finding nothing.
MAX_ID = 2**31 - 1
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,10}")


def whole_number(value: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """An integer read from a request (query string, form field, hidden version), or None when it is not one
    between ``low`` and ``high``: only ASCII digits with an optional minus sign count, so digits of other scripts
    (``١٢``), spaces, signs and numbers too large for any column never reach a query. Every integer the site reads
    from a request goes through here (or through :class:`IdConverter` for paths)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if low <= number <= high else None


class IdConverter(IntegerConverter):
    """``<int:…>`` in routes: a number beyond ``MAX_ID`` matches no route (404) instead of reaching a query."""

    def __init__(self, url_map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


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
