"""Technology providers (issue 23, items 1, 2 and 5): registration and vetting, what a provider sees and may not
see, their proposals through the curators' four-eyes review, verification requests, and the terms every signed-in
person accepts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from catalogue.extensions import db
from catalogue.models import ProposedChange, Tool, User, VerificationRequest
from catalogue.models.base import utcnow
from tests.auth import body, csrf_token, link_in, outbox, signed_in
from tests.conftest import empty_app
from tests.factories import make_agency, make_tools, tool_record

GOOD_PASSWORD = "quiet lanterns over harbour"
MAKER = "Example Research Lab"


@pytest.fixture
def providers_app(tmp_path, empty_data_dir):
    apps = empty_app(tmp_path, empty_data_dir, CATALOGUE_PUBLIC_BROWSING=False, RATELIMIT_ENABLED=False)
    app = next(apps)
    with app.app_context():
        make_tools(tool_record("sample-tool", organisation=MAKER, website="https://example-research.example/tool",
                               description="Finds things."),
                   tool_record("other-tool", organisation="Other Maker Ltd", website="https://other.example"))
        make_agency()
    yield app
    next(apps, None)


def tool_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Tool.id).filter_by(slug=slug))


def provider(app, email: str = "pat@example-research.example"):
    return signed_in(app, "provider", email=email, organisation=MAKER, name="Pat Provider")


def application(**overrides):
    data = {"name": "Pat Provider", "email": "pat@elsewhere.example", "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD, "organisation": "example research lab", "position": "Product manager",
            "justification": "I keep the documentation of our triage tool current.", "accept_terms": "y",
            "accept_notice": "y"}
    data.update(overrides)
    return data


def register(client, **overrides):
    return client.post("/provider/register", data={**application(**overrides),
                                                   "csrf_token": csrf_token(client, "/provider/register")})


# Registration and vetting ------------------------------------------------------------------------------------------

def test_a_provider_registers_is_flagged_for_a_foreign_domain_and_approved_as_a_provider(providers_app):
    client = providers_app.test_client()
    assert register(client).headers["Location"] == "/account/register/sent"
    with providers_app.app_context():
        applicant = db.session.scalars(db.select(User).filter_by(email="pat@elsewhere.example")).one()
        assert (applicant.role, applicant.organisation) == ("pending", MAKER)  # the catalogue's spelling
        assert set(applicant.accepted_documents) == {"provider-terms", "data-protection"}
    path = link_in(outbox(providers_app)[-1])
    client.post(path, data={"csrf_token": csrf_token(client, path)})
    admin = signed_in(providers_app, "admin")
    queue = admin.get("/admin/vetting").get_data(as_text=True)
    assert "The e-mail domain elsewhere.example does not match the website of Example Research Lab" in queue
    assert "technology provider" in queue and "point of contact" not in queue.lower().split("pat provider")[1]
    with providers_app.app_context():
        applicant_id = db.session.scalar(db.select(User.id).filter_by(email="pat@elsewhere.example"))
    response = admin.post(f"/admin/vetting/{applicant_id}/approve",
                          data={"csrf_token": csrf_token(admin, "/admin/vetting")}, follow_redirects=True)
    assert "Pat Provider is now a technology provider for Example Research Lab" in response.get_data(as_text=True)
    with providers_app.app_context():
        approved = db.session.get(User, applicant_id)
        assert (approved.role, approved.agency_id, approved.point_of_contact) == ("provider", None, False)


def test_an_address_on_the_organisations_domain_is_not_flagged(providers_app):
    client = providers_app.test_client()
    register(client, email="pat@example-research.example")
    with providers_app.app_context():
        from catalogue.admin.services import warnings_for

        applicant = db.session.scalars(db.select(User).filter_by(email="pat@example-research.example")).one()
        assert warnings_for(applicant) == []


@pytest.mark.parametrize(("overrides", "message"), [
    ({"organisation": "x" * 201}, "Write at most 200 characters."),
    ({"justification": "short"}, "Write at least 20 and at most 2,000 characters"),
    ({"accept_terms": ""}, "You need to accept the terms of engagement for technology providers."),
    ({"accept_notice": ""}, "You need to read the data-protection notice."),
    ({"email": "not an address"}, "Enter a valid e-mail address."),
])
def test_provider_registration_refuses_bad_input_with_a_message(providers_app, overrides, message):
    response = register(providers_app.test_client(), **overrides)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with providers_app.app_context():
        assert db.session.scalar(db.select(User).filter_by(role="pending")) is None


# What a provider sees ----------------------------------------------------------------------------------------------

def test_a_provider_sees_their_organisations_entries_and_nothing_of_agencies_or_other_makers(providers_app):
    client = provider(providers_app)
    home = client.get("/provider/").get_data(as_text=True)
    assert "sample-tool" not in home and "Sample Tool" in home and "Other Tool" not in home
    assert 'href="/provider/"' in home and 'href="/agencies/"' not in home
    assert client.get(f"/provider/tools/{tool_id(providers_app, 'sample-tool')}").status_code == 200
    for path in (f"/provider/tools/{tool_id(providers_app, 'other-tool')}",
                 f"/provider/tools/{tool_id(providers_app, 'other-tool')}/propose", "/provider/tools/99999",
                 "/agencies/", "/agencies/harbour-police", "/contact/", "/tools/", "/tools/sample-tool",
                 "/curation/", "/curation/changes/1", "/admin/users", "/contact/oversight", "/people/",
                 f"/people/{client.user_id}"):
        assert client.get(path).status_code == 404, path
    assert client.get("/account/").status_code == 200 and client.get("/").status_code == 200


def test_with_public_browsing_a_provider_reads_tool_pages_without_who_uses_them(tmp_path, empty_data_dir):
    apps = empty_app(tmp_path, empty_data_dir, CATALOGUE_PUBLIC_BROWSING=True)
    app = next(apps)
    with app.app_context():
        make_tools(tool_record("sample-tool", organisation=MAKER))
        from catalogue.models import ToolUsage

        agency = make_agency()
        db.session.add(ToolUsage(agency=agency, tool=db.session.scalars(db.select(Tool)).one()))
        db.session.commit()
    page = provider(app).get("/tools/sample-tool").get_data(as_text=True)
    assert "Sample Tool" in page and "Harbour Police" not in page
    assert provider(app, "kim@example-research.example").get("/agencies/harbour-police").status_code == 404
    next(apps, None)


# Proposals ---------------------------------------------------------------------------------------------------------

def propose(client, tool: int, **overrides):
    path = f"/provider/tools/{tool}/propose"
    page = client.get(path).get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token(client, path), "version": version, "summary": "A sharper summary.",
            "description": "Finds things, now in **Arabic** too.", "website": "https://example-research.example/tool",
            "note": "Arabic added in release 4.", "sources-0-title": "Release notes 4.0",
            "sources-0-reference": "https://example-research.example/releases/4", "sources-0-kind": "vendor",
            "sources-0-accessed": ""}
    data.update(overrides)
    return client.post(path, data=data)


def test_a_providers_change_waits_for_a_curator_marked_from_the_provider_and_then_is_published(providers_app):
    tool = tool_id(providers_app, "sample-tool")
    client = provider(providers_app)
    assert propose(client, tool).status_code == 303
    member = signed_in(providers_app, "member")
    assert "A sharper summary." not in member.get("/tools/sample-tool").get_data(as_text=True)
    with providers_app.app_context():
        change = db.session.scalars(db.select(ProposedChange)).one()
        assert change.from_provider and change.status == "open"
        assert change.values["sources"][-1]["title"] == "Release notes 4.0"
        change_id, version = change.id, change.version
    curator = signed_in(providers_app, "curator")
    assert "From the provider" in curator.get("/curation/").get_data(as_text=True)
    review = curator.get(f"/curation/changes/{change_id}").get_data(as_text=True)
    assert "From the provider" in review and "Release notes 4.0" in review
    assert client.get(f"/curation/changes/{change_id}").status_code == 404  # a provider never reviews
    assert "waiting for a curator" in client.get(f"/provider/tools/{tool}").get_data(as_text=True)
    response = curator.post(f"/curation/changes/{change_id}/approve",
                            data={"csrf_token": csrf_token(curator, f"/curation/changes/{change_id}"),
                                  "version": str(version)})
    assert response.status_code == 303
    page = member.get("/tools/sample-tool").get_data(as_text=True)
    assert "A sharper summary." in page and "Release notes 4.0" in page
    assert "approved and published" in client.get(f"/provider/tools/{tool}").get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"sources-0-title": "", "sources-0-reference": "", "sources-0-kind": ""},
     "Give at least one source for your change"),
    ({"summary": "x" * 301}, "Write at most 300 characters."),
    ({"summary": ""}, "This field is required."),
    ({"description": "x" * 20_001}, "Write at most 20,000 characters."),
    ({"note": "x" * 2001}, "Write at most 2,000 characters."),
    ({"website": "javascript:alert(1)"}, "Give a web address starting with http:// or https://"),
    ({"sources-0-reference": "javascript:alert(1)"}, "Only web addresses starting with http:// or https://"),
    ({"version": "not-a-number"}, "A curator changed this entry since you opened it"),
])
def test_a_bad_proposal_is_refused_with_a_message_and_nothing_is_proposed(providers_app, overrides, message):
    response = propose(provider(providers_app), tool_id(providers_app, "sample-tool"), **overrides)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with providers_app.app_context():
        assert db.session.scalar(db.select(ProposedChange)) is None


def test_a_second_proposal_waits_for_the_first_one(providers_app):
    tool = tool_id(providers_app, "sample-tool")
    client = provider(providers_app)
    propose(client, tool)
    response = propose(client, tool, summary="Another summary.")
    assert response.status_code == 400 and "already waiting for a curator" in response.get_data(as_text=True)


def test_a_new_entry_from_a_provider_goes_to_review_for_their_organisation(providers_app):
    client = provider(providers_app)
    path = "/provider/tools/new"
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "name": "Sample Scanner", "summary": "Scans samples.",
        "description": "", "website": "", "note": "", "sources-0-title": "Data sheet",
        "sources-0-reference": "Data sheet v1, page 2", "sources-0-kind": "vendor"})
    assert response.status_code == 303
    with providers_app.app_context():
        tool = db.session.scalars(db.select(Tool).filter_by(name="Sample Scanner")).one()
        assert (tool.status, tool.organisation, tool.submitted_by.role) == ("in_review", MAKER, "provider")
        new_id = tool.id
    assert "waiting for a curator" in client.get(f"/provider/tools/{new_id}").get_data(as_text=True)
    curator = signed_in(providers_app, "curator")
    assert "From the provider" in curator.get("/curation/").get_data(as_text=True)
    member = signed_in(providers_app, "member")
    assert member.get("/tools/sample-scanner").status_code == 404
    long_name = client.post(path, data={"csrf_token": csrf_token(client, path), "name": "x" * 201,
                                        "summary": "Scans."})
    assert long_name.status_code == 400 and "Write at most 200 characters." in long_name.get_data(as_text=True)


# Verification requests ---------------------------------------------------------------------------------------------

def ask(curator, tool: int, question: str = "Is Arabic still supported?"):
    path = f"/curation/verification/ask/{tool}"
    return curator.post(path, data={"csrf_token": csrf_token(curator, path), "question": question})


def test_a_verification_request_is_answered_and_only_a_curators_acceptance_reverifies(providers_app):
    tool = tool_id(providers_app, "sample-tool")
    client = provider(providers_app)
    with providers_app.app_context():
        stored = db.session.get(Tool, tool)
        stored.last_reviewed = date.today() - timedelta(days=400)
        db.session.commit()
    curator = signed_in(providers_app, "curator")
    assert ask(curator, tool, "x" * 2001).status_code == 400
    assert ask(curator, tool).status_code == 303
    [message] = [m for m in outbox(providers_app) if m["To"] == "pat@example-research.example"]
    assert "Is Arabic still supported?" in body(message) and f"/provider/tools/{tool}" in body(message)
    page = client.get(f"/provider/tools/{tool}").get_data(as_text=True)
    assert "A curator asks you to confirm facts" in page and "Is Arabic still supported?" in page
    with providers_app.app_context():
        request_id = db.session.scalar(db.select(VerificationRequest.id))
    answer_path = f"/provider/requests/{request_id}/answer"
    token = csrf_token(client, f"/provider/tools/{tool}")
    refused = client.post(answer_path, data={"csrf_token": token, "confirmed": "no", "answer": ""})
    assert refused.status_code == 400 and "Say what is not right" in refused.get_data(as_text=True)
    too_long = client.post(answer_path, data={"csrf_token": token, "confirmed": "yes", "answer": "x" * 4001})
    assert too_long.status_code == 400 and "Write at most 4,000 characters." in too_long.get_data(as_text=True)
    assert client.post(answer_path, data={"csrf_token": token, "confirmed": "yes",
                                          "answer": "Yes, since 2025."}).status_code == 303
    with providers_app.app_context():
        assert db.session.get(Tool, tool).last_reviewed < date.today() - timedelta(days=300)  # not by itself
    listing = curator.get("/curation/verification").get_data(as_text=True)
    assert "Yes, since 2025." in listing and "Accept as a re-verification" in listing
    response = curator.post(f"/curation/verification/{request_id}/accept",
                            data={"csrf_token": csrf_token(curator, "/curation/verification")})
    assert response.status_code == 303
    with providers_app.app_context():
        stored = db.session.get(Tool, tool)
        assert stored.last_reviewed == date.today() and "Pat Provider" in stored.verification_sources
        assert db.session.get(VerificationRequest, request_id).status == "accepted"


def test_another_organisations_request_is_not_found_for_a_provider(providers_app):
    curator = signed_in(providers_app, "curator")
    ask(curator, tool_id(providers_app, "other-tool"))
    with providers_app.app_context():
        request_id = db.session.scalar(db.select(VerificationRequest.id))
    client = provider(providers_app)
    path = f"/provider/requests/{request_id}/answer"
    assert client.post(path, data={"csrf_token": csrf_token(client, "/provider/"), "confirmed": "yes"}) \
        .status_code == 404


def test_the_reminder_command_reminds_once_per_period(providers_app):
    provider(providers_app)
    ask(signed_in(providers_app, "curator"), tool_id(providers_app, "sample-tool"))
    runner = providers_app.test_cli_runner()
    assert "reminded: 0" in runner.invoke(args=["providers", "remind"]).output
    with providers_app.app_context():
        request = db.session.scalars(db.select(VerificationRequest)).one()
        request.asked_at = utcnow() - timedelta(days=15)
        db.session.commit()
    sent_before = len(outbox(providers_app))
    assert "reminded: 1" in runner.invoke(args=["providers", "remind"]).output
    assert "reminded: 0" in runner.invoke(args=["providers", "remind"]).output
    reminders = outbox(providers_app)[sent_before:]
    assert len(reminders) == 1 and "still waiting for your answer" in body(reminders[0])


# Terms and data protection -----------------------------------------------------------------------------------------

def test_a_new_version_of_the_terms_is_asked_for_before_anything_else(tmp_path, empty_data_dir):
    terms = tmp_path / "terms.md"
    terms.write_text("## Rules\n\nBe **kind**.<script>alert(1)</script>\n", encoding="utf-8")
    apps = empty_app(tmp_path / "data", empty_data_dir, CATALOGUE_PUBLIC_BROWSING=False, MEMBER_TERMS_FILE=terms)
    app = next(apps)
    client = signed_in(app, "member")  # accepted version 1 of everything, as factories do
    assert client.get("/tools/").status_code == 200
    app.config["MEMBER_TERMS_VERSION"] = "2"
    response = client.get("/tools/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/agreements")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>kind</strong>" in page and "<script>" not in page and 'id="data-protection-title"' not in page
    assert "replaces version 1" in page
    token = csrf_token(client, "/account/agreements")
    refused = client.post("/account/agreements", data={"csrf_token": token, "next": "/tools/"})
    assert refused.status_code == 400 and "Tick this box to go on" in refused.get_data(as_text=True)
    accepted = client.post("/account/agreements", data={"csrf_token": token, "member_terms": "y", "next": "/tools/"})
    assert accepted.status_code == 303 and accepted.headers["Location"] == "/tools/"
    assert client.get("/tools/").status_code == 200
    with app.app_context():
        member = db.session.get(User, client.user_id)
        assert member.accepted_documents["member-terms"]["version"] == "2"
        assert member.accepted_documents["member-terms"]["at"].startswith(str(date.today()))
    assert "<strong>kind</strong>" in app.test_client().get("/terms").get_data(as_text=True)
    next(apps, None)


def test_a_provider_accepts_the_provider_terms_not_the_members(providers_app):
    client = provider(providers_app)
    with providers_app.app_context():
        user = db.session.get(User, client.user_id)
        user.accepted_documents = {}
        db.session.commit()
    page = client.get("/account/agreements").get_data(as_text=True)
    assert "Terms of engagement for technology providers" in page and "Data-protection notice" in page
    assert "Terms of engagement for members" not in page
    assert client.get("/provider/").status_code == 302
    assert client.get("/terms/providers").status_code == 200  # the documents stay readable
    token = csrf_token(client, "/account/agreements")
    client.post("/account/agreements", data={"csrf_token": token, "provider_terms": "y", "data_protection": "y"})
    assert client.get("/provider/").status_code == 200


def test_the_documents_are_public_pages(providers_app):
    anonymous = providers_app.test_client()
    assert "Nothing you write is published until a curator" in anonymous.get("/terms/providers").get_data(
        as_text=True)
    assert "What we keep" in anonymous.get("/data-protection").get_data(as_text=True)
    assert "Your account is personal" in anonymous.get("/terms").get_data(as_text=True)
