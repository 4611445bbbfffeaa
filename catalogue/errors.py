"""Error pages rendered in the site layout, for every HTTP error, for changes refused because someone else was first,
and for unexpected exceptions (logged with a reference the page shows, so a report can be matched to its log)."""

from __future__ import annotations

import contextlib
import secrets

from flask import Flask, current_app, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from catalogue.conflicts import ConcurrentChange
from catalogue.extensions import db
from catalogue.languages import direction


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

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(error: DBAPIError):
        """The database cannot be reached or is busy (a restart, a failover, a full disk): say so and when to come
        back, instead of a 500. Nothing was changed: the request's transaction never committed. Other errors of these
        classes (SQLite reports a wrong column as an OperationalError) are the server's error."""
        if not unavailable(error):
            return unexpected_error(error)
        reference = secrets.token_hex(6)
        app.logger.warning("Database unavailable, reference %s: %s %s (%s)", reference, request.method, request.path,
                           type(error.orig).__name__ if error.orig is not None else type(error).__name__)
        with contextlib.suppress(Exception):
            db.session.rollback()
        response = make_response(render_error(503, _("The catalogue cannot reach its database at the moment, so "
                                                     "nothing was shown or changed. Try again in a minute."),
                                              reference=reference), 503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        reference = secrets.token_hex(6)
        # the path without its query string, which may hold what someone searched for
        app.logger.exception("Unhandled error, reference %s: %s %s", reference, request.method, request.path)
        with contextlib.suppress(Exception):
            db.session.rollback()
        return render_error(500, InternalServerError.description, reference=reference), 500


#: What the drivers say when the database cannot be reached or cannot take the request now.
UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error", "connection refused",
               "could not connect", "server closed the connection", "connection timed out", "the database system is")


def unavailable(error: DBAPIError) -> bool:
    """Whether a database error means "unreachable or busy now" rather than a fault in the request's SQL."""
    if error.connection_invalidated:
        return True
    original = error.orig
    if getattr(original, "sqlstate", "") is None:  # psycopg: no SQLSTATE, the server never answered the statement
        return True
    return any(words in str(original).lower() for words in UNAVAILABLE)


TITLES = {
    400: lambda: _("This request could not be understood"),
    403: lambda: _("You do not have access to this page"),
    404: lambda: _("Page not found"),
    405: lambda: _("This action is not allowed here"),
    409: lambda: _("Someone else changed this at the same moment"),
    413: lambda: _("What you sent is too large"),
    429: lambda: _("Too many requests"),
    500: lambda: _("Something went wrong on our side"),
    503: lambda: _("The service is temporarily unavailable"),
}


def _title(code: int) -> str:
    return TITLES[code]() if code in TITLES else _("Error")


def render_error(code: int, description: str | None, reference: str | None = None):
    template = "errors/404.html" if code == 404 else "errors/500.html" if code >= 500 else "errors/error.html"
    title = _title(code)
    try:
        return render_template(template, code=code, title=title, description=description, reference=reference)
    except Exception:  # the layout itself failed (e.g. database down): a page that needs nothing else
        return standalone_page(code, description, reference)


def standalone_page(code: int, description: str | None, reference: str | None) -> str:
    """The error in the site's look without the layout's context processors (which ask the database), in the
    browser's language, or plain text if even that fails."""
    language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    try:
        with force_locale(language):
            return current_app.jinja_env.get_template("errors/standalone.html").render(
                title=_title(code), description=description, reference=reference, language=language,
                direction=direction(language))
    except Exception:
        return f"{code} {_title(code)}" + (f" (reference {reference})" if reference else "")


def render_conflict(error: ConcurrentChange, back: str | None = None):
    return render_template("errors/conflict.html", title=_title(409), description=error.message, kept=error.kept,
                           back=back)
