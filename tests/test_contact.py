"""Contact requests: sending, refusals with the input kept, deadlines, the daily limit, the request page."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactRequest
from catalogue.models.contact import MESSAGE_MAX, SUBJECT_MAX
from tests.auth import body, outbox, signed_in
from tests.contact_helpers import (
    MESSAGE,
    SUBJECT,
    act,
    cast,
    count_requests,
    form_data,
    notifications_of,
    send,
    token,
)
from tests.factories import make_tools, make_user, tool_record
from tests.translation_helpers import said


@pytest.fixture
def people(app):
    with app.app_context():
        make_tools(tool_record("chat-triage", name="Chat Triage"), tool_record("draft-tool", status="draft"))
        return cast()


def post_new(client, **fields):
    return client.post("/contact/new", data={**form_data(**fields), "csrf_token": token(client, "/contact/new")})


# --- Sending ---------------------------------------------------------------------------------------------------


def test_a_member_sends_a_request_and_the_points_of_contact_are_told(app, people, clock):
    client = signed_in(app, people.sender)
    response = post_new(client, tool="chat-triage", urgency="urgent", handling_code="H3",
                        handling_conditions="Only for the evaluation team.")
    assert response.status_code == 303
    with app.app_context():
        sent = db.session.scalars(select(ContactRequest)).one()
        assert response.headers["Location"] == f"/contact/requests/{sent.id}"
        assert (sent.state, sent.kind, sent.urgency, sent.handling_code) == ("submitted", "tool-experience", "urgent",
                                                                             "H3")
        assert sent.handling_conditions == "Only for the evaluation team."
        assert sent.tool.slug == "chat-triage" and sent.languages == ["fr"]
        assert (sent.sender_id, sent.sender_agency_id, sent.recipient_agency_id) == (
            people.sender, people.alpha, people.beta)
        assert sent.created_at == clock() and sent.due_at == clock() + timedelta(hours=24)
        event = db.session.scalars(select(AuditEvent).filter_by(action="contact.submit")).one()
        assert event.target == f"contact-request:{sent.id}" and event.actor == "sam@alpha.example"
        assert SUBJECT not in event.detail and MESSAGE not in event.detail
        for poc in (people.poc, people.poc2):
            assert notifications_of(poc) == [("submitted", sent.id)]
        for nobody in (people.sender, people.beta_member, people.outsider, people.alpha_poc):
            assert notifications_of(nobody) == []
    mails = outbox(app)
    assert sorted(m["To"] for m in mails) == ["pat@beta.example", "quinn@beta.example"]
    for mail in mails:
        text = mail["Subject"] + body(mail)
        assert f"https://catalogue.test/contact/requests/{sent.id}" in text and f"{sent.id}" in mail["Subject"]
        for secret in (SUBJECT, "chat triage", MESSAGE[:30], "Alpha Police", "Beta Police", "evaluation team"):
            assert secret.lower() not in text.lower()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your request has been sent as number" in page and SUBJECT in page
    assert "Handling code H3" in page and "Only for the evaluation team." in page


def test_the_form_is_prefilled_from_the_link_and_the_profile(app, people):
    client = signed_in(app, people.sender)
    html = client.get("/contact/new?agency=beta-police&tool=chat-triage&kind=training").get_data(as_text=True)
    assert '<option selected value="beta-police">' in html
    assert '<option selected value="chat-triage">' in html
    assert 'checked id="kind-3" name="kind" required type="radio" value="training"' in html
    assert re.search(r'<input checked id="languages-\d+" name="languages" type="checkbox" value="fr">', html)
    assert re.search(r'<input checked id="languages-\d+" name="languages" type="checkbox" value="en">', html)
    assert 'value="ar"' in html and 'value="zh"' in html  # UN languages are offered to everyone
    assert 'value="ab"' not in html  # but not every ISO language
    assert "answer expected within 7 days" in html and "answer expected within 24 hours" in html
    assert "H1 – not to be used in court without the sender's permission" in html
    assert "Attachments are not accepted" in html and 'type="file"' not in html
    # Only other agencies with a point of contact are offered; own, unanswered and unknown ones are not chosen.
    assert 'value="alpha-police"' not in html and 'value="gamma-police"' in html
    for odd in ("alpha-police", "no-such-agency"):
        page = client.get(f"/contact/new?agency={odd}&tool=draft-tool&kind=forged").get_data(as_text=True)
        assert "cannot receive a request here" in page and "selected value" not in page.split('name="kind"')[0][-400:]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"agency": "alpha-police"}, "Requests go to other agencies"),
    ({"agency": "no-such-agency"}, "Choose the agency the request is for from the list."),
    ({"kind": "forged-kind"}, "Not a valid choice"),
    ({"urgency": "yesterday"}, "Not a valid choice"),
    ({"handling_code": "H9"}, "Not a valid choice"),
    ({"languages": ["xx-forged"]}, "not a valid choice"),
    ({"tool": "draft-tool"}, "Not a valid choice"),
    ({"confirm": ""}, "Confirm that the request contains no abuse material"),
    ({"subject": "x" * (SUBJECT_MAX + 1)}, f"longer than {SUBJECT_MAX}"),
    ({"message": "x" * (MESSAGE_MAX + 1)}, f"longer than {MESSAGE_MAX}"),
    ({"message": "   "}, "Write your request."),
    ({"handling_code": "H3", "handling_conditions": ""}, "State the conditions"),
])
def test_bad_requests_are_refused_with_the_input_kept(app, people, fields, expected):
    client = signed_in(app, people.sender)
    response = post_new(client, **{"subject": "Kept subject", "message": "Kept <message> text", **fields})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert expected in html
    if "subject" not in fields:
        assert 'value="Kept subject"' in html
    if "message" not in fields:
        assert "Kept &lt;message&gt; text" in html
    with app.app_context():
        assert count_requests() == 0
    assert outbox(app) == []


def test_an_agency_without_a_point_of_contact_is_refused(app, people):
    with app.app_context():
        from tests.factories import make_agency

        make_agency("delta-police", ("delta.example",), name="Delta Police")
    response = post_new(signed_in(app, people.sender), agency="delta-police")
    assert response.status_code == 400 and "Delta Police has no point of contact" in response.get_data(as_text=True)


def test_a_member_without_an_agency_cannot_send(app, people):
    with app.app_context():
        loner = make_user("member", "loner@nowhere.example").id
    client = signed_in(app, loner)
    assert "not linked to an agency" in client.get("/contact/new").get_data(as_text=True)
    response = post_new(client)
    assert response.status_code == 400 and "not linked to an agency" in response.get_data(as_text=True)


def test_attachments_are_refused_with_a_message(app, people):
    client = signed_in(app, people.sender)
    data = {**form_data(), "csrf_token": token(client, "/contact/new"),
            "evidence": (io.BytesIO(b"%PDF-1.4 not accepted"), "notes.pdf")}
    response = client.post("/contact/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Attachments are not accepted: nothing was sent." in html
    assert f'value="{SUBJECT}"' in html
    with app.app_context():
        assert count_requests() == 0


def test_the_daily_limit_counts_the_last_24_hours(app, people, clock):
    app.config["CONTACT_REQUESTS_PER_DAY"] = 2
    client = signed_in(app, people.sender)
    assert post_new(client).status_code == 303
    clock.advance(hours=12)
    assert post_new(client).status_code == 303
    refused = post_new(client, subject="The third one")
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "You have sent 2 requests in the last 24 hours" in html and 'value="The third one"' in html
    assert post_new(signed_in(app, people.sender_colleague)).status_code == 303  # the limit is per member
    clock.advance(hours=12, seconds=1)  # the first one is now more than 24 hours old
    assert post_new(client).status_code == 303
    with app.app_context():
        assert count_requests() == 4


@pytest.mark.parametrize(("urgency", "hours"), [("routine", 7 * 24), ("urgent", 24)])
def test_the_answer_deadline_follows_the_urgency(app, people, clock, urgency, hours):
    with app.app_context():
        request_id = send(people.sender, urgency=urgency)
        assert db.session.get(ContactRequest, request_id).due_at == clock() + timedelta(hours=hours)


def test_the_answer_times_are_configurable(app, people, clock):
    app.config["CONTACT_ANSWER_HOURS"] = {"routine": 72, "urgent": 4}
    with app.app_context():
        request_id = send(people.sender, urgency="urgent")
        assert db.session.get(ContactRequest, request_id).due_at == clock() + timedelta(hours=4)
    html = signed_in(app, people.sender).get("/contact/new").get_data(as_text=True)
    assert "Routine: answer expected within 3 days" in html and "Urgent: answer expected within 4 hours" in html


def test_the_urgency_choices_follow_the_readers_typography(app, people):
    reader = signed_in(app, people.sender)
    reader.set_cookie("catalogue_language", "fr")
    html = reader.get("/contact/new").get_data(as_text=True)
    routine, within = said("fr", "Routine"), said("fr", ("answer expected within %(num)d day",
                                                         "answer expected within %(num)d days"), 7)
    assert f"{routine}\u00a0: {within}" in html  # French puts a no-break space before the colon


# --- Overdue ---------------------------------------------------------------------------------------------------


def test_an_unacknowledged_request_becomes_overdue_for_both_sides(app, people, clock):
    with app.app_context():
        late = send(people.sender, urgency="urgent", subject="Late one")
        answered = send(people.sender, urgency="urgent", subject="Answered one")
        act(answered, people.poc, "acknowledge")
    for who in (people.sender, people.poc):
        client = signed_in(app, who)
        assert "Overdue" not in client.get(f"/contact/requests/{late}").get_data(as_text=True)
    clock.advance(hours=24, seconds=1)
    for who, box in ((people.sender, "sent"), (people.poc, "received")):
        client = signed_in(app, who)
        html = client.get(f"/contact/requests/{late}").get_data(as_text=True)
        assert "(overdue)" in html and "request-overdue" in html
        assert "(overdue)" not in client.get(f"/contact/requests/{answered}").get_data(as_text=True)
        listing = client.get(f"/contact/?box={box}&overdue=1").get_data(as_text=True)
        assert "Late one" in listing and "Answered one" not in listing and 'class="request-overdue' in listing


def test_the_overdue_command_notifies_both_sides_once(app, people, clock):
    runner = app.test_cli_runner()
    with app.app_context():
        late = send(people.sender, subject="Late one")
        act(late, people.poc, "assign", assignee_id=people.beta_member)
        on_time = send(people.sender, subject="On time")
    mails_before = len(outbox(app))
    assert "Overdue requests notified: 0" in runner.invoke(args=["contact", "overdue"]).output
    clock.advance(days=7, seconds=1)
    with app.app_context():
        act(on_time, people.poc, "acknowledge")
    first = runner.invoke(args=["contact", "overdue"])
    assert first.exit_code == 0 and f"Overdue requests notified: 1 (numbers {late})" in first.output
    assert "Overdue requests notified: 0" in runner.invoke(args=["contact", "overdue"]).output
    with app.app_context():
        for who in (people.sender, people.poc, people.poc2, people.beta_member):
            assert notifications_of(who, late).count(("overdue", late)) == 1, who
        assert notifications_of(people.outsider) == []
        events = db.session.scalars(select(AuditEvent).filter_by(action="contact.overdue")).all()
        assert [e.target for e in events] == [f"contact-request:{late}"]
        assert db.session.get(ContactRequest, late).overdue_notified_at == clock()
    overdue_mails = [m for m in outbox(app)[mails_before:] if "overdue" in m["Subject"]]
    assert sorted(m["To"] for m in overdue_mails) == sorted(
        ["sam@alpha.example", "pat@beta.example", "quinn@beta.example", "olive@beta.example"])
    assert all("Late one" not in body(m) + m["Subject"] for m in overdue_mails)


# --- Security ---------------------------------------------------------------------------------------------------


def test_every_contact_post_needs_a_csrf_token_and_changes_nothing_without_it(app, people):
    from tests.test_web_security import snapshot

    with app.app_context():
        request_id = send(people.sender)
    before = snapshot(app)
    for who in (people.sender, people.poc):
        client = signed_in(app, who)
        paths = ["/contact/new", "/contact/notifications/read", *(
            f"/contact/requests/{request_id}/{action}"
            for action in ("acknowledge", "accept", "decline", "close", "assign", "messages"))]
        for path in paths:
            for token_value in (None, "forged"):
                data = {**form_data(), "state": "submitted", "reason": "x", "body": "x",
                        "assignee": str(people.beta_member)}
                if token_value:
                    data["csrf_token"] = token_value
                response = client.post(path, data=data)
                assert response.status_code == 400, path
                assert "nothing was changed" in response.get_data(as_text=True)
    assert snapshot(app) == before


def test_request_content_never_reaches_the_logs(app, people, caplog):
    caplog.set_level("DEBUG")
    client = signed_in(app, people.sender)
    assert post_new(client, subject="Unique subject walrus", message="Unique message narwhal").status_code == 303
    with app.app_context():
        request_id = db.session.scalars(select(ContactRequest.id)).one()
    poc = signed_in(app, people.poc)
    poc.post(f"/contact/requests/{request_id}/decline", data={
        "csrf_token": token(poc), "state": "submitted", "reason": "Unique reason okapi"})
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "E-mail" in logged  # mail is logged, by recipient and subject line only
    for secret in ("walrus", "narwhal", "okapi"):
        assert secret not in logged
