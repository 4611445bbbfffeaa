"""The request lifecycle: who may do what in which state, stale pages, races, the thread, the history, notifications."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from catalogue.contact import lifecycle
from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactMessage, ContactRequest, Notification, User
from tests.auth import body, outbox, signed_in
from tests.contact_helpers import act, cast, notifications_of, send, state_of, token
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the PostgreSQL fixture, reused below

STATES = ("submitted", "acknowledged", "accepted", "declined", "closed")
ACTORS = ("sender", "poc", "assignee", "sender_colleague", "admin")
RECIPIENT_SIDE = {"poc", "assignee"}
#: action → (states it starts from, who may take it)
RULES = {
    "acknowledge": ({"submitted"}, RECIPIENT_SIDE),
    "accept": ({"submitted", "acknowledged"}, RECIPIENT_SIDE),
    "decline": ({"submitted", "acknowledged"}, RECIPIENT_SIDE),
    "close": ({"submitted", "acknowledged", "accepted", "declined"}, {"sender", "poc", "assignee"}),
    "assign": ({"submitted", "acknowledged", "accepted"}, {"poc"}),
    "message": ({"submitted", "acknowledged", "accepted", "declined"}, {"sender", "poc", "assignee"}),
}
PATHS = {"message": "messages"}


@pytest.fixture
def people(app):
    app.config["CONTACT_REQUESTS_PER_DAY"] = 1000
    with app.app_context():
        return cast()


def request_in(state: str, people) -> int:
    """A request from A to B, assigned to B's non-point-of-contact member, brought into ``state``."""
    request_id = send(people.sender)
    act(request_id, people.poc2, "assign", assignee_id=people.beta_member)
    steps = {"acknowledged": [("acknowledge", {})], "accepted": [("accept", {})],
             "declined": [("decline", {"reason": "Outside our remit."})],
             "closed": [("acknowledge", {}), ("close", {})]}
    for action, given in steps.get(state, []):
        act(request_id, people.poc2, action, **given)
    assert state_of(request_id) == state
    return request_id


def expected_status(action: str, state: str, actor: str) -> int:
    states, allowed = RULES[action]
    if actor in ("sender_colleague", "admin"):
        return 404  # not a party: the request does not exist for them (administrators only read)
    if actor not in allowed:
        return 403  # a party, but the action belongs to the other side
    return 303 if state in states else 409


@pytest.mark.parametrize("action", list(RULES))
@pytest.mark.parametrize("state", STATES)
def test_every_transition_is_allowed_or_refused_per_party_and_state(app, people, action, state):
    ids = {"sender": people.sender, "poc": people.poc, "assignee": people.beta_member,
           "sender_colleague": people.sender_colleague, "admin": people.admin}
    for actor in ACTORS:
        with app.app_context():
            request_id = request_in(state, people)
            before = db.session.scalar(select(func.count()).select_from(AuditEvent))
        client = signed_in(app, ids[actor])
        response = client.post(f"/contact/requests/{request_id}/{PATHS.get(action, action)}", data={
            "csrf_token": token(client), "state": state, "reason": "We cannot help with this.",
            "body": "A question about the request.", "assignee": str(people.poc2)})
        expected = expected_status(action, state, actor)
        assert response.status_code == expected, (action, state, actor, response.status_code)
        with app.app_context():
            changed = db.session.scalar(select(func.count()).select_from(AuditEvent)) - before
            if expected == 303:
                assert changed == 1
                target = lifecycle.TRANSITIONS[action].target
                assert state_of(request_id) == (target or state)
            else:
                assert changed == 0 and state_of(request_id) == state


def test_the_page_offers_only_the_viewers_own_actions(app, people):
    with app.app_context():
        request_id = request_in("submitted", people)
    forms = {
        "sender": ["close", "messages"],
        "poc": ["acknowledge", "accept", "decline", "assign", "close", "messages"],
        "beta_member": ["acknowledge", "accept", "decline", "close", "messages"],  # assignees do not reassign
    }
    for who, actions in forms.items():
        html = signed_in(app, getattr(people, who)).get(f"/contact/requests/{request_id}").get_data(as_text=True)
        offered = [a for a in ("acknowledge", "accept", "decline", "assign", "close", "messages")
                   if f'action="/contact/requests/{request_id}/{a}"' in html]
        assert offered == actions, who


def test_accepting_a_submitted_request_records_the_acknowledgement_too(app, people, clock):
    with app.app_context():
        request_id = send(people.sender)
        clock.advance(hours=3)
        act(request_id, people.poc, "accept")
        accepted = db.session.get(ContactRequest, request_id)
        assert accepted.acknowledged_at == accepted.responded_at == accepted.updated_at == clock()
        assert not accepted.overdue(clock() + timedelta(days=30))


def test_declining_needs_a_reason_the_sender_then_reads(app, people, clock):
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.poc)
    refused = client.post(f"/contact/requests/{request_id}/decline", data={
        "csrf_token": token(client), "state": "submitted", "reason": "   "})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Say why you decline the request" in html and "<details" in html
    too_long = client.post(f"/contact/requests/{request_id}/decline", data={
        "csrf_token": token(client), "state": "submitted", "reason": "x" * 1001})
    assert too_long.status_code == 400 and "x" * 1001 in too_long.get_data(as_text=True)  # kept to shorten
    with app.app_context():
        assert state_of(request_id) == "submitted" and notifications_of(people.sender) == []
    done = client.post(f"/contact/requests/{request_id}/decline", data={
        "csrf_token": token(client), "state": "submitted", "reason": "Outside our remit: ask the hotline."})
    assert done.status_code == 303
    sender_page = signed_in(app, people.sender).get(f"/contact/requests/{request_id}").get_data(as_text=True)
    assert "Reason for declining" in sender_page and "Outside our remit: ask the hotline." in sender_page
    with app.app_context():
        declined = db.session.get(ContactRequest, request_id)
        assert (declined.state, declined.responded_at, declined.acknowledged_at) == ("declined", clock(), clock())
        assert notifications_of(people.sender) == [("declined", request_id)]
        event = db.session.scalars(select(AuditEvent).filter_by(action="contact.decline")).one()
        assert "remit" not in event.detail  # the reason is content: not in the audit log
    declined_mail = [m for m in outbox(app) if m["To"] == "sam@alpha.example"]
    assert len(declined_mail) == 1 and "remit" not in body(declined_mail[0])


def test_a_stale_page_is_told_who_was_first_and_changes_nothing(app, people):
    with app.app_context():
        request_id = send(people.sender)
    slow = signed_in(app, people.poc)
    csrf = token(slow)
    page = slow.get(f"/contact/requests/{request_id}").get_data(as_text=True)
    assert 'name="state" type="hidden" value="submitted"' in page
    with app.app_context():
        act(request_id, people.poc2, "decline", reason="Not for us.")
        mails = len(outbox(app))
    response = slow.post(f"/contact/requests/{request_id}/accept", data={"csrf_token": csrf, "state": "submitted"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This request was declined by Quinn Contact (Beta Police) at" in html
    assert "while you were looking at it. Nothing was changed" in html
    with app.app_context():
        assert state_of(request_id) == "declined"
        assert notifications_of(people.sender) == [("declined", request_id)]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="contact.accept")) == 0
    assert len(outbox(app)) == mails


def test_a_message_written_while_the_request_was_closed_is_kept_for_its_author(app, people):
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.poc)
    csrf = token(client)
    with app.app_context():
        act(request_id, people.sender, "close")
    response = client.post(f"/contact/requests/{request_id}/messages", data={
        "csrf_token": csrf, "state": "submitted", "body": "My long careful answer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "closed by Sam Sender (Alpha Police)" in html
    assert "My long careful answer" in html and "was not sent" in html


def test_a_message_still_goes_out_when_the_other_side_acknowledged_meanwhile(app, people):
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.sender)
    csrf = token(client)
    with app.app_context():
        act(request_id, people.poc, "acknowledge")
    response = client.post(f"/contact/requests/{request_id}/messages", data={
        "csrf_token": csrf, "state": "submitted", "body": "One more detail."})
    assert response.status_code == 303
    with app.app_context():
        assert state_of(request_id) == "acknowledged"
        assert [m.body for m in db.session.get(ContactRequest, request_id).messages] == ["One more detail."]


def race(app, request_id: int, racers: dict[str, tuple[int, str, dict]]) -> dict[str, str]:
    barrier, outcomes, errors = threading.Barrier(len(racers)), {}, []

    def run(name: str, user_id: int, action: str, given: dict) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                lifecycle.perform(request_id, user, action, lifecycle.Input("submitted", **given))
                outcomes[name] = "won"
            except lifecycle.Stale as stale:
                outcomes[name] = stale.message
            except Exception as error:  # reported below, not swallowed
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(name, *racer)) for name, racer in racers.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return outcomes


def accept_and_decline_at_once(app) -> None:
    with app.app_context():
        people = cast()
        request_id = send(people.sender)
    outcomes = race(app, request_id, {"accept": (people.poc, "accept", {}),
                                      "decline": (people.poc2, "decline", {"reason": "Not for us."})})
    winners = [name for name, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1, outcomes
    loser = "decline" if winners == ["accept"] else "accept"
    assert "while you were looking at it" in outcomes[loser]
    with app.app_context():
        final = db.session.get(ContactRequest, request_id)
        assert final.state == {"accept": "accepted", "decline": "declined"}[winners[0]]
        assert notifications_of(people.sender) == [(final.state, request_id)]  # announced once, by the winner
        actions = list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.target == f"contact-request:{request_id}", AuditEvent.action != "contact.submit")))
        assert actions == [f"contact.{winners[0]}"]
        db.engine.dispose()


def test_accept_and_decline_at_the_same_moment_one_wins_and_the_other_is_told(app):
    """File SQLite: the second conditional UPDATE waits for the first to commit, then finds the state changed."""
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    accept_and_decline_at_once(app)


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_postgres_accept_and_decline_at_the_same_moment_one_wins(postgres_app):  # noqa: F811
    from flask_migrate import upgrade

    with postgres_app.app_context():
        upgrade()
    accept_and_decline_at_once(postgres_app)


def decline_after_the_check(app, monkeypatch) -> None:
    """Deterministic version of the race: the decline commits after the accept has checked the state it saw and
    before its UPDATE, so only the conditional UPDATE can notice."""
    with app.app_context():
        people = cast()
        request_id = send(people.sender)
    checked = lifecycle._check_input

    def decline_meanwhile(action, request, given):
        result = checked(action, request, given)
        if action != "accept":
            return result

        def decline() -> None:
            with app.app_context():
                act(request_id, people.poc2, "decline", reason="Not for us.", seen="submitted")
                db.session.remove()

        thread = threading.Thread(target=decline)
        thread.start()
        thread.join(30)
        return result

    monkeypatch.setattr(lifecycle, "_check_input", decline_meanwhile)
    with app.app_context():
        with pytest.raises(lifecycle.Stale, match="declined by Quinn Contact"):
            act(request_id, people.poc, "accept", seen="submitted")
        assert state_of(request_id) == "declined"
        assert notifications_of(people.sender) == [("declined", request_id)]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="contact.accept")) == 0
        db.engine.dispose()


def test_the_conditional_update_refuses_a_change_committed_after_the_check(app, monkeypatch):
    decline_after_the_check(app, monkeypatch)


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_postgres_the_conditional_update_refuses_a_change_committed_after_the_check(postgres_app,  # noqa: F811
                                                                                   monkeypatch):
    from flask_migrate import upgrade

    with postgres_app.app_context():
        upgrade()
    decline_after_the_check(postgres_app, monkeypatch)


def test_the_thread_shows_html_as_text_and_keeps_line_breaks(app, people):
    with app.app_context():
        request_id = send(people.sender, message="First line <b>not bold</b>\nSecond <script>x()</script> line")
        act(request_id, people.poc, "message", body="<img src=x onerror=alert(1)>\n\nThanks")
    html = signed_in(app, people.sender).get(f"/contact/requests/{request_id}").get_data(as_text=True)
    assert "First line &lt;b&gt;not bold&lt;/b&gt;\nSecond &lt;script&gt;x()&lt;/script&gt; line" in html
    assert "&lt;img src=x onerror=alert(1)&gt;\n\nThanks" in html
    assert "<script>x()" not in html and "<img src=x" not in html and "<b>not bold" not in html
    assert 'class="request-message prewrap"' in html


def test_messages_notify_every_party_but_the_author(app, people):
    with app.app_context():
        request_id = request_in("acknowledged", people)
        db.session.query(Notification).delete()
        db.session.commit()
    client = signed_in(app, people.sender)
    response = client.post(f"/contact/requests/{request_id}/messages", data={
        "csrf_token": token(client), "state": "acknowledged", "body": "Here is what we found so far."})
    assert response.status_code == 303
    with app.app_context():
        for who in (people.poc, people.poc2, people.beta_member):
            assert notifications_of(who) == [("message", request_id)]
        assert notifications_of(people.sender) == []
        assert db.session.scalars(select(AuditEvent).filter_by(action="contact.message")).one().detail == ""
    mails = [m for m in outbox(app) if "new message" in m["Subject"]]
    assert sorted(m["To"] for m in mails) == ["olive@beta.example", "pat@beta.example", "quinn@beta.example"]
    assert all("found so far" not in body(m) for m in mails)


def test_assigning_lets_a_colleague_handle_the_request(app, people):
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.poc)
    page = client.get(f"/contact/requests/{request_id}").get_data(as_text=True)
    assert '<option value="' + str(people.beta_member) + '">Olive Officer</option>' in page
    assert f'<option value="{people.outsider}">' not in page  # only the receiving agency's members
    forged = client.post(f"/contact/requests/{request_id}/assign", data={
        "csrf_token": token(client), "state": "submitted", "assignee": str(people.outsider)})
    assert forged.status_code == 400 and "Choose a colleague of the receiving agency" in forged.get_data(as_text=True)
    done = client.post(f"/contact/requests/{request_id}/assign", data={
        "csrf_token": token(client), "state": "submitted", "assignee": str(people.beta_member)})
    assert done.status_code == 303
    with app.app_context():
        assert db.session.get(ContactRequest, request_id).assignee_id == people.beta_member
        event = db.session.scalars(select(AuditEvent).filter_by(action="contact.assign")).one()
        assert event.detail == "assigned to olive@beta.example"
        assert notifications_of(people.beta_member) == [("assigned", request_id)]
        assert notifications_of(people.sender)[-1] == ("assigned", request_id)
        assert ("assigned", request_id) not in notifications_of(people.poc)
    assigned_mail = [m for m in outbox(app) if m["To"] == "olive@beta.example"]
    assert "assigned to you" in body(assigned_mail[0])
    assignee = signed_in(app, people.beta_member)
    history = assignee.get(f"/contact/requests/{request_id}").get_data(as_text=True)
    assert "Assigned the request</strong> to <bdi>Olive Officer</bdi>" in history
    assert assignee.post(f"/contact/requests/{request_id}/accept", data={
        "csrf_token": token(assignee), "state": "submitted"}).status_code == 303


def test_messages_per_hour_are_limited_and_the_refused_one_is_kept(app, people, clock):
    app.config["CONTACT_MESSAGES_PER_HOUR"] = 2
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.sender)

    def write(text: str):
        return client.post(f"/contact/requests/{request_id}/messages", data={
            "csrf_token": token(client), "state": "submitted", "body": text})

    assert write("First").status_code == 303 and write("Second").status_code == 303
    refused = write("Third, typed with care")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "2 messages in the last hour" in html and "Third, typed with care" in html
    other_side = signed_in(app, people.poc)  # the limit is per author
    assert other_side.post(f"/contact/requests/{request_id}/messages", data={
        "csrf_token": token(other_side), "state": "submitted", "body": "Hello"}).status_code == 303
    clock.advance(hours=1, seconds=1)
    assert write("Third, typed with care").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 4


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999999", "9223372036854775808", "-3", ""])
def test_an_odd_assignee_value_is_refused_with_a_message(app, people, value):
    with app.app_context():
        request_id = send(people.sender)
    client = signed_in(app, people.poc)
    response = client.post(f"/contact/requests/{request_id}/assign", data={
        "csrf_token": token(client), "state": "submitted", "assignee": value})
    assert response.status_code == 400 and "Choose a colleague of the receiving agency" in response.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.get(ContactRequest, request_id).assignee_id is None


def test_two_points_of_contact_assigning_at_once_the_second_is_told(app, people, monkeypatch):
    with app.app_context():
        request_id = send(people.sender)
    real_check, started = lifecycle._check_input, []

    def assign_meanwhile(action, request, given):
        result = real_check(action, request, given)
        if started:  # the other point of contact's own check, inside the thread
            return result
        started.append(True)
        thread = threading.Thread(target=lambda: _assign_in_own_context(app, request_id, people))
        thread.start()
        thread.join(30)
        return result

    monkeypatch.setattr(lifecycle, "_check_input", assign_meanwhile)
    with app.app_context():
        with pytest.raises(lifecycle.Stale):
            act(request_id, people.poc, "assign", assignee_id=people.beta_member, seen="submitted")
        db.session.expire_all()
        assert db.session.get(ContactRequest, request_id).assignee_id == people.poc2
        assert notifications_of(people.beta_member) == []  # never told of an assignment that did not happen
        db.engine.dispose()


def _assign_in_own_context(app, request_id: int, people) -> None:
    with app.app_context():
        act(request_id, people.poc2, "assign", assignee_id=people.poc2, seen="submitted")
        db.session.remove()


def test_the_history_lists_every_event_oldest_first_for_both_sides(app, people, clock):
    with app.app_context():
        request_id = send(people.sender)
        clock.advance(hours=1)
        act(request_id, people.poc, "acknowledge")
        clock.advance(hours=1)
        act(request_id, people.sender, "message", body="Any news?")
        clock.advance(hours=1)
        act(request_id, people.poc, "accept")
        clock.advance(hours=1)
        act(request_id, people.poc, "close")
    expected = ["Sent the request", "Acknowledged the request", "Wrote a message", "Accepted the request",
                "Closed the request"]
    for who in (people.sender, people.poc):
        html = signed_in(app, who).get(f"/contact/requests/{request_id}").get_data(as_text=True)
        history = html.split('id="history-title"')[1]
        positions = [history.index(label) for label in expected]
        assert positions == sorted(positions)
        assert "Pat Contact (Beta Police)" in history and "Sam Sender (Alpha Police)" in history
        assert "Nothing more: this request is closed." in html


def test_notifications_page_unread_badge_and_marking_read(app, people):
    with app.app_context():
        first = send(people.sender, subject="First subject")
        send(people.sender, subject="Second subject")
    client = signed_in(app, people.poc)
    assert 'class="nav-badge">2<' in client.get("/").get_data(as_text=True)
    html = client.get("/contact/notifications").get_data(as_text=True)
    assert html.index("Second subject") < html.index("First subject")  # newest first
    assert html.count("notification-unread") == 2 and "Mark all as read" in html
    client.get(f"/contact/requests/{first}")  # opening a request reads its notifications
    assert 'class="nav-badge">1<' in client.get("/").get_data(as_text=True)
    assert client.get("/contact/notifications").get_data(as_text=True).count("notification-unread") == 1
    inbox = client.get("/contact/").get_data(as_text=True)
    assert inbox.count("request-unread") == 1
    response = client.post("/contact/notifications/read", data={"csrf_token": token(client)})
    assert response.status_code == 303
    html = client.get("/contact/notifications").get_data(as_text=True)
    assert "notification-unread" not in html and "nav-badge" not in html and "Second subject" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == people.poc, Notification.read_at.is_(None))) == 0
