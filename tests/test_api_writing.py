"""Curators write through the API with the editor's services: a draft, a change to it, submission; a change to a
published tool is only proposed, readers keep the published text until another curator approves it in the web
interface; If-Match guards every write (412 when stale, 428 when missing); writes with a token are audited."""

from __future__ import annotations

import re

import pytest

from catalogue.extensions import db
from catalogue.models import AuditEvent
from tests.auth import csrf_token
from tests.curation_helpers import approve, curator_clients
from tests.test_proposed_changes import decide

TOKEN = re.compile(r"cat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")
DRAFT = {"name": "Harbour Chat Triage", "organisation": "Example Lab", "country": "FR",
         "website": "https://chat-triage.example", "summary": "Ranks chat logs for grooming risk.",
         "description": "It **ranks** chats.", "purposes": ["grooming-detection"], "languages": ["en", "fr"],
         "sources": [{"title": "Vendor sheet", "reference": "https://chat-triage.example/sheet", "kind": "vendor"}]}


def curating_token(client) -> str:
    page = client.post("/account/tokens", data={"token-name": "script", "token-days": "30", "token-curate": "y",
                                                "csrf_token": csrf_token(client, "/account/")})
    return TOKEN.search(page.get_data(as_text=True)).group(0)


@pytest.fixture
def curators(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    return alice, bob, {"Authorization": f"Bearer {curating_token(alice)}"}


def test_a_script_drafts_submits_and_a_second_curator_publishes_in_the_web_interface(app, curators):
    alice, bob, auth = curators
    program = app.test_client()
    created = program.post("/api/v1/tools", json={**DRAFT, "note": "From the procurement script"}, headers=auth)
    assert created.status_code == 201, created.json
    assert created.json["status"] == "draft" and created.json["outcome"] == "created"
    slug, tag = created.json["slug"], created.headers["ETag"]
    changed = program.patch(f"/api/v1/tools/{slug}", json={"summary": "Ranks chat logs by grooming risk."},
                            headers={**auth, "If-Match": tag})
    assert changed.status_code == 200 and changed.json["outcome"] == "saved"
    stale = program.patch(f"/api/v1/tools/{slug}", json={"summary": "Older idea."}, headers={**auth, "If-Match": tag})
    assert stale.status_code == 412 and stale.mimetype == "application/problem+json"
    assert program.patch(f"/api/v1/tools/{slug}", json={"summary": "x"}, headers=auth).status_code == 428
    submitted = program.post(f"/api/v1/tools/{slug}/submit", json={"note": "Ready"},
                             headers={**auth, "If-Match": changed.headers["ETag"]})
    assert submitted.status_code == 200 and submitted.json["status"] == "in_review"
    assert program.get(f"/api/v1/tools/{slug}", headers=auth).status_code == 404  # not published: not there

    with app.app_context():
        from catalogue.models import Tool

        tool_id = db.session.scalars(db.select(Tool).filter_by(slug=slug)).one().id
    assert approve(alice, tool_id).status_code != 303  # the author may not approve their own text
    assert approve(bob, tool_id).status_code == 303
    published = program.get(f"/api/v1/tools/{slug}", headers=auth)
    assert published.status_code == 200 and published.json["summary"] == "Ranks chat logs by grooming risk."
    with app.app_context():
        actions = [e.detail for e in db.session.scalars(db.select(AuditEvent).filter_by(action="api_token.write"))]
    assert len(actions) == 3 and all(detail.startswith("token ") for detail in actions)


def test_a_change_to_a_published_tool_waits_for_review(app, curators):
    alice, bob, auth = curators
    program = app.test_client()
    created = program.post("/api/v1/tools", json=DRAFT, headers=auth)
    slug = created.json["slug"]
    with app.app_context():
        from catalogue.models import Tool

        tool_id = db.session.scalars(db.select(Tool).filter_by(slug=slug)).one().id
    assert program.post(f"/api/v1/tools/{slug}/submit", headers={**auth, "If-Match": created.headers["ETag"]}
                        ).status_code == 200
    assert approve(bob, tool_id).status_code == 303

    read = program.get(f"/api/v1/tools/{slug}", headers=auth)
    proposed = program.patch(f"/api/v1/tools/{slug}", json={"summary": "Claims ninety-nine percent accuracy."},
                             headers={**auth, "If-Match": read.headers["ETag"]})
    assert proposed.status_code == 200 and proposed.json["outcome"] == "proposed"
    assert proposed.json["status"] == "published" and proposed.json["proposed_change"]["status"] == "open"
    assert program.get(f"/api/v1/tools/{slug}", headers=auth).json["summary"] == DRAFT["summary"]
    again = program.patch(f"/api/v1/tools/{slug}", json={"summary": "Another idea."},
                          headers={**auth, "If-Match": read.headers["ETag"]})
    assert again.status_code == 409 and again.json["open_change_version"] == proposed.json["proposed_change"][
        "version"]

    number = proposed.json["proposed_change"]["id"]
    assert decide(bob, number, "approve").status_code == 303
    assert program.get(f"/api/v1/tools/{slug}", headers=auth).json["summary"].startswith("Claims ninety-nine")


@pytest.mark.parametrize(("body", "field"), [
    ({**DRAFT, "status": "published"}, "status"),
    ({**DRAFT, "purposes": ["no-such-purpose"]}, "purposes"),
    ({**DRAFT, "website": "javascript:alert(1)"}, "website"),
    ({**DRAFT, "name": "A\u0000B"}, "name"),
    ({**DRAFT, "summary": "x" * 301}, "summary"),
    ({k: v for k, v in DRAFT.items() if k != "organisation"}, "organisation"),
    ({**DRAFT, "sources": [{"title": "x", "reference": "javascript:alert(1)", "kind": "vendor"}]}, "sources"),
])
def test_bad_bodies_are_400_naming_the_field(app, curators, body, field):
    _alice, _bob, auth = curators
    answer = app.test_client().post("/api/v1/tools", json=body, headers=auth)
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json", answer.json
    assert field in answer.json["errors"], answer.json


def test_bodies_that_cannot_be_read(app, curators):
    _alice, _bob, auth = curators
    program = app.test_client()
    assert program.post("/api/v1/tools", data="name=x", headers={**auth, "Content-Type":
                        "application/x-www-form-urlencoded"}).status_code == 415
    assert program.post("/api/v1/tools", data="{", headers={**auth, "Content-Type": "application/json"}
                        ).status_code == 400
    deep = "[" * 5000 + "]" * 5000
    assert program.post("/api/v1/tools", data=deep, headers={**auth, "Content-Type": "application/json"}
                        ).status_code == 400
    huge = '{"name": ' + "9" * 5000 + "}"
    assert program.post("/api/v1/tools", data=huge, headers={**auth, "Content-Type": "application/json"}
                        ).status_code == 400
    big = program.post("/api/v1/tools", data="x" * 300_000, headers={**auth, "Content-Type": "application/json"})
    assert big.status_code == 413 and big.mimetype == "application/problem+json"
