"""Who is coming: the attendee list curators see, and its CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from catalogue import audit
from catalogue.extensions import db
from catalogue.models import Enrolment, Training, User
from catalogue.rows import get_or_404
from catalogue.spreadsheets import spreadsheet_safe
from catalogue.trainings.enrolment import target_of
from catalogue.trainings.services import Availability, availability_of

CSV_COLUMNS = ("status", "waiting_list_position", "name", "email", "agency", "requested_at_utc")


@dataclass
class Attendees:
    enrolled: list[Enrolment]
    waiting: list[Enrolment]  # in waiting-list order: the first one gets the next free seat


def attendees_of(training: Training) -> Attendees:
    rows = db.session.scalars(
        select(Enrolment).where(Enrolment.training_id == training.id, Enrolment.status.in_(("enrolled", "waitlisted")))
        .options(selectinload(Enrolment.user).selectinload(User.agency)).order_by(Enrolment.queue_number))
    found = Attendees([], [])
    for enrolment in rows:
        (found.enrolled if enrolment.status == "enrolled" else found.waiting).append(enrolment)
    return found


def attendees_csv(training: Training, actor: User) -> str:
    """The attendee list as CSV; every cell is guarded so that a spreadsheet never runs it as a formula."""
    found = attendees_of(training)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows = [(e, "") for e in found.enrolled] + [(e, str(n)) for n, e in enumerate(found.waiting, start=1)]
    for enrolment, position in rows:
        user = enrolment.user
        writer.writerow([spreadsheet_safe(str(value)) for value in (
            enrolment.status, position, user.name, user.email, user.agency.name if user.agency else "",
            enrolment.requested_at.isoformat() + "Z")])
    audit.record("training.export", target=target_of(training), actor=actor, detail=f"{len(rows)} attendees")
    db.session.commit()
    return out.getvalue()


@dataclass
class Overview:
    """A curator's page for one training: its state, seats and who is coming."""

    training: Training
    availability: Availability
    attendees: Attendees


def overview(training_id: int) -> Overview:
    training = get_or_404(Training, training_id)
    return Overview(training, availability_of([training])[training.id], attendees_of(training))
