"""Who is calling the API, and whether what they send may be read: bearer tokens, CSRF for cookie sessions, body size,
content type and JSON shape. Runs before every ``/api`` view; failures are problem documents."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from flask import current_app, g, request
from flask.globals import request_ctx
from flask.sessions import SecureCookieSession
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator

from catalogue.accounts import access_tokens
from catalogue.api.problems import Problem
from catalogue.api.schemas import SCHEMAS
from catalogue.extensions import csrf, limiter

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_BODY = 256 * 1024
MAX_DEPTH = 20
JSON_TYPES = ("application/json",)
REFUSALS = {
    "malformed": _l("The Authorization header does not hold a catalogue token (cat_…)."),
    "unknown": _l("This token is not known: check that it was copied whole."),
    "revoked": _l("This token was revoked."),
    "expired": _l("This token has expired: make a new one on your account page."),
    "account": _l("This token ended with a change to its owner's account (deactivation or a new role)."),
}


class DetachedSession(SecureCookieSession):
    """The session of a token request: empty, and never saved, so no cookie is set however the request goes."""

    modified = property(lambda self: False, lambda self, value: None)
    permanent = property(lambda self: False, lambda self, value: None)


def bearer_value() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _sep, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Problem(401, _("Send a personal access token as `Authorization: Bearer cat_…`."),
                      headers={"WWW-Authenticate": 'Bearer realm="catalogue", error="invalid_request"'})
    return value.strip()


def checked_token() -> access_tokens.ApiToken | access_tokens.TokenRefused | None:
    """The request's bearer token checked once (the rate limit asks first, then ``before_request``): the working
    token, why it was refused, or None without one (or with a header that is not a bearer token)."""
    if "api_token_checked" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _sep, value = header.strip().partition(" ")
        found: access_tokens.ApiToken | access_tokens.TokenRefused | None = None
        if scheme.lower() == "bearer" and value.strip():
            try:
                found = access_tokens.checked(value.strip())
            except access_tokens.TokenRefused as refused:
                found = refused
        g.api_token_checked = found
    return g.api_token_checked


def rate_key() -> str:
    """Limits count per working token and per address for everything else: a made-up, revoked or expired token
    counts against its sender's address, so inventing token ids gets no fresh allowance."""
    token = checked_token()
    if isinstance(token, access_tokens.ApiToken):
        return f"token:{token.public_id}"
    return f"address:{request.remote_addr}"


def rate_limit() -> str:
    return current_app.config.get("RATELIMIT_API", "300 per minute")


def retry_after() -> str:
    limit = limiter.current_limit
    if limit is None:
        return "60"
    return str(max(1, math.ceil(limit.reset_at - time.time())))


def before_request() -> None:
    value = bearer_value()
    unsafe = request.method not in SAFE_METHODS
    if value is not None:
        request_ctx._session = DetachedSession()  # Flask 3.1 keeps the opened session here
        try:
            found = checked_token()
            if isinstance(found, access_tokens.TokenRefused):
                raise found
            token = access_tokens.authenticate(value, found)
        except access_tokens.TokenRefused as refused:
            raise Problem(401, str(REFUSALS[refused.reason]),
                          headers={"WWW-Authenticate": 'Bearer realm="catalogue", error="invalid_token"'}) from None
        g.api_token = token
        g._login_user = token.user  # Flask-Login's current user for this request only
        if unsafe and access_tokens.CURATE not in token.scope_list:
            raise Problem(403, _("This token may only read. Make a token that may also curate (curators only)."))
    elif unsafe and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()  # a browser session changing something: the same CSRF check as every form
    if unsafe:
        check_body()


def check_body() -> None:
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise Problem(413, _("The body is %(size)s bytes; at most %(most)s are accepted.", size=length, most=MAX_BODY))
    if request.mimetype not in JSON_TYPES and (length or request.headers.get("Transfer-Encoding")):
        raise Problem(415, _("Send the body as JSON, with `Content-Type: application/json`."),
                      headers={"Accept-Post": "application/json"})


def json_body(schema_name: str) -> dict[str, Any]:
    """The request's JSON object checked against ``schema_name``; 400 with messages per field otherwise."""
    if request.mimetype not in JSON_TYPES:
        raise Problem(415, _("Send the body as JSON, with `Content-Type: application/json`."))
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        raise Problem(413, _("The body is over %(most)s bytes.", most=MAX_BODY))
    try:
        document = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:
        raise Problem(400, _("The body is not valid JSON: %(error)s", error=str(error)[:200])) from None
    if not isinstance(document, dict):
        raise Problem(400, _("The body must be a JSON object."))
    if _depth(document) > MAX_DEPTH:
        raise Problem(400, _("The body is nested more than %(most)s levels deep.", most=MAX_DEPTH))
    errors: dict[str, list[str]] = {}
    schema = {**SCHEMAS[schema_name], "$defs": {}}
    for error in Draft202012Validator(schema).iter_errors(document):
        for field, message in _field_messages(error):
            errors.setdefault(field, []).append(message)
    for field in _fields_with_nul(document):
        errors.setdefault(field, []).append("Contains a NUL character (\\u0000), which cannot be stored.")
    if errors:
        unknown = [field for field, messages in errors.items() if "Unknown field." in messages]
        detail = (_("Unknown field(s): %(names)s.", names=", ".join(sorted(unknown))) if unknown
                  else _("Some fields need correcting."))
        raise Problem(400, detail, errors=errors)
    return document


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _depth(value: Any, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(item, level + 1) for item in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(item, level + 1) for item in value), default=level)
    return level


def _fields_with_nul(document: dict[str, Any]) -> list[str]:
    def has_nul(value: Any) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(has_nul(k) or has_nul(v) for k, v in value.items())
        return isinstance(value, list) and any(has_nul(item) for item in value)

    return [str(field) for field, value in document.items() if has_nul(field) or has_nul(value)]


def _field_messages(error) -> list[tuple[str, str]]:
    path = [str(part) for part in error.absolute_path]
    field = ".".join(path) or "body"
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        prefix = f"{field}." if path else ""
        return [(f"{prefix}{name}"[:200], "Unknown field.") for name in sorted(set(instance) - known)]
    if kind == "required":
        prefix = f"{field}." if path else ""
        return [(f"{prefix}{name}", "This field is required.") for name in value if name not in instance]
    if kind == "maxLength":
        return [(field, f"At most {value} characters ({len(instance)} given).")]
    if kind == "minLength":
        return [(field, "Must not be empty.")]
    if kind == "pattern":
        return [(field, "Has the wrong form.")]
    if kind == "type":
        expected = value if isinstance(value, list) else [value]
        return [(field, f"Must be {' or '.join(expected)}.")]
    if kind in ("minimum", "maximum"):
        return [(field, f"Must be {'at least' if kind == 'minimum' else 'at most'} {value}.")]
    return [(field, error.message[:300])]
