"""Single-use links for e-mail verification and password reset: signed, expiring, recorded once used."""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import update

from catalogue.extensions import db
from catalogue.models import AccountToken, User
from catalogue.models.base import utcnow

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"


class TokenProblem(Exception):
    """``reason`` is ``expired``, ``used`` or ``invalid``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"account-{purpose}")


def max_age(purpose: str) -> int:
    if purpose == VERIFY_EMAIL:
        return current_app.config["EMAIL_VERIFY_HOURS"] * 3600
    return current_app.config["PASSWORD_RESET_MINUTES"] * 60


def issue(user: User, purpose: str) -> str:
    """Add the token row to the session (the caller commits) and return the signed value for the link."""
    row = AccountToken(id=secrets.token_urlsafe(32), user_id=user.id, purpose=purpose)
    db.session.add(row)
    return _serializer(purpose).dumps(row.id)


def redeem(value: str, purpose: str) -> User:
    """The token's user, marking the token used (the caller commits); raises ``TokenProblem``."""
    try:
        token_id = _serializer(purpose).loads(value, max_age=max_age(purpose))
    except SignatureExpired as error:
        raise TokenProblem("expired") from error
    except BadSignature as error:
        raise TokenProblem("invalid") from error
    row = db.session.get(AccountToken, token_id)
    if row is None or row.purpose != purpose:
        raise TokenProblem("invalid")
    used = db.session.execute(
        update(AccountToken).where(AccountToken.id == token_id, AccountToken.used_at.is_(None)).values(used_at=utcnow())
    )
    if used.rowcount != 1:  # used before, or by a request racing this one
        raise TokenProblem("used")
    return db.session.get(User, row.user_id)


def retire_all(user: User, purpose: str) -> None:
    for row in db.session.scalars(db.select(AccountToken).filter_by(user_id=user.id, purpose=purpose, used_at=None)):
        row.used_at = utcnow()


def link(path: str) -> str:
    """An absolute link from the configured base URL, never from the request's Host header."""
    return current_app.config["CATALOGUE_BASE_URL"] + path
