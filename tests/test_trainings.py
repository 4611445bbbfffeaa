"""Trainings as members and curators meet them: enrolment, waiting list, capacity under concurrency, e-mails, the
editor and its version check, attendee lists and CSV, iCalendar files, and the demo data."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from catalogue.admin import demo as demo_accounts
from catalogue.extensions import db
from catalogue.models import AuditEvent, Enrolment, GuidancePage, Tool, Training, User
from catalogue.models.base import utcnow
from catalogue.trainings import editing, enrolment
from catalogue.trainings.demo import load_demo_trainings, records
from catalogue.trainings.services import availability_of, waiting_position
from tests.auth import body, csrf_token, outbox, signed_in
from tests.factories import make_agency, make_tools, make_user, tool_record
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the PostgreSQL fixture, reused below
from tests.training_helpers import (
    curator,
    enrol,
    local,
    make_training,
    member,
    status_of,
)

FLASH = re.compile(r'<p class="message message-\w+">([^<]+)</p>')
FLASHES = re.compile(r'<div class="flashes" role="status">(.*?)</div>', re.S)


def flashes(response) -> list[str]:
    """The flashed messages at the top of the page (not the page's own notices)."""
    block = FLASHES.search(response.get_data(as_text=True))
    return FLASH.findall(block.group(1)) if block else []


def audit_events(app, action: str) -> list[AuditEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)))
        db.session.expunge_all()
        return events


def enrolment_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Enrolment))


def post_button(client, page: str, action: str, **data):
    """Press a button on ``page`` the way a browser would: with the page's CSRF token."""
    return client.post(action, data={"csrf_token": csrf_token(client, page), **data}, follow_redirects=True)


# --- Members: enrol, waiting list, leave -------------------------------------------------------------------------


def test_a_member_enrols_and_finds_the_training_in_my_trainings(app):
    with app.app_context():
        training = make_training(title="Chat triage workshop", capacity=2)
        alice = member("alice")
        client = signed_in(app, alice)
        slug, training_id, alice_id = training.slug, training.id, alice.id
    page = f"/trainings/{slug}"
    before = client.get(page).get_data(as_text=True)
    assert "2 of 2 seats free" in before and ">Enrol</button>" in before
    response = post_button(client, page, f"{page}/enrol")
    assert "You are enrolled." in " ".join(flashes(response))
    assert "1 of 2 seats free" in response.get_data(as_text=True)
    mine = client.get("/trainings/mine").get_data(as_text=True)
    assert "Chat triage workshop" in mine and "Cancel my seat" in mine
    with app.app_context():
        assert status_of(training_id, alice_id) == "enrolled"
    [event] = audit_events(app, "training.enrol")
    assert (event.actor, event.target, event.detail) == ("alice@harbour-police.example", f"training:{slug}",
                                                         "enrolled")


def test_a_full_training_answers_with_the_waiting_list_instead_of_overbooking(app):
    with app.app_context():
        training = make_training(capacity=1)
        enrol(training, member("first"))
        bob = member("bob")
        client = signed_in(app, bob)
        slug, training_id, bob_id = training.slug, training.id, bob.id
    page = f"/trainings/{slug}"
    assert "Full – waiting list" in client.get(page).get_data(as_text=True)
    response = post_button(client, page, f"{page}/enrol")
    assert "The training is full, so you are on the waiting list, number 1." in " ".join(flashes(response))
    assert "You are number 1 on the waiting list" in response.get_data(as_text=True)
    with app.app_context():
        assert status_of(training_id, bob_id) == "waitlisted"
        assert db.session.scalar(select(func.count()).select_from(Enrolment).filter_by(status="enrolled")) == 1
    mine = client.get("/trainings/mine").get_data(as_text=True)
    assert "Waiting list" in mine and "Number 1" in mine and "Leave the waiting list" in mine


def test_cancelling_a_seat_gives_it_to_the_first_person_waiting_and_emails_them(app):
    with app.app_context():
        training = make_training(title="Hash matching basics", capacity=1)
        alice, bob, carol = member("alice"), member("bob"), member("carol")
        assert [enrol(training, u) for u in (alice, bob, carol)] == ["enrolled", "waitlisted", "waitlisted"]
        client = signed_in(app, alice)
        slug, training_id, ids = training.slug, training.id, (alice.id, bob.id, carol.id)
    page = f"/trainings/{slug}"
    response = post_button(client, page, f"{page}/leave")
    assert "Your seat is cancelled and has gone to the next person waiting." in flashes(response)
    with app.app_context():
        assert [status_of(training_id, i) for i in ids] == ["cancelled", "enrolled", "waitlisted"]
        carol_row = db.session.scalar(select(Enrolment).filter_by(user_id=ids[2]))
        assert waiting_position(carol_row) == 1
    [message] = outbox(app)
    assert message["To"] == "bob@harbour-police.example"
    assert message["Subject"] == "You have a seat: Hash matching basics"
    text = body(message)
    assert "it is now yours: you are enrolled" in text and f"https://catalogue.test/trainings/{slug}" in text
    assert "(Europe/Vienna, UTC+0" in text
    assert [e.detail for e in audit_events(app, "training.cancel_enrolment")] == ["was enrolled"]
    assert "bob@harbour-police.example moved from the waiting list" in audit_events(app, "training.enrol")[-1].detail


def test_leaving_the_waiting_list_moves_nobody_and_sends_nothing(app):
    with app.app_context():
        training = make_training(capacity=1)
        enrol(training, member("alice"))
        bob = member("bob")
        enrol(training, bob)
        enrolment.leave(training.slug, bob)
        assert status_of(training.id, bob.id) == "cancelled"
    assert outbox(app) == []


def test_a_passed_deadline_refuses_enrolment_with_a_message_and_writes_nothing(app):
    with app.app_context():
        start = (utcnow() + timedelta(days=3)).replace(microsecond=0)
        training = make_training(starts_at=start, ends_at=start + timedelta(hours=2),
                                 registration_deadline=start - timedelta(days=5))
        client = signed_in(app, member("late"))
        slug = training.slug
    page = f"/trainings/{slug}"
    assert "Registration closed on" in client.get(page).get_data(as_text=True)
    response = post_button(client, page, f"{page}/enrol")
    [message] = flashes(response)
    assert message.startswith("Registration for this training closed on") and "Nothing was changed." in message
    assert enrolment_count(app) == 0
    assert audit_events(app, "training.enrol") == []


def test_a_cancelled_training_refuses_enrolment_and_a_draft_is_not_there_for_members(app):
    with app.app_context():
        cancelled = make_training(title="Cancelled one", status="cancelled")
        draft = make_training(title="Draft one", status="draft")
        client = signed_in(app, member("alice"))
        trainer = signed_in(app, curator())
        slugs = cancelled.slug, draft.slug
    page = f"/trainings/{slugs[0]}"
    assert "This training has been cancelled" in client.get(page).get_data(as_text=True)
    response = post_button(client, page, f"{page}/enrol")
    assert flashes(response) == ["This training has been cancelled, so nobody can enrol. Nothing was changed."]
    draft_page = f"/trainings/{slugs[1]}"
    assert client.get(draft_page).status_code == 404
    assert client.get(f"{draft_page}.ics").status_code == 404
    token = csrf_token(client, "/trainings/")
    assert client.post(f"{draft_page}/enrol", data={"csrf_token": token}).status_code == 404
    assert "only curators can see this page" in trainer.get(draft_page).get_data(as_text=True)
    response = post_button(trainer, draft_page, f"{draft_page}/enrol")
    assert flashes(response) == ["This training is not published yet, so nobody can enrol. Nothing was changed."]
    assert enrolment_count(app) == 0
    listed = client.get("/trainings/").get_data(as_text=True)
    assert "Cancelled one" in listed and "Draft one" not in listed


def test_enrolling_again_reuses_the_one_row_and_joins_the_end_of_the_queue(app):
    with app.app_context():
        training = make_training(capacity=1)
        alice, bob, carol = member("alice"), member("bob"), member("carol")
        for user in (alice, bob, carol):
            enrol(training, user)
        assert enrolment.enrol(training.slug, bob).status == "already_waitlisted"
        enrolment.leave(training.slug, bob)
        assert enrolment.enrol(training.slug, bob).position == 2  # behind carol now
        assert db.session.scalar(select(func.count()).select_from(Enrolment).filter_by(user_id=bob.id)) == 1
        with pytest.raises(IntegrityError):  # the database itself refuses a second row
            db.session.add(Enrolment(training_id=training.id, user_id=bob.id, status="cancelled", queue_number=99))
            db.session.commit()
        db.session.rollback()


def test_two_members_taking_the_last_seat_at_the_same_moment_get_one_seat_and_one_waiting_place(app):
    """File SQLite: the training-row write serialises the two enrolments, so the count is never stale."""
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    race_for_the_last_seat(app)


def race_for_the_last_seat(app) -> None:
    with app.app_context():
        training = make_training(capacity=2)
        enrol(training, member("early"))
        racers = [member("racer-one").id, member("racer-two").id]
        slug, training_id = training.slug, training.id
    barrier, outcomes, errors = threading.Barrier(2), {}, []

    def take_a_seat(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                outcomes[user_id] = enrolment.enrol(slug, user).status
            except Exception as error:  # reported below, not swallowed
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_a_seat, args=(user_id,)) for user_id in racers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sorted(outcomes.values()) == ["enrolled", "waitlisted"]
    with app.app_context():
        rows = dict(db.session.execute(select(Enrolment.user_id, Enrolment.status)
                                       .where(Enrolment.training_id == training_id)).all())
        assert sorted(rows[user_id] for user_id in racers) == ["enrolled", "waitlisted"]
        assert list(rows.values()).count("enrolled") == 2  # exactly the capacity
        db.engine.dispose()


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_postgres_two_members_taking_the_last_seat_get_one_seat_and_one_waiting_place(postgres_app):  # noqa: F811
    from flask_migrate import upgrade

    with postgres_app.app_context():
        upgrade()
    race_for_the_last_seat(postgres_app)


# --- Curators: editor, publishing, cancelling, attendees --------------------------------------------------------


def editor_form(**fields) -> dict:
    data = {"title": "Device triage workshop", "slug": "", "provider": "Northbridge Police Academy (demo)",
            "kind": "workshop", "format": "in_person", "language": "en", "audience": "Examiners",
            "timezone": "Europe/Vienna", "starts_at": "2030-01-14T10:00", "ends_at": "2030-01-14T16:00",
            "registration_deadline": "2030-01-07T17:00", "location": "Room 2, Kestrel Lane 14", "capacity": "12",
            "description": "Hands-on <script>alert(1)</script>**triage**."}
    data.update(fields)
    return data


def test_a_curator_creates_publishes_and_members_then_see_it(app):
    with app.app_context():
        trainer = signed_in(app, curator())
        reader = signed_in(app, member("alice"))
    token = csrf_token(trainer, "/trainings/manage/new")
    response = trainer.post("/trainings/manage/new", data={**editor_form(), "csrf_token": token})
    assert response.status_code == 303
    overview = response.headers["Location"]
    with app.app_context():
        training = db.session.scalars(select(Training)).one()
        assert (training.slug, training.status, training.description) == (
            "device-triage-workshop", "draft", "Hands-on **triage**.")
        assert training.starts_at_utc == datetime(2030, 1, 14, 9, 0)  # 10:00 in Vienna in winter
    assert reader.get("/trainings/device-triage-workshop").status_code == 404
    page = trainer.get(overview).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    response = trainer.post(f"{overview}/publish", data={"csrf_token": token, "version": version},
                            follow_redirects=True)
    assert "Published: members can see the training and enrol." in flashes(response)
    html = reader.get("/trainings/device-triage-workshop").get_data(as_text=True)
    assert "Monday, January 14, 2030, 10:00" in html and "(Europe/Vienna, UTC+01:00)" in html
    assert "<strong>triage</strong>" in html and "<script>" not in html
    assert "Monday, January 7, 2030, 5:00" in html  # the deadline, in the training's zone
    assert [e.action for e in audit_events(app, "training.create") + audit_events(app, "training.publish")] == [
        "training.create", "training.publish"]


@pytest.mark.parametrize(("fields", "message"), [
    ({"ends_at": "2030-01-14T09:00"}, "The end must be after the start."),
    ({"registration_deadline": "2030-01-15T09:00"}, "The registration deadline cannot be after the start."),
    ({"location": "  "}, "Give the address for an in-person or hybrid training."),
    ({"timezone": "Europe/Atlantis"}, "is not a time zone we know"),
    ({"starts_at": "2030-03-31T02:30", "ends_at": "2030-03-31T05:00"}, "This local time does not exist in"),
    ({"capacity": "0"}, "Give a number of seats from 1 to 100,000."),
    ({"capacity": "twelve"}, "Give the number of seats as a whole number"),
    ({"starts_at": "14/01/2030 10:00"}, "Not a valid datetime value."),
    ({"slug": "mine"}, "Another training already uses this address, or it is reserved."),
    ({"kind": "lecture"}, "Not a valid choice."),
])
def test_the_editor_refuses_bad_input_keeps_what_was_typed_and_saves_nothing(app, fields, message):
    with app.app_context():
        trainer = signed_in(app, curator())
    token = csrf_token(trainer, "/trainings/manage/new")
    response = trainer.post("/trainings/manage/new", data={**editor_form(title="My careful title", **fields),
                                                           "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code in (400, 409)
    assert message in html
    assert 'value="My careful title"' in html and "Hands-on" in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Training)) == 0


def test_two_curators_cannot_overwrite_each_other(app):
    with app.app_context():
        training = make_training(title="Original title", capacity=10)
        first = signed_in(app, curator())
        second = signed_in(app, make_user("curator", email="second@harbour-police.example", name="Second"))
        edit = f"/trainings/manage/{training.id}/edit"
    pages = [client.get(edit).get_data(as_text=True) for client in (first, second)]
    versions = [re.search(r'name="version" type="hidden" value="(\d+)"', p).group(1) for p in pages]
    saved = first.post(edit, data={**editor_form(title="First curator's title", format="online", location=""),
                                   "version": versions[0], "csrf_token": csrf_token(first, edit)})
    assert saved.status_code == 303
    refused = second.post(edit, data={**editor_form(title="Second curator's title", format="online", location=""),
                                      "version": versions[1], "csrf_token": csrf_token(second, edit)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Someone else saved this training while you were editing it" in html
    assert 'value="Second curator&#39;s title"' in html  # the second curator's input is kept
    assert "First curator&#39;s title" in html  # and the table shows what is saved now
    with app.app_context():
        assert db.session.get(Training, training.id).title == "First curator's title"


def test_a_larger_capacity_gives_the_new_seats_to_the_waiting_list(app):
    with app.app_context():
        training = make_training(capacity=1)
        alice, bob = member("alice"), member("bob")
        enrol(training, alice)
        enrol(training, bob)
        values = editing.content_of(training)
        editing.save_training(training, {**values, "capacity": 2}, curator(), training.version)
        assert status_of(training.id, bob.id) == "enrolled"
        with pytest.raises(editing.CapacityTooLow):
            editing.save_training(training, {**values, "capacity": 1}, curator(), training.version)
    assert [m["To"] for m in outbox(app)] == ["bob@harbour-police.example"]


def test_cancelling_a_training_tells_enrolled_and_waiting_members(app):
    with app.app_context():
        training = make_training(title="Procurement workshop", capacity=1)
        enrol(training, member("alice"))
        enrol(training, member("bob"))
        trainer = signed_in(app, curator())
        overview = f"/trainings/manage/{training.id}"
        version = str(training.version)
    response = trainer.post(f"{overview}/cancel", data={
        "cancel-csrf_token": csrf_token(trainer, overview), "cancel-version": version,
        "cancel-message": "The trainer is ill; a new date follows."}, follow_redirects=True)
    assert "Cancelled. 2 members were told by e-mail." in flashes(response)
    messages = {m["To"]: body(m) for m in outbox(app)}
    assert set(messages) == {"alice@harbour-police.example", "bob@harbour-police.example"}
    assert "in which you were enrolled, has been cancelled" in messages["alice@harbour-police.example"]
    assert "you were on the waiting list" in messages["bob@harbour-police.example"]
    assert "The trainer is ill; a new date follows." in messages["bob@harbour-police.example"]
    assert [e.action for e in audit_events(app, "training.cancel")] == ["training.cancel"]
    again = trainer.post(f"{overview}/cancel", data={"cancel-csrf_token": csrf_token(trainer, overview),
                                                     "cancel-version": str(int(version) + 1)})
    assert again.status_code == 409 and "already cancelled" in again.get_data(as_text=True)


def test_the_attendee_list_and_its_csv_guard_every_cell(app):
    with app.app_context():
        agency = make_agency("harbour-police", name="=Harbour Police")
        training = make_training(capacity=1)
        enrol(training, member("alice", agency=agency))
        enrol(training, make_user("member", email="bob@harbour-police.example", name="=HYPERLINK(\"x\")",
                                  agency=agency))
        trainer = signed_in(app, curator())
        training_id, slug = training.id, training.slug
    page = trainer.get(f"/trainings/manage/{training_id}").get_data(as_text=True)
    assert "alice@harbour-police.example" in page and "=Harbour Police" in page and "Waiting list" in page
    response = trainer.get(f"/trainings/manage/{training_id}/attendees.csv")
    assert response.mimetype == "text/csv"
    assert f'attachment; filename="attendees-{slug}.csv"' == response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["status", "waiting_list_position", "name", "email", "agency", "requested_at_utc"]
    assert rows[1][:5] == ["enrolled", "", "Alice", "alice@harbour-police.example", "'=Harbour Police"]
    assert rows[2][:5] == ["waitlisted", "1", "'=HYPERLINK(\"x\")", "bob@harbour-police.example", "'=Harbour Police"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rows[1][5])
    [event] = audit_events(app, "training.export")
    assert (event.target, event.detail) == (f"training:{slug}", "2 attendees")


def test_attendee_pages_are_refused_to_members_and_unknown_trainings_are_404(app):
    with app.app_context():
        training = make_training()
        reader = signed_in(app, member("alice"))
        trainer = signed_in(app, curator())
        training_id = training.id
    for path in (f"/trainings/manage/{training_id}", f"/trainings/manage/{training_id}/attendees.csv",
                 f"/trainings/manage/{training_id}/edit", "/trainings/manage/"):
        assert reader.get(path).status_code == 403, path
    for path in ("/trainings/manage/999999", "/trainings/manage/999999/attendees.csv",
                 "/trainings/manage/999999/edit", "/trainings/manage/99999999999999999999",
                 "/trainings/no-such-training", "/trainings/no-such-training.ics"):
        assert trainer.get(path).status_code == 404, path
    assert audit_events(app, "training.export") == []


# --- iCalendar ------------------------------------------------------------------------------------------------


def parse(response) -> Calendar:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def test_a_training_calendar_file_has_its_zone_and_the_right_utc_instant(app):
    with app.app_context():
        winter = make_training(title="Winter in Vienna", starts_at=local(2030, 1, 14, 10),
                               ends_at=local(2030, 1, 14, 12))
        summer = make_training(title="Summer in Vienna", starts_at=local(2030, 7, 15, 10),
                               ends_at=local(2030, 7, 15, 12))
        americas = make_training(title="New York", timezone="America/New_York", starts_at=local(2030, 7, 15, 10),
                                 ends_at=local(2030, 7, 15, 11), format="hybrid", location="Room 5, Harbour St 1")
        reader = signed_in(app, member("alice"))
        slugs = winter.slug, summer.slug, americas.slug
        winter_id = winter.id
    first = reader.get(f"/trainings/{slugs[0]}.ics")
    calendar = parse(first)
    assert f'filename="{slugs[0]}.ics"' in first.headers["Content-Disposition"]
    [event] = calendar.events
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Vienna"]
    assert event["DTSTART"].params["TZID"] == "Europe/Vienna"
    assert event.start.astimezone(UTC) == datetime(2030, 1, 14, 9, 0, tzinfo=UTC)
    assert event.end.astimezone(UTC) == datetime(2030, 1, 14, 11, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Winter in Vienna"
    assert str(event["URL"]) == f"https://catalogue.test/trainings/{slugs[0]}"
    assert str(event["UID"]) == f"training-{winter_id}@catalogue.test"
    assert str(event["STATUS"]) == "CONFIRMED" and "DTSTAMP" in event
    assert "We practise triage." in str(event["DESCRIPTION"]) and "**" not in str(event["DESCRIPTION"])
    assert str(event["LOCATION"]) == "Online"
    again = parse(reader.get(f"/trainings/{slugs[0]}.ics")).events[0]
    assert str(again["UID"]) == str(event["UID"])  # stable: importing again updates the event
    summer_event = parse(reader.get(f"/trainings/{slugs[1]}.ics")).events[0]
    assert summer_event.start.astimezone(UTC) == datetime(2030, 7, 15, 8, 0, tzinfo=UTC)  # CEST, UTC+2
    new_york = parse(reader.get(f"/trainings/{slugs[2]}.ics"))
    assert [tz.tz_name for tz in new_york.timezones] == ["America/New_York"]
    assert new_york.events[0].start.astimezone(UTC) == datetime(2030, 7, 15, 14, 0, tzinfo=UTC)  # EDT, UTC-4
    assert str(new_york.events[0]["LOCATION"]) == "Room 5, Harbour St 1"


def test_the_calendar_description_is_written_in_the_readers_language(app):
    with app.app_context():
        slug = make_training(title="Atelier de tri", audience="Enquêteurs").slug
        reader = signed_in(app, member("amelie", locale="fr"))
    description = str(parse(reader.get(f"/trainings/{slug}.ics")).events[0]["DESCRIPTION"])
    assert "Organisateur\u00a0: Northbridge Police Academy (demo)" in description
    assert "Comment participer\u00a0: The link is e-mailed the day before." in description
    assert "Public\u00a0: Enquêteurs" in description
    assert "Provider" not in description and "Audience" not in description


def test_my_calendar_has_my_trainings_waiting_places_tentative_and_cancellations(app):
    with app.app_context():
        alice = member("alice")
        seat = make_training(title="Seat", timezone="Asia/Singapore")
        full = make_training(title="Full", capacity=1)
        enrol(full, member("early"))
        gone = make_training(title="Gone")
        make_training(title="Not mine")
        for training in (seat, full, gone):
            enrol(training, alice)
        editing.cancel(gone, curator(), gone.version)
        reader = signed_in(app, alice)
    calendar = parse(reader.get("/trainings/mine.ics"))
    events = {str(e["SUMMARY"]): e for e in calendar.events}
    assert set(events) == {"Seat", "Full (waiting list)", "Gone"}
    assert {name: str(e["STATUS"]) for name, e in events.items()} == {
        "Seat": "CONFIRMED", "Full (waiting list)": "TENTATIVE", "Gone": "CANCELLED"}
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Asia/Singapore", "Europe/Vienna"]
    assert events["Seat"]["DTSTART"].params["TZID"] == "Asia/Singapore"
    start = events["Seat"].start
    assert start.tzinfo.key == "Asia/Singapore" and start.utcoffset() == timedelta(hours=8)


# --- Listing, navigation, permissions -------------------------------------------------------------------------


def test_the_list_filters_by_format_kind_and_language_and_shows_past_trainings(app):
    with app.app_context():
        make_training(title="German webinar", kind="webinar", language="de")
        make_training(title="Hybrid course", kind="course", format="hybrid", location="Room 1")
        past_start = (utcnow() - timedelta(days=20)).replace(hour=9, minute=0)
        make_training(title="Last month", starts_at=past_start, ends_at=past_start + timedelta(hours=3))
        reader = signed_in(app, member("alice"))
    listed = reader.get("/trainings/").get_data(as_text=True)
    assert "German webinar" in listed and "Hybrid course" in listed and "Last month" not in listed
    webinar = reader.get("/trainings/?kind=webinar").get_data(as_text=True)
    assert "German webinar" in webinar and "Hybrid course" not in webinar
    hybrid = reader.get("/trainings/?format=hybrid").get_data(as_text=True)
    assert "Hybrid course" in hybrid and "German webinar" not in hybrid
    german = reader.get("/trainings/?language=de").get_data(as_text=True)
    assert "German webinar" in german and "Hybrid course" not in german and ">German</option>" in german
    past = reader.get("/trainings/?when=past").get_data(as_text=True)
    assert "Last month" in past and "German webinar" not in past
    odd = reader.get("/trainings/?format=%25&kind=x&language=%27&page=99999999999999999999")
    assert odd.status_code == 200


def test_the_navigation_offers_trainings_to_members_only_in_the_closed_catalogue(closed_app):
    with closed_app.app_context():
        reader = signed_in(closed_app, make_user("member"))
    assert 'href="/learning"' not in closed_app.test_client().get("/").get_data(as_text=True)
    assert closed_app.test_client().get("/trainings/").status_code == 302
    assert 'href="/learning"' in reader.get("/").get_data(as_text=True)
    assert 'href="/trainings/"' in reader.get("/learning").get_data(as_text=True)
    assert 'href="/trainings/mine"' in reader.get("/trainings/").get_data(as_text=True)


def test_anonymous_visitors_of_the_public_directory_see_trainings_but_sign_in_to_enrol(app):
    with app.app_context():
        training = make_training()
        slug = training.slug
    visitor = app.test_client()
    html = visitor.get(f"/trainings/{slug}").get_data(as_text=True)
    assert "Sign in to enrol" in html and ">Enrol</button>" not in html
    assert visitor.get("/trainings/mine").status_code == 302


def test_related_tools_and_guidance_show_only_published_ones(app):
    with app.app_context():
        make_tools(tool_record("shown-tool"), tool_record("hidden-tool", status="draft"))
        pages = [GuidancePage(slug=slug, title=slug.replace("-", " ").title(), summary="About it.", topic="wellbeing",
                              status=status) for slug, status in (("face-analysis", "published"),
                                                                  ("generative-ai", "draft"))]
        db.session.add_all(pages)
        db.session.commit()
        tool_ids = list(db.session.scalars(select(Tool.id)))
        training = make_training(tool_ids=tool_ids, guidance_ids=[p.id for p in pages])
        reader = signed_in(app, member("alice"))
        slug = training.slug
    html = reader.get(f"/trainings/{slug}").get_data(as_text=True)
    assert 'href="/tools/shown-tool"' in html and "hidden-tool" not in html
    assert 'href="/guidance/face-analysis"' in html and "generative-ai" not in html


# --- Demo data and statistics ---------------------------------------------------------------------------------


def snapshot_trainings() -> list[tuple]:
    trainings = db.session.execute(select(Training.slug, Training.version, Training.starts_at, Training.status)
                                   .order_by(Training.slug)).all()
    enrolments = db.session.execute(select(Enrolment.training_id, Enrolment.user_id, Enrolment.status)
                                    .order_by(Enrolment.id)).all()
    return [tuple(row) for row in trainings + enrolments]


def test_demo_trainings_load_idempotently_and_cover_what_the_demo_needs(demo_app):
    with demo_app.app_context():  # tools and trainings, loaded by ``load_demo``
        demo_accounts.load_agencies()
        demo_accounts.create_accounts()
        first = load_demo_trainings()
        assert (first.created, first.updated) == (0, 0) and first.enrolments > 0
        before = snapshot_trainings()
        second = load_demo_trainings()
        assert (second.created, second.updated, second.enrolments) == (0, 0, 0)
        assert snapshot_trainings() == before
        trainings = list(db.session.scalars(select(Training)))
        assert len(trainings) >= 8 and all(t.demo and t.provider.endswith("(demo)") for t in trainings)
        assert {t.format for t in trainings} == {"online", "in_person", "hybrid"}
        assert {t.kind for t in trainings} == {"course", "webinar", "workshop"}
        assert len({t.language for t in trainings}) >= 4
        zones = {t.timezone for t in trainings}
        assert any(z.startswith("Asia/") for z in zones) and any(z.startswith("America/") for z in zones)
        seats = availability_of(trainings)
        published = [t for t in trainings if t.status == "published"]
        assert any(seats[t.id].full and seats[t.id].waiting for t in published)
        assert any(seats[t.id].seats_left == 1 for t in published)
        assert any(seats[t.id].closed == "deadline" for t in published)
        assert any(t.ends_at_utc < utcnow() for t in published)
        assert all(t.tools for t in trainings if t.slug == "device-triage-workshop")
        member_row = db.session.scalar(select(User).filter_by(email="member@demo.example"))
        statuses = set(db.session.scalars(select(Enrolment.status).filter_by(user_id=member_row.id)))
        assert statuses == {"enrolled", "waitlisted"}


def test_demo_dates_stay_relative_to_the_day_they_are_loaded(app):
    with app.app_context():
        load_demo_trainings(today=date(2030, 5, 1))
        moved = load_demo_trainings(today=date(2030, 5, 2))
        assert moved.updated == len([r for r in records()])
        triage = db.session.scalar(select(Training).filter_by(slug="device-triage-workshop"))
        record = next(r for r in records() if r["slug"] == "device-triage-workshop")
        assert triage.starts_at.date() == date(2030, 5, 2) + timedelta(days=record["starts_in_days"])
        assert triage.starts_at.strftime("%H:%M") == record["start_time"]


def test_stats_json_counts_published_trainings(app, runner):
    with app.app_context():
        make_training()
        make_training(status="draft")
        make_training(status="cancelled")
    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert stats["trainings"] == 1


def test_the_demo_command_loads_trainings_and_enrols_demo_accounts(demo_command_app):
    result = demo_command_app.first_demo_run  # on an empty catalogue
    assert result.exit_code == 0, result.output
    assert "Demo trainings: 11 new" in result.output
    assert re.search(r"Demo enrolments of these accounts in demo trainings: [1-9]\d* added", result.output)
    again = demo_command_app.test_cli_runner().invoke(args=["catalogue", "demo"]).output
    assert "Demo trainings: 0 new, 0 updated" in again and "demo trainings: 0 added" in again


def test_times_are_shown_in_the_trainings_zone_with_its_offset(app):
    with app.app_context():
        training = make_training(timezone="America/Sao_Paulo", starts_at=local(2030, 2, 3, 15),
                                 ends_at=local(2030, 2, 3, 16, 30))
        reader = signed_in(app, member("alice"))
        slug = training.slug
        assert training.starts_at_utc == datetime(2030, 2, 3, 18, 0)
    html = reader.get(f"/trainings/{slug}").get_data(as_text=True)
    assert "Sunday, February 3, 2030, 3:00" in html and "(America/Sao_Paulo, UTC-03:00)" in html
