"""Opaque cursors: a position in one query's results, signed so it cannot be forged and bound to the query it came
from (used with another query's parameters it is refused with 400, never silently answered with other results)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from catalogue.api.problems import Problem


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-cursor")


def query_key(text: str, filters: dict[str, list[str]], sort: str, language: str, limit: int, **more: str) -> str:
    canonical = json.dumps([text, sorted((k, sorted(v)) for k, v in filters.items()), sort, language, limit,
                            sorted(more.items())], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def make(query: str, name: str, value: Any) -> str:
    return _serializer().dumps({"q": query, name: value})


def read(cursor: str, query: str, name: str) -> Any:
    return read_one_of(cursor, query, (name,))[1]


def _invalid() -> Problem:
    return Problem(400, _("The cursor is not one this API gave out."), errors={"cursor": ["Not a valid cursor."]})


def read_one_of(cursor: str, query: str, names: tuple[str, ...]) -> tuple[str, Any]:
    """The cursor's kind (one of ``names``) and value; 400 for a forged, damaged or another query's cursor."""
    try:
        data = _serializer().loads(cursor)
    except (BadSignature, ValueError, UnicodeError) as error:
        raise _invalid() from error
    if not isinstance(data, dict) or data.get("q") != query or not any(name in data for name in names):
        raise Problem(400, _("The cursor belongs to another query: repeat the query it came from, or leave it "
                             "out."),
                      errors={"cursor": ["This cursor was made for other parameters."]})
    name = next(name for name in names if name in data)
    value = data[name]
    if name == "offset" and not (isinstance(value, int) and 0 <= value < 10**9):
        raise _invalid()
    if name == "after" and not (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
                                and isinstance(value[1], int)):
        raise _invalid()
    if name == "position" and not (isinstance(value, list) and len(value) == 3 and _whole(value[0])
                                   and isinstance(value[1], int | float | str) and not isinstance(value[1], bool)
                                   and _whole(value[2])):
        raise _invalid()
    return name, value


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**63
