"""Personal access tokens for the JSON API: made, listed and revoked on the account page, checked on every API call.

A token reads ``cat_<public id>_<secret>``. The public id finds the row; the secret is compared with a keyed hash
(HMAC-SHA256 under the app's secret key: a 256-bit random secret needs no slow hash, and a leaked table alone cannot
be used to test guesses). A token works while it is not revoked, not expired, its owner is active and its owner's role
is still the one it was made under: a promotion, a demotion or a deactivation ends every token at once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from catalogue import audit, clock
from catalogue.extensions import db
from catalogue.models import User
from catalogue.models.people import ApiToken
from catalogue.policy import CURATORS

PREFIX = "cat_"
READ, CURATE = "read", "curate"
SCOPES = (READ, CURATE)
#: Lifetimes offered on the account page, in days; a year is the longest.
LIFETIMES = (30, 90, 180, 365)
MAX_DAYS = 365
#: Last use is written at most this often per token, so reading the API does not write on every call.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenRefused(Exception):
    """``reason`` is ``malformed``, ``unknown``, ``revoked``, ``expired`` or ``account`` (deactivated, role changed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class IssuedToken:
    row: ApiToken
    value: str  # shown once, never stored


def _digest(secret: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"api-token:" + secret.encode(), hashlib.sha256).hexdigest()


def may_curate(user: User) -> bool:
    return user.role in CURATORS


def create(user: User, name: str, days: int, curate: bool = False) -> IssuedToken:
    """A new token for ``user``; the curate scope only for curators. Commits, and audits the creation."""
    days = min(max(int(days), 1), MAX_DAYS)
    scopes = [READ, CURATE] if curate and may_curate(user) else [READ]
    public_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    now = clock.now()
    row = ApiToken(public_id=public_id, user_id=user.id, name=name.strip()[:100], scopes=" ".join(scopes),
                   secret_hash=_digest(secret), role=user.role, created_at=now,
                   expires_at=now + timedelta(days=days))
    db.session.add(row)
    audit.record("api_token.created", f"token {public_id}", detail=f"{row.name}; {row.scopes}; {days} days",
                 actor=user)
    db.session.commit()
    return IssuedToken(row, f"{PREFIX}{public_id}_{secret}")


def of(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, revoked and expired ones included (the page says which)."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def state(row: ApiToken) -> str:
    """``active``, ``revoked``, ``expired`` or ``account`` (the owner's role changed since it was made)."""
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= clock.now():
        return "expired"
    if not row.user.active or row.user.role != row.role:
        return "account"
    return "active"


def revoke(user: User, token_id: int) -> bool:
    """Revoke one of ``user``'s own tokens (someone else's, or one revoked already: False). Commits, audited."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id or row.revoked_at is not None:
        return False
    row.revoked_at = clock.now()
    audit.record("api_token.revoked", f"token {row.public_id}", detail=row.name, actor=user)
    db.session.commit()
    return True


def parse(value: str) -> tuple[str, str]:
    if not value.startswith(PREFIX):
        raise TokenRefused("malformed")
    public_id, sep, secret = value[len(PREFIX):].partition("_")
    if not sep or len(public_id) != 12 or not secret or len(secret) > 64:
        raise TokenRefused("malformed")
    return public_id, secret


def checked(value: str) -> ApiToken:
    """The working token row for a bearer value, nothing written; raises ``TokenRefused``."""
    public_id, secret = parse(value)
    row = db.session.scalar(select(ApiToken).where(ApiToken.public_id == public_id))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(secret)):
        raise TokenRefused("unknown")
    reason = state(row)
    if reason != "active":
        raise TokenRefused(reason)
    return row


def authenticate(value: str, row: ApiToken | None = None) -> ApiToken:
    """The token row for a bearer value (``row``: already :func:`checked`), its last use noted; raises
    ``TokenRefused``."""
    row = row if row is not None else checked(value)
    now = clock.now()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == row.id).values(last_used_at=now))
        db.session.commit()
    return row


def record_write(row: ApiToken, action: str, target: str) -> None:
    """Audit a write made with a token (the caller's service commits it with its work)."""
    audit.record("api_token.write", target, detail=f"token {row.public_id}: {action}", actor=row.user)
