"""Demo requests in every state, loaded once; request counts in ``flask catalogue stats``."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from catalogue.admin import demo as accounts_demo
from catalogue.contact.demo import load_demo_requests, records
from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactMessage, ContactRequest, Notification, User
from tests.contact_helpers import act, cast, send


def demo_accounts() -> dict[str, int]:
    contact = db.session.scalar(select(User).filter_by(email="contact@demo.example"))
    member = db.session.scalar(select(User).filter_by(email="member@demo.example"))
    return {"contact_agency": contact.agency_id, "member": member.id, "contact": contact.id}


def test_demo_requests_cover_every_state_and_load_once(demo_app, clock):
    with demo_app.app_context():
        assert "fewer than two demo agencies" in load_demo_requests().summary()
        accounts_demo.load_agencies()
        accounts_demo.create_accounts()
        ids = demo_accounts()
        report = load_demo_requests()
        assert report.created == len(records()) >= 14
        rows = list(db.session.scalars(select(ContactRequest)))
        assert all(r.demo for r in rows)
        states = {state: [r for r in rows if r.state == state] for state in
                  ("submitted", "acknowledged", "accepted", "declined", "closed")}
        assert all(len(found) >= 2 for found in states.values()), {k: len(v) for k, v in states.items()}
        submitted = states["submitted"]
        assert any(r.overdue(clock()) for r in submitted) and any(r.urgency == "urgent" for r in submitted)
        assert any(not r.overdue(clock()) for r in submitted)
        assert any(len(r.messages) >= 3 for r in states["accepted"])
        assert all(r.decline_reason for r in states["declined"])
        assert all(r.closed_at and r.closed_by_id for r in states["closed"])
        assert sum(r.sender_id == ids["member"] for r in rows) >= 3
        assert sum(r.recipient_agency_id == ids["contact_agency"] for r in rows) >= 3
        assert all(r.sender_agency_id != r.recipient_agency_id for r in rows)
        assert any(r.assignee is not None for r in rows)
        assert all(r.created_at < clock() and r.updated_at <= clock() for r in rows)
        for r in rows:  # every step has its audit event, so the history tells the same story
            events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.target == f"contact-request:{r.id}"))
            steps = next(rec for rec in records() if rec["subject"] == r.subject)["steps"]
            assert events == 1 + len(steps), r.subject
        unread = db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == ids["contact"], Notification.read_at.is_(None)))
        assert unread >= 1  # the demo point of contact sees a badge
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == ids["member"], Notification.read_at.is_(None))) >= 1  # and so does the member
        counts = (len(rows), db.session.scalar(select(func.count()).select_from(ContactMessage)),
                  db.session.scalar(select(func.count()).select_from(Notification)))
        assert "already exist" in load_demo_requests().summary()
        assert counts == (db.session.scalar(select(func.count()).select_from(ContactRequest)),
                          db.session.scalar(select(func.count()).select_from(ContactMessage)),
                          db.session.scalar(select(func.count()).select_from(Notification)))


def test_demo_request_content_is_fictional_and_harmless():
    text = json.dumps(records()).lower()
    for word in ("abuse material", "victim's name", "http", "@", "europol", "interpol", "ncmec"):
        assert word not in text, word


def test_stats_count_requests_by_state(app, runner):
    assert json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)["contact_requests"] == {
        "submitted": 0, "acknowledged": 0, "accepted": 0, "declined": 0, "closed": 0}
    with app.app_context():
        people = cast()
        first, second, _third = (send(people.sender, subject=f"Request {n}") for n in range(3))
        act(first, people.poc, "acknowledge")
        act(second, people.poc, "decline", reason="No.")
        act(second, people.sender, "close")
    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert stats["contact_requests"] == {"submitted": 1, "acknowledged": 1, "accepted": 0, "declined": 0,
                                         "closed": 1}
    assert "Contact requests by state: submitted 1, acknowledged 1" in runner.invoke(
        args=["catalogue", "stats"]).output
