"""Curators create, edit, publish and cancel trainings. Saves never overwrite someone else's: each form carries the
version it was loaded with, and a save from an older version is refused with the input kept."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from catalogue import audit, slugs, times
from catalogue.extensions import db
from catalogue.markdown import strip_markup
from catalogue.models import Enrolment, GuidancePage, Tool, Training, User
from catalogue.models.base import utcnow
from catalogue.rows import get_or_404
from catalogue.trainings import notices
from catalogue.trainings.enrolment import enrolled_count, fill_free_seats, lock_training, target_of

#: Slugs that would hide a page under /trainings/.
RESERVED_SLUGS = frozenset({"mine", "manage", "new"})
#: Fields the editor writes, in the order a conflict lists them.
CONTENT_FIELDS = ("title", "slug", "provider", "kind", "format", "language", "audience", "timezone", "starts_at",
                  "ends_at", "registration_deadline", "location", "capacity", "description", "tool_ids",
                  "guidance_ids")


class SlugTaken(Exception):
    """Another training already uses this address (or it is reserved)."""


class CapacityTooLow(Exception):
    def __init__(self, enrolled: int):
        super().__init__(f"{enrolled} enrolled")
        self.enrolled = enrolled


class TransitionRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class EditConflict(Exception):
    """The training was saved by someone else after the form was loaded. Nothing was written."""

    training: Training
    differences: list[str]  # content fields where what is saved now differs from the submitted input


def get_training(training_id: int) -> Training:
    return get_or_404(Training, training_id)


def content_of(training: Training) -> dict[str, Any]:
    return {
        "title": training.title, "slug": training.slug, "provider": training.provider, "kind": training.kind,
        "format": training.format, "language": training.language, "audience": training.audience,
        "timezone": training.timezone, "starts_at": training.starts_at, "ends_at": training.ends_at,
        "registration_deadline": training.registration_deadline, "location": training.location,
        "capacity": training.capacity, "description": training.description,
        "tool_ids": sorted(tool.id for tool in training.tools),
        "guidance_ids": sorted(page.id for page in training.guidance),
    }


def clean(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["description"] = strip_markup(values.get("description") or "")
    values["tool_ids"] = sorted(set(values.get("tool_ids") or []))
    values["guidance_ids"] = sorted(set(values.get("guidance_ids") or []))
    return values


def slug_used(slug: str, exclude_id: int | None = None) -> bool:
    if slug in RESERVED_SLUGS:
        return True
    query = select(Training.id).where(Training.slug == slug)
    if exclude_id:
        query = query.where(Training.id != exclude_id)
    return db.session.scalar(query) is not None


def unique_slug(title: str) -> str:
    return slugs.unique_slug(slugs.slugify(title, "training"), slug_used)


def apply_content(training: Training, values: dict[str, Any]) -> bool:
    """Write the editor's values onto ``training``; returns whether anything changed."""
    before = content_of(training) if training.id else None
    tools = list(db.session.scalars(select(Tool).where(Tool.id.in_(values["tool_ids"]))))
    guidance = list(db.session.scalars(select(GuidancePage).where(GuidancePage.id.in_(values["guidance_ids"]))))
    with db.session.no_autoflush:
        for name in CONTENT_FIELDS:
            if name not in ("tool_ids", "guidance_ids", "slug"):
                setattr(training, name, values[name])
        training.tools, training.guidance = tools, guidance
        training.starts_at_utc = times.to_utc(training.starts_at, training.timezone)
        training.ends_at_utc = times.to_utc(training.ends_at, training.timezone)
        return before is None or content_of(training) != before


def create_training(values: dict[str, Any], author: User) -> Training:
    """A new draft. Raises SlugTaken."""
    values = clean(values)
    slug = values.get("slug") or unique_slug(values["title"])
    if slug_used(slug):
        raise SlugTaken(slug)
    now = utcnow()
    training = Training(slug=slug, status="draft", demo=False, created_by=author, updated_by=author, created_at=now,
                        updated_at=now)
    apply_content(training, values)
    db.session.add(training)
    audit.record("training.create", target=target_of(training), actor=author)
    db.session.commit()
    return training


def differences(training: Training, values: dict[str, Any]) -> list[str]:
    saved = content_of(training)
    return [name for name in CONTENT_FIELDS if name != "slug" and saved[name] != values.get(name)] + (
        ["slug"] if values.get("slug") and values["slug"] != training.slug else [])


def save_training(training: Training, values: dict[str, Any], author: User, loaded_version: int | None) -> bool:
    """Save the editor's values if nobody saved since ``loaded_version``; returns whether anything changed.

    Raises EditConflict, SlugTaken, or CapacityTooLow (fewer seats than members already enrolled). A larger capacity
    gives the new seats to the waiting list at once, and those members are e-mailed.
    """
    values = clean(values)
    if loaded_version != training.version:
        raise EditConflict(training, differences(training, values))
    slug = values.get("slug") or training.slug
    if slug != training.slug and slug_used(slug, training.id):
        raise SlugTaken(slug)
    lock_training(training.id)  # the seat count below must not change before this transaction ends
    enrolled = enrolled_count(training.id)
    if values["capacity"] < enrolled:
        db.session.rollback()
        raise CapacityTooLow(enrolled)
    changed = apply_content(training, values)
    if slug != training.slug:
        training.slug, changed = slug, True
    if not changed:
        db.session.rollback()
        return False
    training.updated_by, training.updated_at = author, utcnow()
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(Training, training.id)
        raise EditConflict(fresh, differences(fresh, values)) from None
    promoted = fill_free_seats(training)
    audit.record("training.edit", target=target_of(training), actor=author,
                 detail=f"{len(promoted)} moved from the waiting list" if promoted else "")
    db.session.commit()
    for enrolment in promoted:
        notices.seat_offered(enrolment)
    return True


def _check_version(training: Training, loaded_version: int | None) -> None:
    if loaded_version != training.version:
        raise TransitionRefused(_("Someone changed this training after you opened the page, so nothing was done. "
                                  "Check the current state below and try again."))


def publish(training: Training, author: User, loaded_version: int | None) -> None:
    _check_version(training, loaded_version)
    if training.status != "draft":
        raise TransitionRefused(_("Only a draft can be published; this training is not a draft."))
    training.status, training.updated_by, training.updated_at = "published", author, utcnow()
    audit.record("training.publish", target=target_of(training), actor=author)
    _commit_or_refuse()


def cancel(training: Training, author: User, loaded_version: int | None, message: str = "") -> int:
    """Cancel a draft or published training; enrolled and waiting members are e-mailed. Returns how many."""
    _check_version(training, loaded_version)
    if training.status == "cancelled":
        raise TransitionRefused(_("This training is already cancelled."))
    was_published = training.status == "published"
    lock_training(training.id)  # nobody enrols between listing the recipients and the status change
    recipients = [e for e in active_enrolments(training) if e.user.active] if was_published else []
    training.status, training.updated_by, training.updated_at = "cancelled", author, utcnow()
    audit.record("training.cancel", target=target_of(training), actor=author,
                 detail=f"{len(recipients)} members told" + (f": {message}" if message else ""))
    _commit_or_refuse()
    notices.training_cancelled(training, recipients, message.strip())
    return len(recipients)


def _commit_or_refuse() -> None:
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise TransitionRefused(_("Someone changed this training at the same moment, so nothing was done. "
                                  "Check the current state below and try again.")) from None


def active_enrolments(training: Training) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(
        Enrolment.training_id == training.id, Enrolment.status.in_(("enrolled", "waitlisted")))
        .order_by(Enrolment.status, Enrolment.queue_number)))
