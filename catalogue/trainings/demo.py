"""Fictional demo trainings, dated relative to today so the demonstration never goes stale.

``load_demo_trainings`` is idempotent: on the same day a second run changes nothing. On a later day it moves the demo
trainings' dates along, so "in 21 days" stays in 21 days. Related tools and guidance are linked by slug when they
exist; demo enrolments are added only for demo accounts that exist (development, after ``create_accounts``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from catalogue import policy
from catalogue.extensions import db
from catalogue.markdown import strip_markup
from catalogue.models import Enrolment, GuidancePage, Tool, Training, User
from catalogue.models.base import utcnow
from catalogue.trainings.editing import apply_content, content_of
from catalogue.trainings.enrolment import next_queue_number

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "trainings.json"


@dataclass
class DemoReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # a training that is not demo data already uses the slug
    enrolments: int = 0


def records() -> list[dict[str, Any]]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))["trainings"]


def _at(day: date, clock: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock))


def dated(record: dict[str, Any], today: date) -> dict[str, datetime | None]:
    """The record's relative dates as local wall times in its zone."""
    first_day = today + timedelta(days=record["starts_in_days"])
    starts_at = _at(first_day, record["start_time"])
    if "duration_minutes" in record:
        ends_at = starts_at + timedelta(minutes=record["duration_minutes"])
    else:
        ends_at = _at(first_day + timedelta(days=record["end_days_after_start"]), record["end_time"])
    deadline = None
    if "deadline_days_before_start" in record:
        deadline = _at(first_day - timedelta(days=record["deadline_days_before_start"]),
                       record.get("deadline_time", "23:59"))
    return {"starts_at": starts_at, "ends_at": ends_at, "registration_deadline": deadline}


def ids_by_slug(model, slugs: list[str]) -> list[int]:
    return sorted(db.session.scalars(select(model.id).where(model.slug.in_(slugs))))


def values_of(record: dict[str, Any], today: date) -> dict[str, Any]:
    return {
        "title": record["title"], "provider": record["provider"], "kind": record["kind"],
        "format": record["format"], "language": record["language"], "audience": record.get("audience", ""),
        "timezone": record["timezone"], "location": record.get("location", ""), "capacity": record["capacity"],
        "description": strip_markup(record.get("description", "")), **dated(record, today),
        "tool_ids": ids_by_slug(Tool, record.get("tools", [])),
        "guidance_ids": ids_by_slug(GuidancePage, record.get("guidance", [])),
    }


def load_demo_trainings(today: date | None = None) -> DemoReport:
    """Create or refresh the demo trainings, then enrol the demo accounts that exist."""
    today = today or utcnow().date()
    report = DemoReport()
    for record in records():
        values = values_of(record, today)
        status = record.get("status", "published")
        training = db.session.scalar(select(Training).where(Training.slug == record["slug"]))
        if training is None:
            now = utcnow()
            training = Training(slug=record["slug"], status=status, demo=True, created_at=now, updated_at=now)
            apply_content(training, values)
            db.session.add(training)
            report.created += 1
        elif not training.demo:
            report.skipped += 1
        elif content_of(training) != {**values, "slug": training.slug} or training.status != status:
            apply_content(training, values)
            training.status, training.updated_at = status, utcnow()
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.commit()
    report.enrolments = enrol_demo_accounts()
    return report


def enrol_demo_accounts() -> int:
    """Add the enrolments the demo file names, for demo accounts that exist and may enrol; returns how many."""
    added = 0
    for record in records():
        training = db.session.scalar(select(Training).where(Training.slug == record["slug"],
                                                            Training.demo.is_(True)))
        if training is None:
            continue
        for status in ("enrolled", "waitlisted"):
            for email in record.get(status, []):
                user = db.session.scalar(select(User).where(User.email == email, User.demo.is_(True)))
                if user is None or not user.active or user.role not in policy.PERMISSIONS["trainings.enrol"]:
                    continue
                exists = db.session.scalar(select(Enrolment.id).where(Enrolment.training_id == training.id,
                                                                       Enrolment.user_id == user.id))
                if exists is None:
                    number, now = next_queue_number(training.id), utcnow()
                    db.session.add(Enrolment(training_id=training.id, user_id=user.id, status=status,
                                             queue_number=number, created_at=now, updated_at=now, requested_at=now))
                    db.session.flush()
                    added += 1
    db.session.commit()
    return added
