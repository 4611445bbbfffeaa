"""Error pages rendered in the site layout, for every HTTP error and for unexpected exceptions."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(500, InternalServerError.description), 500


def render_error(code: int, description: str | None):
    titles = {
        400: _("This request could not be understood"),
        403: _("You do not have access to this page"),
        404: _("Page not found"),
        405: _("This action is not allowed here"),
        413: _("What you sent is too large"),
        429: _("Too many requests"),
        500: _("Something went wrong on our side"),
    }
    template = "errors/404.html" if code == 404 else "errors/500.html" if code >= 500 else "errors/error.html"
    try:
        return render_template(template, code=code, title=titles.get(code, _("Error")), description=description)
    except Exception:  # the layout itself failed (e.g. database down): fall back to plain text
        return f"{code} {titles.get(code, 'Error')}"
