"""Reading trainings: who may see which, the list with its filters, seats, a member's own trainings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, lazyload
from werkzeug.exceptions import NotFound

from catalogue import policy, times
from catalogue.extensions import db
from catalogue.models import Enrolment, GuidancePage, Training, User
from catalogue.models.base import utcnow

PUBLIC_STATUSES = ("published", "cancelled")


@dataclass(frozen=True)
class Availability:
    """Seats and whether enrolment is open, worked out in one place for the list, the page and the services."""

    capacity: int
    taken: int
    waiting: int
    closed: str | None  # None when open, else "draft", "cancelled", "started" or "deadline"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity


def closed_reason(training: Training, now: datetime | None = None) -> str | None:
    now = now or utcnow()
    if training.status != "published":
        return training.status
    if training.starts_at_utc <= now:
        return "started"
    if training.registration_deadline and times.to_utc(training.registration_deadline, training.timezone) < now:
        return "deadline"
    return None


def closed_message(training: Training, reason: str) -> str:
    """Why nobody can enrol, said so that the member knows nothing happened."""
    if reason == "deadline":
        return _("Registration for this training closed on %(deadline)s. Nothing was changed.",
                 deadline=times.moment_text(training.local_deadline))
    messages = {
        "draft": _("This training is not published yet, so nobody can enrol. Nothing was changed."),
        "cancelled": _("This training has been cancelled, so nobody can enrol. Nothing was changed."),
        "started": _("This training has already started, so enrolment is closed. Nothing was changed."),
    }
    return messages[reason]


def counts(training_ids: Iterable[int]) -> dict[tuple[int, str], int]:
    """Active enrolments per (training id, status)."""
    ids = list(training_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrolment.training_id, Enrolment.status, func.count())
        .where(Enrolment.training_id.in_(ids), Enrolment.status.in_(("enrolled", "waitlisted")))
        .group_by(Enrolment.training_id, Enrolment.status))
    return {(training_id, status): count for training_id, status, count in rows}


def availability_of(trainings: Iterable[Training]) -> dict[int, Availability]:
    trainings = list(trainings)
    found = counts(t.id for t in trainings)
    now = utcnow()
    return {t.id: Availability(t.capacity, found.get((t.id, "enrolled"), 0), found.get((t.id, "waitlisted"), 0),
                               closed_reason(t, now)) for t in trainings}


def may_manage(user) -> bool:
    return policy.can("trainings.manage", user)


def get_visible(slug: str, user=None) -> Training:
    """A published or cancelled training; drafts only for those who manage trainings (404 for anyone else)."""
    training = db.session.scalar(select(Training).where(Training.slug == slug))
    if training is None or (training.status not in PUBLIC_STATUSES and not may_manage(user)):
        raise NotFound()
    return training


@dataclass
class ListFilters:
    format: str = ""
    kind: str = ""
    language: str = ""
    past: bool = False


def listed(filters: ListFilters) -> Select:
    """Published and cancelled trainings: upcoming (not ended yet) soonest first, or past ones latest first."""
    now = utcnow()
    query = select(Training).where(Training.status.in_(PUBLIC_STATUSES))
    if filters.past:
        query = query.where(Training.ends_at_utc < now).order_by(Training.starts_at_utc.desc(), Training.id)
    else:
        query = query.where(Training.ends_at_utc >= now).order_by(Training.starts_at_utc, Training.id)
    for column, value in ((Training.format, filters.format), (Training.kind, filters.kind),
                          (Training.language, filters.language)):
        if value:
            query = query.where(column == value)
    return query


def upcoming(limit: int = 3, guidance_id: int | None = None) -> list[Training]:
    """The next published trainings that have not ended, optionally only those related to one guidance page."""
    query = listed(ListFilters()).where(Training.status == "published")
    if guidance_id is not None:
        query = query.where(Training.guidance.any(GuidancePage.id == guidance_id))
    return list(db.session.scalars(query.limit(limit)))


@dataclass
class Listing:
    page: object  # Flask-SQLAlchemy pagination
    availability: dict[int, Availability]
    languages: list[str]


def listing(filters: ListFilters, page: int, per_page: int) -> Listing:
    found = db.paginate(listed(filters), page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    languages = db.session.scalars(select(Training.language).where(Training.status.in_(PUBLIC_STATUSES))
                                   .distinct().order_by(Training.language))
    return Listing(found, availability_of(found.items), list(languages))


def enrolment_of(training: Training, user) -> Enrolment | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Enrolment).where(Enrolment.training_id == training.id,
                                                     Enrolment.user_id == user.id))


def my_places(user, trainings: list[Training]) -> dict[int, tuple[str, int | None]]:
    """``{training id: (enrolment status, waiting-list place or None)}`` for the user's active enrolments among
    ``trainings``, for the cards of a list."""
    if not getattr(user, "is_authenticated", False) or not trainings:
        return {}
    found = db.session.scalars(select(Enrolment).where(
        Enrolment.user_id == user.id, Enrolment.training_id.in_([t.id for t in trainings]),
        Enrolment.status.in_(("enrolled", "waitlisted"))))
    return {enrolment.training_id: (enrolment.status, waiting_position(enrolment)) for enrolment in found}


def waiting_position(enrolment: Enrolment) -> int | None:
    """1 for the first person on the waiting list; None when the enrolment is not waiting."""
    if enrolment.status != "waitlisted":
        return None
    ahead = db.session.scalar(select(func.count()).select_from(Enrolment).where(
        Enrolment.training_id == enrolment.training_id, Enrolment.status == "waitlisted",
        Enrolment.queue_number < enrolment.queue_number))
    return (ahead or 0) + 1


@dataclass
class TrainingPage:
    training: Training
    availability: Availability
    enrolment: Enrolment | None
    position: int | None


def training_page(slug: str, user) -> TrainingPage:
    training = get_visible(slug, user)
    enrolment = enrolment_of(training, user)
    if enrolment is not None and not enrolment.active:
        enrolment = None
    return TrainingPage(training, availability_of([training])[training.id], enrolment,
                        waiting_position(enrolment) if enrolment else None)


@dataclass
class MyTrainings:
    enrolled: list[Enrolment] = field(default_factory=list)
    waiting: list[tuple[Enrolment, int]] = field(default_factory=list)
    cancelled: list[Enrolment] = field(default_factory=list)  # trainings the organiser cancelled
    past: list[Enrolment] = field(default_factory=list)


def active_enrolments(user: User) -> list[Enrolment]:
    """The member's enrolments and waiting-list places in trainings others can see, soonest first."""
    return list(db.session.scalars(
        # The lists show each training's heading and dates: its tools and guidance (with their terms) stay unread.
        select(Enrolment).join(Training)
        .options(contains_eager(Enrolment.training).options(lazyload(Training.tools), lazyload(Training.guidance)))
        .where(Enrolment.user_id == user.id, Enrolment.status.in_(("enrolled", "waitlisted")),
               Training.status.in_(PUBLIC_STATUSES))
        .order_by(Training.starts_at_utc, Training.id)))


def my_trainings(user: User) -> MyTrainings:
    mine = MyTrainings()
    now = utcnow()
    for enrolment in active_enrolments(user):
        training = enrolment.training
        if training.ends_at_utc < now:
            mine.past.insert(0, enrolment)
        elif training.status == "cancelled":
            mine.cancelled.append(enrolment)
        elif enrolment.status == "enrolled":
            mine.enrolled.append(enrolment)
        else:
            mine.waiting.append((enrolment, waiting_position(enrolment)))
    return mine


def managed(status: str, page: int, per_page: int) -> Listing:
    """Every training for curators, whatever its status; the newest start first."""
    query = select(Training).order_by(Training.starts_at_utc.desc(), Training.id)
    if status:
        query = query.where(Training.status == status)
    found = db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
    return Listing(found, availability_of(found.items), [])


def published_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Training).where(Training.status == "published")) or 0
