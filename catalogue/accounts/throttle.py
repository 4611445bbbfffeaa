"""Per-account sign-in throttling kept in the database, so every worker process sees the same count.

Keyed by the e-mail address typed, whether or not an account has it, so the answer never reveals which addresses
exist. After ``SIGN_IN_FREE_ATTEMPTS`` failures each further failure doubles the wait, up to the configured maximum.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy.exc import IntegrityError

from catalogue.extensions import db
from catalogue.models import SignInThrottle
from catalogue.models.base import utcnow

FORGET_AFTER = timedelta(hours=24)


def locked_until(email: str) -> datetime | None:
    row = db.session.get(SignInThrottle, email)
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def record_failure(email: str) -> datetime | None:
    """Count a failure (the caller commits) and return until when the account is now locked, if it is."""
    now = utcnow()
    row = db.session.get(SignInThrottle, email)
    if row is None:
        row = SignInThrottle(email=email, failures=0)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:  # another worker created it first
            row = db.session.get(SignInThrottle, email)
    if row.last_failure_at and now - row.last_failure_at > FORGET_AFTER:
        row.failures = 0
    db.session.query(SignInThrottle).filter_by(email=email).update(
        {SignInThrottle.failures: SignInThrottle.failures + 1, SignInThrottle.last_failure_at: now}
    )
    db.session.refresh(row)
    delay = delay_after(row.failures)
    row.locked_until = now + timedelta(seconds=delay) if delay else None
    return row.locked_until


def delay_after(failures: int) -> int:
    config = current_app.config
    extra = failures - config["SIGN_IN_FREE_ATTEMPTS"] - 1
    if extra < 0:
        return 0
    return min(config["SIGN_IN_BASE_DELAY_SECONDS"] * 2 ** min(extra, 20), config["SIGN_IN_MAX_DELAY_SECONDS"])


def clear(email: str) -> None:
    row = db.session.get(SignInThrottle, email)
    if row is not None:
        db.session.delete(row)
