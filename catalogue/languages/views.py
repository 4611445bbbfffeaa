"""The language switcher in the header: a form that works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask_login import current_user

from catalogue.languages import COOKIE, COOKIE_AGE, remember, supported
from catalogue.policy import requires
from catalogue.redirects import safe_target

blueprint = Blueprint("languages", __name__)


@blueprint.post("/language")
@requires("site.view")
def choose():
    """Remember the language: on the account when signed in, in a cookie always (it also serves the sign-in page)."""
    target = safe_target(request.form.get("next"), url_for("pages.home"))
    code = supported(request.form.get("language"))
    response = redirect(target, code=303)
    if code is None:
        return response  # a forged value changes nothing
    if current_user.is_authenticated:
        remember(current_user, code)
    response.set_cookie(COOKIE, code, max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response
