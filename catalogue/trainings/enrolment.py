"""Enrolling, joining the waiting list, leaving, and giving free seats to the people waiting.

Capacity must hold when two members take the last seat at the same moment. Every change therefore starts by writing
the training's row (``lock_training``): on PostgreSQL that takes the row lock, on SQLite the database's write lock,
and a second enrolment in the same training waits there until the first has committed. Only then are the seats
counted and the enrolment written, so the count cannot be out of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from catalogue import audit
from catalogue.extensions import db
from catalogue.models import Enrolment, Training, User
from catalogue.models.base import utcnow
from catalogue.trainings import notices, services


class EnrolmentRefused(Exception):
    """Nothing was changed; ``message`` says why, for the member."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    status: str  # "enrolled", "waitlisted", or "already_enrolled" / "already_waitlisted" when nothing changed
    position: int | None = None  # place on the waiting list
    promoted: list[Enrolment] = field(default_factory=list)


def target_of(training: Training) -> str:
    return f"training:{training.slug}"


def lock_training(training_id: int) -> None:
    """Serialise enrolment changes of one training: the first write of the transaction, held until it ends."""
    db.session.execute(update(Training.__table__).where(Training.__table__.c.id == training_id)
                       .values(enrolments_changed_at=utcnow()))


def enrolled_count(training_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.training_id == training_id, Enrolment.status == "enrolled")) or 0


def next_queue_number(training_id: int) -> int:
    return (db.session.scalar(select(func.max(Enrolment.queue_number))
                              .where(Enrolment.training_id == training_id)) or 0) + 1


def _refuse_if_closed(training: Training) -> None:
    reason = services.closed_reason(training)
    if reason:
        raise EnrolmentRefused(services.closed_message(training, reason))


def enrol(slug: str, user: User) -> Outcome:
    """Give ``user`` a seat, or a place on the waiting list when the training is full."""
    training = services.get_visible(slug, user)
    _refuse_if_closed(training)  # before the lock: a refusal writes nothing at all
    lock_training(training.id)
    try:
        db.session.refresh(training)  # what others committed before we got the lock
        _refuse_if_closed(training)
        enrolment = services.enrolment_of(training, user)
        if enrolment is not None and enrolment.active:
            db.session.rollback()
            return Outcome(f"already_{enrolment.status}", services.waiting_position(enrolment))
        status = "enrolled" if enrolled_count(training.id) < training.capacity else "waitlisted"
        number, now = next_queue_number(training.id), utcnow()
        if enrolment is None:
            enrolment = Enrolment(training_id=training.id, user_id=user.id, created_at=now)
            db.session.add(enrolment)
        enrolment.status, enrolment.queue_number = status, number
        enrolment.requested_at = enrolment.updated_at = now
        db.session.flush()
        position = services.waiting_position(enrolment)
        audit.record("training.enrol", target=target_of(training), actor=user, detail=status)
        db.session.commit()
    except EnrolmentRefused:
        db.session.rollback()
        raise
    except IntegrityError:  # cannot happen under the lock; answer as a repeated click would be answered
        db.session.rollback()
        enrolment = services.enrolment_of(training, user)
        return Outcome(f"already_{enrolment.status}" if enrolment else "already_enrolled")
    return Outcome(status, position)


def leave(slug: str, user: User) -> Outcome:
    """Give up a seat or a waiting-list place. A freed seat goes to the first active member waiting."""
    training = services.get_visible(slug, user)
    enrolment = services.enrolment_of(training, user)
    if enrolment is None or not enrolment.active:
        raise EnrolmentRefused(_("You are not enrolled in this training, so there was nothing to cancel."))
    if training.starts_at_utc <= utcnow():
        raise EnrolmentRefused(_("This training has already started, so your place can no longer be cancelled "
                                 "here. Nothing was changed."))
    lock_training(training.id)
    db.session.refresh(training)
    db.session.refresh(enrolment)
    if not enrolment.active:
        db.session.rollback()
        raise EnrolmentRefused(_("You are not enrolled in this training, so there was nothing to cancel."))
    was = enrolment.status
    enrolment.status, enrolment.updated_at = "cancelled", utcnow()
    db.session.flush()
    promoted = fill_free_seats(training) if was == "enrolled" else []
    audit.record("training.cancel_enrolment", target=target_of(training), actor=user, detail=f"was {was}")
    db.session.commit()
    for offered in promoted:
        notices.seat_offered(offered)
    return Outcome(was, promoted=promoted)


def fill_free_seats(training: Training) -> list[Enrolment]:
    """Move people from the waiting list into free seats, first come first served. Call under ``lock_training``;
    the caller commits and then e-mails the people returned."""
    if training.status != "published" or training.starts_at_utc <= utcnow():
        return []
    free = training.capacity - enrolled_count(training.id)
    if free <= 0:
        return []
    waiting = list(db.session.scalars(
        select(Enrolment).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.training_id == training.id, Enrolment.status == "waitlisted", User.active.is_(True))
        .order_by(Enrolment.queue_number).limit(free)))
    now = utcnow()
    for enrolment in waiting:
        enrolment.status, enrolment.updated_at = "enrolled", now
        audit.record("training.enrol", target=target_of(training), detail=f"{enrolment.user.email} moved from "
                     "the waiting list to a free seat")
    db.session.flush()
    return waiting
