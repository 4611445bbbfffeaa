"""Revisions, comparisons, restores, conflict-safe saves and kept input: nothing a curator types is lost."""

from __future__ import annotations

import json
import time

import pytest

from catalogue.accounts.sessions import LAST_SEEN
from catalogue.extensions import db
from catalogue.models import AuditEvent, ToolRevision
from tests.auth import csrf_token, signed_in
from tests.curation_helpers import approve, create_draft, curator_clients, editor_data, post_step, tool, version_on
from tests.factories import make_tools, tool_record


def edit(client, tool_id: int, version: str | None = None, **fields):
    page = f"/curation/tools/{tool_id}/edit"
    token = csrf_token(client, page)
    return client.post(page, data={**editor_data(**fields), "csrf_token": token,
                                   "version": version or version_on(client, page)})


def revisions_of(app, tool_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(r.number, r.action) for r in db.session.scalars(
            db.select(ToolRevision).filter_by(tool_id=tool_id).order_by(ToolRevision.number))]


def test_the_second_of_two_concurrent_saves_gets_the_conflict_page_and_nothing_is_lost(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice, summary="Original summary.")
    page = f"/curation/tools/{tool_id}/edit"
    alice_version, bob_version = version_on(alice, page), version_on(bob, page)
    assert edit(alice, tool_id, alice_version, summary="Alice's careful summary.", note="Alice").status_code == 303

    response = edit(bob, tool_id, bob_version, summary="Bob's different summary.",
                    description="Bob wrote a long description.")
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved" in html and "nothing you typed is lost" in html
    assert "Alice&#39;s careful summary." in html  # their change, shown
    assert "Bob&#39;s different summary." in html and "Bob wrote a long description." in html  # still in the form
    assert tool(app, tool_id).summary == "Alice's careful summary."  # the first save survives

    merged = edit(bob, tool_id, version_on(alice, page), summary="Merged summary.")  # the conflict form's version
    assert merged.status_code == 303
    assert tool(app, tool_id).summary == "Merged summary."


def test_every_save_stores_a_revision_and_identical_saves_do_not(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    edit(alice, tool_id, summary="Second wording.", note="Clearer")
    response = edit(alice, tool_id, summary="Second wording.")
    assert response.status_code == 303
    assert "Nothing had changed" in alice.get(response.headers["Location"]).get_data(as_text=True)
    assert revisions_of(app, tool_id) == [(1, "created"), (2, "edited")]
    history = alice.get(f"/curation/tools/{tool_id}/history").get_data(as_text=True)
    assert "Clearer" in history and "Revision 2" in history


def test_two_revisions_compare_field_by_field(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice, description="The tool ranks chats quickly.")
    edit(alice, tool_id, description="The tool ranks chats carefully.", purposes=["grooming-detection",
                                                                                  "referral-triage"])
    html = alice.get(f"/curation/tools/{tool_id}/compare?old=1&new=2").get_data(as_text=True)
    assert "<del>quickly.</del>" in html and "<ins>carefully.</ins>" in html
    assert "Added:" in html and "Referral triage" in html
    assert "Organisation" not in html.split("From revision")[1]  # unchanged fields are not listed
    assert alice.get(f"/curation/tools/{tool_id}/compare?old=1&new=99").status_code == 200  # falls back, no 500
    assert alice.get(f"/curation/tools/{tool_id}/compare?old=x").status_code == 200


def test_restoring_a_revision_creates_a_new_one(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice, summary="First words.")
    edit(alice, tool_id, summary="Vandalised words.")
    page = f"/curation/tools/{tool_id}/revisions/1"
    assert "First words." in alice.get(page).get_data(as_text=True)
    token = csrf_token(alice, page)
    response = alice.post(f"{page}/restore", data={"csrf_token": token, "version": version_on(alice, page)})
    assert response.status_code == 303
    assert tool(app, tool_id).summary == "First words."
    assert revisions_of(app, tool_id) == [(1, "created"), (2, "edited"), (3, "restored")]
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent).filter_by(action="tool.restore")).one().detail == "revision 1"
    assert alice.post(f"/curation/tools/{tool_id}/revisions/42/restore",
                      data={"csrf_token": token, "version": "1"}).status_code == 404


def test_archived_entries_keep_their_history(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "archive", note="Duplicate of another entry")
    history = alice.get(f"/curation/tools/{tool_id}/history").get_data(as_text=True)
    assert "Archived" in history and "Duplicate of another entry" in history and "Created" in history


@pytest.mark.parametrize("payload", [
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
])
@pytest.mark.parametrize("field", ["description", "responsible_use"])
def test_markup_in_every_markdown_field_is_stripped_and_renders_inert(app, field, payload):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice, **{field: f"Before {payload} after"})
    stored = getattr(tool(app, tool_id), field)
    for dangerous in ("<script", "<img", "<svg", "<iframe", "onerror"):
        assert dangerous not in stored
    post_step(alice, tool_id, "submit")
    approve(bob, tool_id)
    page = app.test_client().get(f"/tools/{tool(app, tool_id).slug}").get_data(as_text=True)
    html = page[page.index('<main id="main"'):page.index("</main>")]  # the entry, not the site's own header mark
    assert "Before" in html
    for dangerous in ("<script", "<img", "<svg", "<iframe", "onerror", 'href="javascript:'):
        assert dangerous not in html


def test_a_save_after_the_session_ended_is_kept_and_restored_after_signing_in(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    page = f"/curation/tools/{tool_id}/edit"
    token, version = csrf_token(alice, page), version_on(alice, page)
    with alice.session_transaction() as session:  # idle for longer than the timeout
        session[LAST_SEEN] = int(time.time()) - 3600
    response = alice.post(page, data={**editor_data(summary="Typed during a long phone call."),
                                      "csrf_token": token, "version": version})
    assert response.status_code == 303 and response.headers["Location"].startswith("/account/sign-in")
    assert tool(app, tool_id).summary != "Typed during a long phone call."

    signed_in(app, "alice@harbour-police.example", client=alice, through_form=True)  # with alice's code
    html = alice.get(page).get_data(as_text=True)
    assert "Restore what I typed" in html
    key = html.split("?restore=")[1].split('"')[0]
    restored = alice.get(f"{page}?restore={key}").get_data(as_text=True)
    assert "Typed during a long phone call." in restored
    response = alice.post(page, data={**editor_data(summary="Typed during a long phone call."),
                                      "csrf_token": csrf_token(alice, page), "version": version})
    assert response.status_code == 303
    assert tool(app, tool_id).summary == "Typed during a long phone call."
    assert "Restore what I typed" not in alice.get(page).get_data(as_text=True)


def test_a_failed_form_token_stores_nothing_but_shows_the_text_back(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    page = f"/curation/tools/{tool_id}/edit"
    response = alice.post(page, data={**editor_data(summary="Shown back despite the token."), "csrf_token": "stale",
                                      "version": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "nothing was changed" in html
    assert "What you wrote (not saved)" in html and "Shown back despite the token.</textarea>" in html
    assert "Restore what I typed" not in alice.get(page).get_data(as_text=True)  # nothing was stored


def test_cross_site_posts_are_not_kept(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    page = f"/curation/tools/{tool_id}/edit"
    response = alice.post(page, data={**editor_data(summary="Planted"), "csrf_token": "x"},
                          headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 400
    assert "Restore what I typed" not in alice.get(page).get_data(as_text=True)


def test_stale_entries_are_flagged_on_the_dashboard_the_page_and_in_stats(app, runner):
    with app.app_context():
        make_tools(tool_record("old-check", name="Old Check", last_reviewed="2020-01-01"),
                   tool_record("fresh-check", name="Fresh Check", last_reviewed="2099-01-01"),
                   tool_record("never-checked", name="Never Checked"))
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    dashboard = alice.get("/curation/").get_data(as_text=True)
    stale_section = dashboard.split('id="stale-title"')[1].split("</section>")[0]
    assert "Old Check" in stale_section and "Never Checked" in stale_section and "Fresh Check" not in stale_section
    assert "has not been verified again for more than 12 months" in app.test_client().get(
        "/tools/old-check").get_data(as_text=True)
    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert stats["stale"] == 2 and stats["tools"]["published"] == 3
