"""Who sees a request: its sender, the receiving agency's points of contact and its assignee, and administrators
(audited). For everyone else it does not exist: not its page, its thread, its actions, lists, counts, search or
notifications."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactRequest, Notification, User
from tests.auth import signed_in
from tests.contact_helpers import act, cast, notifications_of, send, state_of, token

ACTIONS = ("acknowledge", "accept", "decline", "close", "assign", "messages")


@pytest.fixture
def people(app):
    with app.app_context():
        return cast()


@pytest.fixture
def shared(app, people):
    """A request from A to B with a thread, assigned to a colleague in B."""
    with app.app_context():
        request_id = send(people.sender, subject="Zebra subject")
        act(request_id, people.poc, "message", body="Walrus in the thread")
        act(request_id, people.poc2, "assign", assignee_id=people.beta_member, seen="submitted")
        return request_id


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def post_every_action(client, request_id: int, people) -> list[int]:
    csrf = token(client)
    return [client.post(f"/contact/requests/{request_id}/{action}", data={
        "csrf_token": csrf, "state": "submitted", "reason": "No", "body": "Let me in",
        "assignee": str(people.sender_colleague)}).status_code for action in ACTIONS]


@pytest.mark.parametrize("who", ["outsider", "sender_colleague", "alpha_poc"])
def test_a_request_does_not_exist_for_people_who_are_not_parties(app, people, shared, who):
    """Agency C (even its point of contact), the sender's colleague and the sending agency's point of contact."""
    client = signed_in(app, getattr(people, who))
    with app.app_context():
        before = audit_count()
    assert client.get(f"/contact/requests/{shared}").status_code == 404
    assert post_every_action(client, shared, people) == [404] * len(ACTIONS)
    for query in ("", "q=Zebra", "q=Walrus", "state=submitted", "overdue=1"):
        for box in ("received", "sent", "all"):
            html = client.get(f"/contact/?box={box}&{query}").get_data(as_text=True)
            assert "Zebra subject" not in html and "0 requests" in html and "(1)" not in html, (box, query)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/contact/"' in home and "nav-badge" not in home
    assert "Request 1" not in client.get("/contact/notifications").get_data(as_text=True)
    with app.app_context():
        assert state_of(shared) == "submitted" and notifications_of(getattr(people, who)) == []
        assert audit_count() == before  # a 404 records nothing about the request
        assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 1


def test_a_member_of_the_receiving_agency_who_is_no_point_of_contact_sees_nothing_until_assigned(app, people):
    with app.app_context():
        request_id = send(people.sender, subject="Zebra subject")
    client = signed_in(app, people.beta_member)
    assert client.get(f"/contact/requests/{request_id}").status_code == 404
    assert post_every_action(client, request_id, people) == [404] * len(ACTIONS)
    assert "Zebra" not in client.get("/contact/?box=received").get_data(as_text=True)
    with app.app_context():
        act(request_id, people.poc, "assign", assignee_id=people.beta_member)
    assert client.get(f"/contact/requests/{request_id}").status_code == 200
    listing = client.get("/contact/").get_data(as_text=True)  # the received box by default now
    assert "Zebra subject" in listing and "Received <span class=\"nav-count\">(1)" in listing


def test_every_party_sees_it_in_the_right_box(app, people, shared):
    for who, box in (("sender", "sent"), ("poc", "received"), ("poc2", "received"), ("beta_member", "received")):
        client = signed_in(app, getattr(people, who))
        assert client.get(f"/contact/requests/{shared}").status_code == 200, who
        html = client.get(f"/contact/?box={box}&q=walrus").get_data(as_text=True)
        assert "Zebra subject" in html and "1 request" in html, who
        other = "received" if box == "sent" else "sent"
        assert "Zebra subject" not in client.get(f"/contact/?box={other}").get_data(as_text=True)


def test_a_point_of_contact_who_steps_down_loses_the_request_its_notifications_and_the_badge(app, people, shared):
    client = signed_in(app, people.poc)
    assert 'class="nav-badge">1<' in client.get("/").get_data(as_text=True)  # the assignment
    with app.app_context():
        db.session.get(User, people.poc).point_of_contact = False
        db.session.commit()
    assert client.get(f"/contact/requests/{shared}").status_code == 404
    assert "nav-badge" not in client.get("/").get_data(as_text=True)
    assert "Zebra" not in client.get("/contact/notifications").get_data(as_text=True)


@pytest.mark.parametrize("who", ["beta_member", "sender"])
def test_an_assignee_or_a_sender_who_moves_to_another_agency_leaves_the_request_behind(app, people, shared, who):
    """A request belongs to the two agencies, not to the people who once handled it."""
    client = signed_in(app, getattr(people, who))
    assert client.get(f"/contact/requests/{shared}").status_code == 200
    with app.app_context():
        db.session.get(User, getattr(people, who)).agency_id = people.gamma
        db.session.commit()
    assert client.get(f"/contact/requests/{shared}").status_code == 404
    assert post_every_action(client, shared, people) == [404] * len(ACTIONS)
    for box in ("received", "sent"):
        assert "Zebra" not in client.get(f"/contact/?box={box}&q=zebra").get_data(as_text=True)
    assert "nav-badge" not in client.get("/").get_data(as_text=True)
    with app.app_context():
        assert state_of(shared) == "submitted"
        before = len(notifications_of(getattr(people, who), shared))
        act(shared, people.poc, "message", body="Still there?")
        assert len(notifications_of(getattr(people, who), shared)) == before  # no more news of it either


def test_an_administrator_reads_any_request_audited_but_cannot_act(app, people, shared):
    client = signed_in(app, people.admin)
    for box in ("received", "sent"):
        assert "Zebra" not in client.get(f"/contact/?box={box}").get_data(as_text=True)
    assert "Zebra subject" in client.get("/contact/?box=all&q=zebra").get_data(as_text=True)
    page = client.get(f"/contact/requests/{shared}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Walrus in the thread" in html
    assert "You are reading this request as an administrator" in html and "Viewed by an administrator" in html
    assert 'action="/contact/requests/' not in html  # no action forms
    with app.app_context():
        viewed = db.session.scalars(select(AuditEvent).filter_by(action="contact.view")).all()
        assert [(e.actor, e.target) for e in viewed] == [("ada.admin@gamma.example", f"contact-request:{shared}")]
        listed = db.session.scalars(select(AuditEvent).filter_by(action="contact.list")).all()
        assert [e.actor for e in listed] == ["ada.admin@gamma.example"]  # the "all" box, with what was searched
        assert "q=zebra" in listed[0].detail
    assert post_every_action(client, shared, people) == [404] * len(ACTIONS)
    with app.app_context():
        assert state_of(shared) == "submitted"
    sender_view = signed_in(app, people.sender).get(f"/contact/requests/{shared}").get_data(as_text=True)
    assert "Viewed by an administrator" in sender_view  # the parties see that oversight happened


def test_ids_that_cannot_exist_answer_404(app, people):
    client = signed_in(app, people.sender)
    for path in ("/contact/requests/0", "/contact/requests/99999999999999999999", "/contact/requests/2147483648"):
        assert client.get(path).status_code == 404


def test_notifications_only_reach_parties(app, people, shared):
    with app.app_context():
        act(shared, people.sender, "message", body="Thanks")
        assert set(db.session.scalars(select(Notification.user_id))) <= {
            people.sender, people.poc, people.poc2, people.beta_member}
