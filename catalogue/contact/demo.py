"""Fictional demo requests, in every state, between demo agencies that have points of contact (development only).

The requests are written as they would have happened, backdated from now: the request, its acknowledgement, answers,
thread, assignment and closing, each with its audit event and the notifications the other side received (read when
older than two days). No e-mail is sent. ``member@demo.example`` sends several; the agency of
``contact@demo.example`` (a point-of-contact demo account, when it exists) receives several. Loading is idempotent:
nothing is added once any demo request exists.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import exists, select

from catalogue import clock
from catalogue.contact import history
from catalogue.contact.lifecycle import TRANSITIONS
from catalogue.contact.sending import answer_hours
from catalogue.contact.visibility import may_use, points_of_contact
from catalogue.extensions import db
from catalogue.models import Agency, ContactMessage, ContactRequest, Notification, Tool, User

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "requests.json"
MEMBER_EMAIL = "member@demo.example"
CONTACT_EMAIL = "contact@demo.example"
READ_AFTER = timedelta(days=2)


@dataclass
class DemoReport:
    created: int = 0
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return f"Demo contact requests: none added ({self.skipped})."
        return f"Demo contact requests: {self.created} added."


def records() -> list[dict[str, Any]]:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))["requests"]


def _demo_user(email: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == email, User.demo.is_(True)))
    return user if user is not None and may_use(user) and user.agency_id is not None else None


def _hubs() -> list[tuple[Agency, list[User]]]:
    """Demo agencies with at least one point of contact, in a stable order."""
    hubs = []
    for agency in db.session.scalars(select(Agency).where(Agency.demo.is_(True)).order_by(Agency.slug)):
        contacts = list(db.session.scalars(points_of_contact(agency.id)))
        if contacts:
            hubs.append((agency, contacts))
    return hubs


class Cast:
    """Chooses senders, receiving agencies and who acts for them, spreading requests over the demo agencies."""

    def __init__(self, hubs: list[tuple[Agency, list[User]]]):
        self.hubs = hubs
        self.member = _demo_user(MEMBER_EMAIL)
        contact = _demo_user(CONTACT_EMAIL)
        self.contact = contact if contact is not None and contact.point_of_contact else None
        self.turn = 0

    def _next_hub(self, avoid: set[int], must_avoid: int | None = None) -> tuple[Agency, list[User]]:
        """The next agency in turn that is not in ``avoid`` if there is one, and never ``must_avoid``."""
        for wanted in (avoid, {must_avoid}):
            for _ in range(len(self.hubs)):
                agency, contacts = self.hubs[self.turn % len(self.hubs)]
                self.turn += 1
                if agency.id not in wanted:
                    return agency, contacts
        raise LookupError("no demo agency left to choose")

    def parties(self, record: dict[str, Any]) -> tuple[User, Agency]:
        contact_agency = self.contact.agency_id if self.contact else None
        if record["from"] == "member" and self.member is not None:
            sender = self.member
        else:
            sender = self._next_hub({contact_agency} if record["to"] == "contact" else set())[1][0]
        if record["to"] == "contact" and self.contact is not None and contact_agency != sender.agency_id:
            return sender, self.contact.agency
        return sender, self._next_hub({sender.agency_id, contact_agency}, must_avoid=sender.agency_id)[0]

    def answerer(self, agency: Agency) -> User:
        if self.contact is not None and self.contact.agency_id == agency.id:
            return self.contact
        return next(contacts for hub, contacts in self.hubs if hub.id == agency.id)[0]


def assignable(agency: Agency, answerer: User) -> User | None:
    """A colleague who is not a point of contact, or else another point of contact, to show an assignment."""
    people = [u for u in db.session.scalars(select(User).where(User.agency_id == agency.id).order_by(User.id))
              if may_use(u) and u.id != answerer.id]
    return next((u for u in people if not u.point_of_contact), people[0] if people else None)


def _notify(request: ContactRequest, event: str, actor: User, recipients: list[User], at: datetime,
            now: datetime) -> None:
    for person in {p.id: p for p in recipients if p is not None and p.id != actor.id}.values():
        db.session.add(Notification(user_id=person.id, request_id=request.id, event=event, actor_id=actor.id,
                                    created_at=at, read_at=at + timedelta(hours=1) if now - at > READ_AFTER else None))


def _other_side(request: ContactRequest, by_sender: bool, answerer: User) -> list[User]:
    if by_sender:
        return [answerer, *([request.assignee] if request.assignee else [])]
    return [request.sender]


def _apply(request: ContactRequest, step: dict[str, Any], actor: User, at: datetime, assignee: User | None) -> str:
    action = step["do"]
    transition = TRANSITIONS[action]
    if request.state not in transition.sources:
        raise ValueError(f"demo request {request.subject!r}: cannot {action} when {request.state}")
    if transition.target:
        request.state = transition.target
    if action in ("acknowledge", "accept", "decline") and request.acknowledged_at is None:
        request.acknowledged_at = at
    if action in ("accept", "decline"):
        request.responded_at = at
    if action == "decline":
        request.decline_reason = step["text"]
    if action == "close":
        request.closed_at, request.closed_by_id = at, actor.id
    if action == "message":
        db.session.add(ContactMessage(request_id=request.id, author_id=actor.id, body=step["text"], created_at=at))
    if action == "assign":
        request.assignee = assignee
    request.updated_at = at
    return f"assigned to {assignee.email}" if action == "assign" else ""


def _create(record: dict[str, Any], cast: Cast, now: datetime) -> ContactRequest:
    sender, agency = cast.parties(record)
    answerer = cast.answerer(agency)
    sent = now - timedelta(hours=record["sent_hours_ago"])
    tool = db.session.scalar(select(Tool).where(Tool.slug == record["tool"])) if record.get("tool") else None
    request = ContactRequest(
        sender=sender, sender_agency_id=sender.agency_id, recipient_agency_id=agency.id, kind=record["kind"],
        subject=record["subject"], message=record["message"], urgency=record["urgency"],
        handling_code=record["handling_code"], handling_conditions=record.get("conditions", ""),
        languages=record["languages"], tool=tool, state="submitted", created_at=sent, updated_at=sent,
        due_at=sent + timedelta(hours=answer_hours(record["urgency"])), demo=True)
    db.session.add(request)
    db.session.flush()
    history.record("contact.submit", request, sender, detail=f"to {agency.slug}; demo", at=sent)
    _notify(request, "submitted", sender, list(db.session.scalars(points_of_contact(agency.id))), sent, now)
    for step in record["steps"]:
        at = sent + timedelta(hours=step["at"])
        by_sender = step["by"] == "sender"
        assignee = assignable(agency, answerer) if step["do"] == "assign" else None
        if step["do"] == "assign" and assignee is None:
            continue  # the agency has nobody else to assign it to
        actor = sender if by_sender else (request.assignee or answerer)
        detail = _apply(request, step, actor, at, assignee)
        history.record(f"contact.{step['do']}", request, actor, detail=detail, at=at)
        event = TRANSITIONS[step["do"]].event
        recipients = [assignee, request.sender] if step["do"] == "assign" else _other_side(request, by_sender,
                                                                                          answerer)
        _notify(request, event, actor, recipients, at, now)
    return request


def load_demo_requests(now: datetime | None = None) -> DemoReport:
    """Add the demo requests unless some exist; needs two demo agencies with points of contact."""
    if db.session.scalar(select(exists().where(ContactRequest.demo.is_(True)))):
        return DemoReport(skipped="demo requests already exist")
    hubs = _hubs()
    if len(hubs) < 2:
        return DemoReport(skipped="fewer than two demo agencies have a point of contact")
    now, cast = now or clock.now(), Cast(hubs)
    created = [_create(record, cast, now) for record in records()]
    db.session.commit()
    return DemoReport(created=len(created))
