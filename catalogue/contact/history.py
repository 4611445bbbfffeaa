"""A request's history is its audit trail: the events recorded with its target, oldest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from catalogue import audit, clock
from catalogue.contact.labels import HISTORY_LABELS
from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactRequest, User

#: Audit actions that moved a request into each state, for "declined by … at …" when someone was too late.
STATE_ACTIONS = {"acknowledged": "contact.acknowledge", "accepted": "contact.accept", "declined": "contact.decline",
                 "closed": "contact.close"}


def _events_of(request: ContactRequest):
    """The target column has no index of its own; narrowing by the indexed action first keeps this quick."""
    return select(AuditEvent).where(AuditEvent.action.in_(tuple(HISTORY_LABELS)),
                                    AuditEvent.target == target_of(request))


def target_of(request: ContactRequest | int) -> str:
    return f"contact-request:{getattr(request, 'id', request)}"


def record(action: str, request: ContactRequest, actor: User | None, detail: str = "",
           at: datetime | None = None) -> AuditEvent:
    """Audit a request event at ``clock.now()`` (or ``at``, for demo data), so the history and the request's own
    times agree. The detail never holds the request's content: no subject, message or reason."""
    event = audit.record(action, target=target_of(request), actor=actor, detail=detail)
    event.created_at = at or clock.now()
    return event


@dataclass(frozen=True)
class Entry:
    action: str
    at: datetime
    actor: User | None
    actor_label: str
    assignee: User | None = None


def _people(ids: set[int]) -> dict[int, User]:
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}


def history(request: ContactRequest) -> list[Entry]:
    events = list(db.session.scalars(_events_of(request).order_by(AuditEvent.created_at, AuditEvent.id)))
    people = _people({e.actor_id for e in events if e.actor_id})
    by_email = {}
    assigned = [e.detail.removeprefix("assigned to ") for e in events if e.action == "contact.assign"]
    if assigned:
        by_email = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(assigned)))}
    entries = []
    for event in events:
        actor = people.get(event.actor_id) if event.actor_id else None
        assignee = by_email.get(event.detail.removeprefix("assigned to ")) if event.action == "contact.assign" \
            else None
        entries.append(Entry(event.action, event.created_at, actor, actor.name if actor else event.actor, assignee))
    return entries


def last_change(request: ContactRequest) -> Entry | None:
    """Who moved the request into its current state, and when."""
    action = STATE_ACTIONS.get(request.state)
    if action is None:
        return None
    event = db.session.scalar(_events_of(request).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    actor = db.session.get(User, event.actor_id) if event.actor_id else None
    return Entry(event.action, event.created_at, actor, actor.name if actor else event.actor)
