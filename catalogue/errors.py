"""Error pages rendered in the site layout, for every HTTP error, for changes refused because someone else was first,
and for unexpected exceptions (logged with a reference the page shows, so a report can be matched to its log)."""

from __future__ import annotations

import secrets

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from catalogue.conflicts import ConcurrentChange
from catalogue.extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        description = error.description
        if isinstance(error, CSRFError):
            description = _("The form had expired or did not come from this site, so nothing was changed. Go back, "
                            "reload the page and send it again.")
        elif error.code == 429:
            description = _("You have sent too many requests in a short time. Wait a few minutes and try again.")
        return render_error(error.code or 500, description), error.code

    @app.errorhandler(ConcurrentChange)
    def concurrent_change(error: ConcurrentChange):
        """A change the database refused because another request changed the same thing first, in a view that does
        not show it in place: what happened, and what the person wrote, to take back."""
        db.session.rollback()
        rule = request.url_rule
        back = request.path if rule is not None and "GET" in (rule.methods or ()) else None
        return render_conflict(error, back), 409

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        reference = secrets.token_hex(6)
        # the path without its query string, which may hold what someone searched for
        app.logger.exception("Unhandled error, reference %s: %s %s", reference, request.method, request.path)
        db.session.rollback()
        return render_error(500, InternalServerError.description, reference=reference), 500


TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    409: lambda: _("Someone else changed this at the same moment"),
    413: lambda: _("What you sent is too large"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
}


def _title(code: int) -> str:
    return TITLES[code]() if code in TITLES else _("Error")


def render_error(code: int, description: str | None, reference: str | None = None):
    template = "errors/404.html" if code == 404 else "errors/500.html" if code >= 500 else "errors/error.html"
    title = _title(code)
    try:
        return render_template(template, code=code, title=title, description=description, reference=reference)
    except Exception:  # the layout itself failed (e.g. database down): fall back to plain text
        return f"{code} {title}" + (f" (reference {reference})" if reference else "")


def render_conflict(error: ConcurrentChange, back: str | None = None):
    return render_template("errors/conflict.html", title=_title(409), description=error.message, kept=error.kept,
                           back=back)
