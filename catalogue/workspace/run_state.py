"""Where the cron runs of ``flask alerts send`` (saved-search alerts, followed tools) keep how far they have looked
and when the last daily digest went: one ``Setting`` row per key."""

from __future__ import annotations

from datetime import datetime

from catalogue.extensions import db
from catalogue.models import Setting


def stored(key: str) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row is not None else None


def stored_time(key: str) -> datetime | None:
    """The moment kept under ``key``, or None when none (or an unreadable one) is kept."""
    value = stored(key)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def store(key: str, value: str) -> None:
    """Keep ``value`` under ``key`` in the current transaction (the caller commits)."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
