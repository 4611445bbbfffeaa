"""Officer profiles (opt-in, field by field), the people directory, the officers who know a tool, and
introduction requests to a person (docs/people.md)."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import AuditEvent, ContactRequest, User
from tests.auth import body, outbox, signed_in
from tests.contact_helpers import MESSAGE, SUBJECT, cast, notifications_of, token
from tests.factories import make_tools, tool_record
from tests.people_helpers import publish
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the PostgreSQL fixture, reused below

HIDDEN_ROLE = "Covert chat specialist"


@pytest.fixture
def people(app):
    with app.app_context():
        make_tools(tool_record("chat-triage", name="Chat Triage"), tool_record("image-matcher", name="Image Matcher"))
        cast_ = cast()
        olive = db.session.get(User, cast_.beta_member)
        olive.languages, olive.time_zone = ["de", "sw"], "Europe/Berlin"
        db.session.commit()
        return cast_


def page(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return response.get_data(as_text=True)


def test_a_profile_is_off_by_default_and_every_field_private(app, people):
    client = signed_in(app, people.sender)
    page(client, f"/people/{people.beta_member}", 404)
    assert "Olive Officer" not in page(client, "/people/")
    with app.app_context():
        publish(people.beta_member, shown=())  # published, nothing shown but the heading
    html = page(client, f"/people/{people.beta_member}")
    assert "Olive Officer" in html and "Beta Police" in html and "Germany" in html
    for private in ("Digital forensic examiner", "Digital forensics", "Chat Triage", "Swahili", "Europe/Berlin"):
        assert private not in html


def test_hidden_fields_never_appear_in_pages_filters_or_the_api(app, people):
    with app.app_context():
        publish(people.beta_member, shown=("tools",), role=HIDDEN_ROLE, specialisms=("hotline",))
    client = signed_in(app, people.sender)
    pages = [page(client, path) for path in (f"/people/{people.beta_member}", "/people/", "/tools/chat-triage")]
    assert all("Olive Officer" in html for html in pages)
    for html in pages:
        assert HIDDEN_ROLE not in html and "Swahili" not in html and "Europe/Berlin" not in html
    assert "Hotline" not in pages[0] and 'class="chip">Hotline<' not in pages[1]
    # A filter on a private field matches nobody; on a shown one it finds her.
    assert "Olive Officer" not in page(client, "/people/?specialism=hotline")
    assert "Olive Officer" not in page(client, "/people/?language=sw")
    assert "Olive Officer" in page(client, "/people/?tool=chat-triage")
    assert "Olive Officer" in page(client, "/people/?country=DE")
    assert "Olive Officer" not in page(client, "/people/?country=FR")
    assert ">Swahili<" not in page(client, "/people/")  # the language filter offers only shown languages
    # Profiles are not in the JSON API or the catalogue's exports.
    api = signed_in(app, people.sender).get("/api/v1/tools/chat-triage", headers={"Accept": "application/json"})
    assert "Olive" not in api.get_data(as_text=True) and HIDDEN_ROLE not in api.get_data(as_text=True)


def test_shown_fields_appear_and_the_directory_filters_on_them(app, people):
    with app.app_context():
        publish(people.beta_member, specialisms=("hotline", "digital-forensics"))
        publish(people.poc, tools=("image-matcher",), specialisms=("prosecution",))
    client = signed_in(app, people.sender)
    html = page(client, f"/people/{people.beta_member}")
    for shown in ("Digital forensic examiner", "Hotline", "Chat Triage", "Swahili", "Europe/Berlin"):
        assert shown in html
    listing = page(client, "/people/?specialism=hotline&language=sw&country=DE&tool=chat-triage")
    assert "Olive Officer" in listing and "Pat Contact" not in listing and "1 person" in listing
    tool_page = page(client, "/tools/chat-triage")
    assert "Officers with experience of this tool" in tool_page and "Olive Officer" in tool_page
    assert "Pat Contact" not in tool_page


def test_a_deactivated_or_departed_member_disappears_at_once(app, people):
    with app.app_context():
        publish(people.beta_member)
        publish(people.poc)
        db.session.get(User, people.beta_member).active = False
        db.session.get(User, people.poc).agency_id = people.gamma  # moved to another agency
        db.session.commit()
    client = signed_in(app, people.sender)
    page(client, f"/people/{people.beta_member}", 404)
    page(client, f"/people/{people.poc}", 404)
    page(client, f"/people/{people.poc}/introduce", 404)
    listing, tool_page = page(client, "/people/"), page(client, "/tools/chat-triage")
    assert "Olive Officer" not in listing + tool_page and "Pat Contact" not in listing + tool_page
    # Saving the profile again from the new agency publishes it from there.
    poc = signed_in(app, people.poc)
    edit = page(poc, "/people/me")
    assert "an agency you no longer belong to" in edit
    with app.app_context():
        publish(people.poc)
    assert "Gamma Police" in page(client, f"/people/{people.poc}")


def test_profiles_are_for_vetted_members_only(app, people):
    with app.app_context():
        publish(people.beta_member)
    anonymous = app.test_client()
    assert "Officers with experience" not in page(anonymous, "/tools/chat-triage")  # public browsing is on
    assert anonymous.get(f"/people/{people.beta_member}").status_code == 302
    assert signed_in(app, "pending").get(f"/people/{people.beta_member}").status_code == 403


def test_the_member_publishes_their_own_profile_with_the_form(app, people):
    client = signed_in(app, people.beta_member)
    html = page(client, "/people/me")
    assert "not published" in html
    response = client.post("/people/me", data={
        "csrf_token": token(client, "/people/me"), "published": "y", "accepts_introductions": "y",
        "role": "Analyst", "show_role": "y", "specialisms": ["hotline"], "tools": ["image-matcher"],
        "show_tools": "y"})
    assert response.status_code == 303
    assert "Your profile is published" in page(client, "/people/me")
    seen = page(signed_in(app, people.sender), f"/people/{people.beta_member}")
    assert "Analyst" in seen and "Image Matcher" in seen and "Hotline" not in seen


@pytest.mark.parametrize(("fields", "message"), [
    ({"role": "x" * 121}, "Field cannot be longer than 120 characters."),
    ({"specialisms": ["astrology"]}, "Choose from the list only."),
    ({"tools": ["no-such-tool"]}, "Choose from the list only."),
])
def test_bad_profile_input_is_refused_with_a_message(app, people, fields, message):
    client = signed_in(app, people.beta_member)
    response = client.post("/people/me", data={"csrf_token": token(client, "/people/me"), "published": "y",
                                                **fields})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    page(signed_in(app, people.sender), f"/people/{people.beta_member}", 404)


@pytest.mark.parametrize("query", ["specialism=astrology", "country=ZZ", "language=xx", "tool=nothing", "page=0",
                                   "tool=" + "x" * 5000])
def test_bad_directory_filters_answer_400_with_a_message(app, people, query):
    response = signed_in(app, people.sender).get(f"/people/?{query}")
    assert response.status_code == 400
    assert "Some filters could not be used" in response.get_data(as_text=True)


def introduction(client, user_id: int, **fields):
    data = {"kind": "tool-experience", "subject": SUBJECT, "message": MESSAGE, "urgency": "routine",
            "handling_code": "H0", "languages": ["fr"], "tool": "chat-triage", "confirm": "y",
            "csrf_token": token(client, f"/people/{user_id}/introduce")}
    data.update(fields)
    return client.post(f"/people/{user_id}/introduce", data=data)


def test_an_introduction_goes_to_the_person_alone_and_reveals_addresses_once_accepted(app, people):
    with app.app_context():
        publish(people.beta_member)
    sender = signed_in(app, people.sender)
    response = introduction(sender, people.beta_member)
    assert response.status_code == 303
    request_path = response.headers["Location"]
    with app.app_context():
        sent = db.session.scalars(select(ContactRequest)).one()
        assert (sent.recipient_id, sent.recipient_agency_id, sent.state) == (people.beta_member, people.beta,
                                                                             "submitted")
        assert notifications_of(people.beta_member) == [("submitted", sent.id)]
        assert notifications_of(people.poc) == [] and notifications_of(people.poc2) == []
    mails = outbox(app)
    assert [m["To"] for m in mails] == ["olive@beta.example"]
    assert "an introduction request for you" in mails[0]["Subject"] and SUBJECT not in body(mails[0])
    # The agency's points of contact never see it; nobody sees an address before the answer.
    poc = signed_in(app, people.poc)
    assert poc.get(request_path).status_code == 404
    for listing in ("/contact/?box=received", "/contact/?box=received&q=triage", "/contact/notifications"):
        assert f'href="{request_path}"' not in page(poc, listing)
    assert f'href="{request_path}"' in page(signed_in(app, people.beta_member), "/contact/?box=received")
    assert "Olive Officer" in page(sender, "/contact/?box=sent")
    before = page(sender, request_path)
    assert "Olive Officer" in before and "olive@beta.example" not in before
    recipient = signed_in(app, people.beta_member)
    html = page(recipient, request_path)
    assert "sam@alpha.example" not in html and "/assign" not in html and "Assigned to" not in html
    accepted = recipient.post(f"{request_path}/accept", data={"csrf_token": token(recipient, request_path),
                                                              "state": "submitted"})
    assert accepted.status_code == 303
    for client in (sender, recipient):
        html = page(client, request_path)
        assert "olive@beta.example" in html and "sam@alpha.example" in html
    assert "olive@beta.example" not in page(sender, f"/people/{people.beta_member}")


def test_a_declined_introduction_reveals_nothing(app, people):
    with app.app_context():
        publish(people.beta_member)
    sender, recipient = signed_in(app, people.sender), signed_in(app, people.beta_member)
    path = introduction(sender, people.beta_member).headers["Location"]
    recipient.post(f"{path}/decline", data={"csrf_token": token(recipient, path), "state": "submitted",
                                            "reason": "Not my field."})
    html = page(sender, path)
    assert "Not my field." in html and "olive@beta.example" not in html


def test_introductions_follow_the_contact_rules(app, people):
    app.config["CONTACT_REQUESTS_PER_DAY"] = 1
    with app.app_context():
        publish(people.beta_member)
        publish(people.poc2, accepts=False)
        publish(people.sender_colleague)
    sender = signed_in(app, people.sender)
    page(sender, f"/people/{people.poc2}/introduce", 404)  # does not accept introductions
    same_agency = introduction(sender, people.sender_colleague)
    assert same_agency.status_code == 400 and "contact your colleagues directly" in same_agency.get_data(
        as_text=True)
    too_long = introduction(sender, people.beta_member, subject="s" * 201)
    assert too_long.status_code == 400 and "Field cannot be longer than 200 characters." in too_long.get_data(
        as_text=True)
    no_conditions = introduction(sender, people.beta_member, handling_code="H3")
    assert no_conditions.status_code == 400
    assert introduction(sender, people.beta_member).status_code == 303
    limited = introduction(sender, people.beta_member, subject="Another one")
    assert limited.status_code == 400 and "the most allowed" in limited.get_data(as_text=True)
    assert "Another one" in limited.get_data(as_text=True)  # the text is kept


def test_the_recipient_who_leaves_loses_the_introduction(app, people):
    with app.app_context():
        publish(people.beta_member)
    path = introduction(signed_in(app, people.sender), people.beta_member).headers["Location"]
    with app.app_context():
        db.session.get(User, people.beta_member).agency_id = people.gamma
        db.session.commit()
    assert signed_in(app, people.beta_member).get(path).status_code == 404


def test_the_demo_loads_fictional_opted_in_officers_once(demo_command_app):
    app = demo_command_app
    assert "Demo officer profiles: 6 added." in app.first_demo_run.output
    result = app.test_cli_runner().invoke(args=["catalogue", "demo"])
    assert "Demo officer profiles: 0 added." in result.output
    member = signed_in(app, "member@demo.example")
    listing = page(member, "/people/")
    assert "Katrin Vollmer" in listing and "Demo Point of Contact" in listing and "6 people" in listing
    tool_page = page(member, "/tools/alderwisp-device-triage")
    assert "Katrin Vollmer" in tool_page and "Demo Point of Contact" in tool_page
    with app.app_context():
        from catalogue.people.demo import records

        assert all(record["email"].endswith(".example") for record in records())


def test_saving_and_introducing_are_audited_without_what_was_written(app, people):
    with app.app_context():
        publish(people.beta_member, role=HIDDEN_ROLE, shown=("role",))
    introduction(signed_in(app, people.sender), people.beta_member)
    with app.app_context():
        saved, sent = (db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).one()
                       for action in ("people.profile.update", "contact.submit"))
        assert saved.detail == "published=yes shown=role" and saved.target == f"user:{people.beta_member}"
        assert sent.detail.startswith(f"to user:{people.beta_member} of beta-police;")
        assert "olive@beta.example" not in sent.detail and SUBJECT not in sent.detail
    admin = signed_in(app, people.admin)
    assert "Officer profile saved" in admin.get("/admin/audit").get_data(as_text=True)


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_the_people_directory_and_introductions_work_on_postgres(postgres_app):  # noqa: F811 - fixture above
    app = postgres_app
    with app.app_context():
        upgrade()
        from catalogue.taxonomy import sync_vocabularies

        sync_vocabularies()
        make_tools(tool_record("chat-triage", name="Chat Triage"))
        cast_ = cast()
        db.session.get(User, cast_.beta_member).languages = ["de", "sw"]
        db.session.commit()
        publish(cast_.beta_member, specialisms=("hotline",))
        publish(cast_.poc, shown=("tools",), specialisms=("hotline",))
    client = signed_in(app, cast_.sender)
    for query, expected in [("specialism=hotline", ["Olive Officer"]), ("language=sw", ["Olive Officer"]),
                            ("tool=chat-triage", ["Olive Officer", "Pat Contact"]), ("country=FR", [])]:
        html = page(client, f"/people/?{query}")
        assert [name for name in ("Olive Officer", "Pat Contact") if name in html] == expected, query
    assert introduction(client, cast_.beta_member).status_code == 303
