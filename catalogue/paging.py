"""Page numbers read from the query string: every list of the site clamps them the same way."""

from __future__ import annotations

from flask import request

#: No list is this long; a larger page number in a link is typed or forged, and answered with the last allowed page.
MAX_PAGE = 10_000


def page_number(value: int | None = None) -> int:
    """``value`` (default: the request's ``page`` parameter) between 1 and ``MAX_PAGE``; odd input reads as 1."""
    if value is None:
        value = request.args.get("page", 1, type=int)
    return min(max(value or 1, 1), MAX_PAGE)
