"""Curation settings that administrators change in the interface (stored in the ``settings`` table)."""

from __future__ import annotations

from datetime import date

from flask import current_app

from catalogue import audit
from catalogue.extensions import db
from catalogue.models import Setting, User

SELF_APPROVAL = "curation.allow_self_approval"


def self_approval_allowed() -> bool:
    setting = db.session.get(Setting, SELF_APPROVAL)
    return bool(setting and setting.value)


def set_self_approval(allowed: bool, admin: User) -> None:
    setting = db.session.get(Setting, SELF_APPROVAL) or Setting(key=SELF_APPROVAL)
    if setting.value == allowed:
        return
    setting.value = allowed
    db.session.add(setting)
    audit.record("settings.change", target=SELF_APPROVAL, actor=admin, detail="on" if allowed else "off")
    db.session.commit()


def stale_before(today: date | None = None) -> date:
    """Published entries last verified before this date are stale."""
    today = today or date.today()
    months = current_app.config["CATALOGUE_STALE_AFTER_MONTHS"]
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    day = min(today.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31)
    return date(year, month + 1, day)
