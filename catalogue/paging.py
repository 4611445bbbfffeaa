"""Page numbers read from the query string, and links to another page of the same list: every list of the site clamps
numbers and builds its links the same way."""

from __future__ import annotations

from collections.abc import Iterable

from flask import request, url_for
from flask_wtf import FlaskForm

from catalogue.rows import MAX_ID, whole_number

#: No list is this long; a larger page number in a link is typed or forged, and answered with the last allowed page.
MAX_PAGE = 10_000


def page_number(args=None) -> int:
    """The ``page`` parameter of ``args`` (default: the request's query string) between 1 and ``MAX_PAGE``; odd or
    negative input reads as 1."""
    value = whole_number((request.args if args is None else args).get("page"), low=-MAX_ID)
    return min(max(value or 1, 1), MAX_PAGE)


def page_url(endpoint: str, keep: FlaskForm | Iterable[str] = (), /, **values) -> str:
    """A link to ``endpoint`` carrying the current request's query parameters named in ``keep`` (a page's filter
    form: its fields; or the names themselves), every value of each, changed by ``values`` (``None`` drops one).

    Only the page's own parameters are copied: a query string is the visitor's to write, and ``url_for`` reads some
    keyword arguments itself (``_method``, ``_external``, ``_scheme``, ``_anchor``), so copying it whole would let a
    link answer 500 or point to another host."""
    names = [field.name for field in keep if field.name != "csrf_token"] if isinstance(keep, FlaskForm) else keep
    args: dict[str, object] = {}
    for name in names:
        present = [value for value in request.args.getlist(name) if value]
        if present:
            args[name] = present if len(present) > 1 else present[0]
    for name, value in values.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = value
    return url_for(endpoint, **args)
