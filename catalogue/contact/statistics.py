"""What admins see of contact requests: volumes, answer times, the overdue list and the CSV export — never content.

Volumes are counted in SQL (grouped by country pair, type and state). Medians are computed in Python with
``statistics.median`` over the answered requests only, so that SQLite and PostgreSQL give the same figures; requests
still waiting for an acknowledgement or a response are counted separately and left out of the medians.
Nothing here reads a subject, a message, a decline reason, handling conditions or a thread.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased, joinedload

from catalogue import audit, clock
from catalogue.extensions import db
from catalogue.models import Agency, ContactRequest
from catalogue.models.contact import REQUEST_KINDS, REQUEST_STATES
from catalogue.spreadsheets import spreadsheet_safe

#: Country pairs shown one by one; the rest are summed up as "other pairs".
TOP_PAIRS = 15
OVERDUE_PER_PAGE = 50
CSV_COLUMNS = (
    "id", "created_utc", "sender_agency", "sender_country", "recipient_agency", "recipient_country", "type", "urgency",
    "handling_code", "state", "due_utc", "acknowledged_utc", "responded_utc", "closed_utc", "overdue",
    "hours_to_acknowledge", "hours_to_respond",
)

Pair = tuple[str, str]  # (sender agency's country, recipient agency's country), ISO 3166 alpha-2


@dataclass(frozen=True)
class Filters:
    """Which requests to count, by the day they were sent (UTC, both ends included), type and urgency."""

    since: date | None = None
    until: date | None = None
    kind: str = ""
    urgency: str = ""

    def conditions(self) -> list:
        found = []
        if self.since:
            found.append(ContactRequest.created_at >= datetime.combine(self.since, time.min))
        if self.until:
            found.append(ContactRequest.created_at < datetime.combine(self.until + timedelta(days=1), time.min))
        if self.kind:
            found.append(ContactRequest.kind == self.kind)
        if self.urgency:
            found.append(ContactRequest.urgency == self.urgency)
        return found

    def describe(self) -> str:
        """For the audit log: every filter, empty ones included, so two exports can be compared."""
        return (f"since={self.since or ''} until={self.until or ''} type={self.kind} urgency={self.urgency}")


@dataclass
class Group:
    """Requests of one country pair, one type, or all of them, with their answer times in hours."""

    requests: int = 0
    acknowledged: int = 0
    responded: int = 0
    acknowledge_hours: list[float] = field(default_factory=list, repr=False)
    respond_hours: list[float] = field(default_factory=list, repr=False)

    @property
    def not_acknowledged(self) -> int:
        return self.requests - self.acknowledged

    @property
    def not_responded(self) -> int:
        return self.requests - self.responded

    @cached_property
    def median_acknowledge(self) -> float | None:
        """Read once the group is complete (the page reads it several times)."""
        return statistics.median(self.acknowledge_hours) if self.acknowledge_hours else None

    @cached_property
    def median_respond(self) -> float | None:
        return statistics.median(self.respond_hours) if self.respond_hours else None

    def add_counts(self, requests: int, acknowledged: int, responded: int) -> None:
        self.requests += requests
        self.acknowledged += acknowledged
        self.responded += responded


@dataclass
class PairGroup(Group):
    pair: Pair | None = None  # None: the other pairs, summed up


@dataclass
class Overview:
    filters: Filters
    by_state: dict[str, int]
    overall: Group
    by_pair: list[PairGroup]  # the busiest TOP_PAIRS pairs, then (if any) one group for all the others
    other_pairs: int  # how many pairs the last group sums up
    by_kind: dict[str, Group]
    overdue_now: int

    @property
    def total(self) -> int:
        return self.overall.requests


def hours_between(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def _agencies():
    return aliased(Agency, name="sender_agency"), aliased(Agency, name="recipient_agency")


def overview(filters: Filters) -> Overview:
    """Every figure of the oversight page: volumes grouped in SQL, then the answered requests' times for the medians."""
    sender, recipient = _agencies()
    conditions = filters.conditions()
    counted = (func.count(), func.count(ContactRequest.acknowledged_at), func.count(ContactRequest.responded_at))

    by_state = dict.fromkeys(REQUEST_STATES, 0)
    by_state.update(db.session.execute(
        select(ContactRequest.state, func.count()).where(*conditions).group_by(ContactRequest.state)).all())

    by_kind = {kind: Group() for kind in REQUEST_KINDS}
    for kind, *counts in db.session.execute(
            select(ContactRequest.kind, *counted).where(*conditions).group_by(ContactRequest.kind)):
        by_kind.setdefault(kind, Group()).add_counts(*counts)

    pair_counts = db.session.execute(
        select(sender.country, recipient.country, *counted)
        .join(sender, ContactRequest.sender_agency_id == sender.id)
        .join(recipient, ContactRequest.recipient_agency_id == recipient.id)
        .where(*conditions)
        .group_by(sender.country, recipient.country)
        .order_by(func.count().desc(), sender.country, recipient.country)).all()
    shown = {(s, r): PairGroup(pair=(s, r)) for s, r, *_counts in pair_counts[:TOP_PAIRS]}
    others = PairGroup(pair=None)
    overall = Group()
    for s, r, *counts in pair_counts:
        shown.get((s, r), others).add_counts(*counts)
        overall.add_counts(*counts)

    answered = db.session.execute(
        select(sender.country, recipient.country, ContactRequest.kind, ContactRequest.created_at,
               ContactRequest.acknowledged_at, ContactRequest.responded_at)
        .join(sender, ContactRequest.sender_agency_id == sender.id)
        .join(recipient, ContactRequest.recipient_agency_id == recipient.id)
        .where(*conditions, or_(ContactRequest.acknowledged_at.is_not(None),
                                ContactRequest.responded_at.is_not(None))))
    for s, r, kind, created, acknowledged, responded in answered:
        groups = (overall, by_kind[kind], shown.get((s, r), others))
        if acknowledged is not None:
            hours = (acknowledged - created).total_seconds() / 3600
            for group in groups:
                group.acknowledge_hours.append(hours)
        if responded is not None:
            hours = (responded - created).total_seconds() / 3600
            for group in groups:
                group.respond_hours.append(hours)

    by_pair = list(shown.values()) + ([others] if others.requests else [])
    return Overview(filters=filters, by_state=by_state, overall=overall, by_pair=by_pair,
                    other_pairs=max(0, len(pair_counts) - TOP_PAIRS), by_kind=by_kind, overdue_now=overdue_count())


def _overdue(now: datetime) -> list:
    """The same rule as ``ContactRequest.overdue``, as SQL."""
    return [ContactRequest.state == "submitted", ContactRequest.due_at < now]


def overdue_count() -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRequest).where(*_overdue(clock.now())))


def overdue(page: int):
    """Requests still waiting for an acknowledgement past their deadline, the longest overdue first."""
    query = (select(ContactRequest).where(*_overdue(clock.now()))
             .options(joinedload(ContactRequest.sender_agency), joinedload(ContactRequest.recipient_agency))
             .order_by(ContactRequest.due_at, ContactRequest.id))
    return db.paginate(query, page=page, per_page=OVERDUE_PER_PAGE, error_out=False)


def _iso(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="seconds") + "Z"


def _hours(start: datetime, end: datetime | None) -> str:
    hours = hours_between(start, end)
    return "" if hours is None else f"{hours:.1f}"


def export_rows(filters: Filters) -> Iterable[tuple]:
    """One row per request, in the order of CSV_COLUMNS: identifiers, countries, vocabulary values and times only."""
    sender, recipient = _agencies()
    now = clock.now()
    rows = db.session.execute(
        select(ContactRequest.id, ContactRequest.created_at, sender.slug, sender.country, recipient.slug,
               recipient.country, ContactRequest.kind, ContactRequest.urgency, ContactRequest.handling_code,
               ContactRequest.state, ContactRequest.due_at, ContactRequest.acknowledged_at,
               ContactRequest.responded_at, ContactRequest.closed_at)
        .join(sender, ContactRequest.sender_agency_id == sender.id)
        .join(recipient, ContactRequest.recipient_agency_id == recipient.id)
        .where(*filters.conditions())
        .order_by(ContactRequest.id))
    for (request_id, created, sender_slug, sender_country, recipient_slug, recipient_country, kind, urgency,
         handling_code, state, due, acknowledged, responded, closed) in rows:
        overdue_now = state == "submitted" and due < now
        yield (request_id, _iso(created), sender_slug, sender_country, recipient_slug, recipient_country, kind,
               urgency, handling_code, state, _iso(due), _iso(acknowledged), _iso(responded), _iso(closed),
               "yes" if overdue_now else "no", _hours(created, acknowledged), _hours(created, responded))


def export_csv(filters: Filters, actor) -> str:
    """The CSV, every cell guarded against running as a spreadsheet formula; the export itself is audited."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in export_rows(filters):
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
        count += 1
    audit.record("contact.export", target="contact-requests", actor=actor,
                 detail=f"{filters.describe()} rows={count}")
    db.session.commit()
    return out.getvalue()

