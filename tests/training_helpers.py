"""Trainings made through the curators' service, members enrolled through the enrolment service."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Enrolment, Training, User
from catalogue.models.base import utcnow
from catalogue.trainings import editing, enrolment
from tests.factories import make_user


def training_values(**fields: Any) -> dict[str, Any]:
    start = (utcnow() + timedelta(days=30)).replace(hour=10, minute=0, second=0)
    values = {"title": "Chat triage workshop", "slug": "", "provider": "Northbridge Police Academy (demo)",
              "kind": "workshop", "format": "online", "language": "en", "audience": "Investigators",
              "timezone": "Europe/Vienna", "starts_at": start, "ends_at": start + timedelta(hours=2),
              "registration_deadline": None, "location": "The link is e-mailed the day before.", "capacity": 10,
              "description": "We **practise** triage.", "tool_ids": [], "guidance_ids": []}
    values.update(fields)
    return values


def curator() -> User:
    found = db.session.scalar(select(User).where(User.email == "trainer@harbour-police.example"))
    return found or make_user("curator", email="trainer@harbour-police.example", name="Trainer Curator")


def make_training(status: str = "published", **fields: Any) -> Training:
    """A training created (and by default published) by a curator, as the editor would."""
    author = curator()
    training = editing.create_training(training_values(**fields), author)
    if status in ("published", "cancelled"):
        editing.publish(training, author, training.version)
    if status == "cancelled":
        editing.cancel(training, author, training.version)
    return training


def member(name: str, **fields: Any) -> User:
    return make_user("member", email=f"{name}@harbour-police.example", name=name.title(), **fields)


def enrol(training: Training, user: User) -> str:
    return enrolment.enrol(training.slug, user).status


def status_of(training_id: int, user_id: int) -> str | None:
    return db.session.scalar(select(Enrolment.status).where(Enrolment.training_id == training_id,
                                                            Enrolment.user_id == user_id))


def local(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute)
