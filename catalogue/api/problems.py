"""Errors as RFC 9457 problem details (``application/problem+json``): a status, a title, a detail a person can act
on, and for input errors the messages per field."""

from __future__ import annotations

import json
from typing import Any

from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.errors import TITLES

PROBLEM_TYPE = "application/problem+json"
EXTRA_TITLES = {
    401: _l("Authentication required"),
    406: _l("Not acceptable"),
    412: _l("Precondition failed"),
    413: _l("Request body too large"),
    415: _l("Unsupported media type"),
    422: _l("The request cannot be carried out"),
    428: _l("Precondition required"),
}


class Problem(Exception):
    """Raised anywhere under ``/api/v1`` to answer with a problem document."""

    def __init__(self, status: int, detail: str = "", errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors
        self.headers, self.extra = headers or {}, extra


def title(status: int) -> str:
    if status in EXTRA_TITLES:
        return str(EXTRA_TITLES[status])
    return str(TITLES[status]()) if status in TITLES else _("Error")


def response(problem: Problem) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title(problem.status), "status": problem.status}
    if problem.detail:
        body["detail"] = str(problem.detail)
    if problem.errors:
        body["errors"] = problem.errors
    body.update(problem.extra)
    answer = Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=PROBLEM_TYPE)
    for name, value in problem.headers.items():
        answer.headers[name] = value
    answer.headers["Cache-Control"] = "private, no-store"
    return answer
