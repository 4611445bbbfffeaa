"""The editor and the publishing workflow, as curators see them."""

from __future__ import annotations

from catalogue.extensions import db
from catalogue.models import AuditEvent, Tool, ToolRevision
from tests.auth import csrf_token, signed_in
from tests.curation_helpers import (
    approve,
    create_draft,
    curator_clients,
    editor_data,
    post_step,
    tool,
    version_on,
)


def audit_actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


def test_a_curator_creates_a_draft_with_a_slug_from_the_name(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice, name="Harbour Chat Triage")
    page = alice.get(f"/curation/tools/{tool_id}").get_data(as_text=True)
    assert "Harbour Chat Triage" in page and "Draft" in page and "/tools/harbour-chat-triage" in page
    created = tool(app, tool_id)
    assert (created.status, created.languages) == ("draft", ["en", "fr"])
    assert app.test_client().get("/tools/harbour-chat-triage").status_code == 404  # drafts are not public
    with app.app_context():
        revision = db.session.scalars(db.select(ToolRevision).filter_by(tool_id=tool_id)).one()
        assert (revision.number, revision.action, revision.snapshot["name"]) == (1, "created", "Harbour Chat Triage")
    assert "tool.create" in audit_actions(app)


def test_validation_errors_keep_what_was_typed_and_save_nothing(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    long_text = "word " * 10_001
    token = csrf_token(alice, "/curation/tools/new")
    response = alice.post("/curation/tools/new", data={**editor_data(
        name="", website="javascript:alert(1)", description=long_text, purposes=[],
        summary="My careful summary"), "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "My careful summary" in html and long_text.strip()[:200] in html
    assert "at most 50,000 are allowed" in html
    assert "starting with http:// or https://" in html
    assert "Choose at least one." in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 0


def test_a_taken_slug_is_refused_with_a_message(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    create_draft(alice, name="First Tool", slug="shared-slug", website="https://first.example")
    token = csrf_token(alice, "/curation/tools/new")
    response = alice.post("/curation/tools/new", data={**editor_data(name="Completely Other", slug="shared-slug",
                                                                     website="https://other.example"),
                                                       "csrf_token": token})
    assert response.status_code == 409
    assert "Another entry already uses this address" in response.get_data(as_text=True)


def test_likely_duplicates_are_flagged_before_saving(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    create_draft(alice, name="Harbour Chat Triage", website="https://chat-triage.example/")
    token = csrf_token(alice, "/curation/tools/new")
    data = {**editor_data(name="Harbour Chat-Triage", website="https://www.chat-triage.example"), "csrf_token": token}
    response = alice.post("/curation/tools/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "This may already be in the catalogue" in html
    assert "Harbour Chat Triage" in html and 'name="not_duplicate"' in html
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 1
    response = alice.post("/curation/tools/new", data={**data, "not_duplicate": "y"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 2


def test_the_preview_shows_markdown_sanitised_like_the_public_page(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    token = csrf_token(alice, "/curation/tools/new")
    response = alice.post("/curation/tools/new", data={**editor_data(
        description="## Steps\n\n**Bold** <img src=x onerror=alert(1)> [x](javascript:alert(1))",
        action="preview"), "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Preview (not saved yet)" in html
    assert "<h2>Steps</h2>" in html and "<strong>Bold</strong>" in html
    preview = html.split('id="preview-title"')[1].split("<form")[0]
    assert "<img" not in preview and "onerror" not in preview and 'href="javascript:' not in preview
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 0


def test_four_eyes_review_publishes_into_search(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice, name="Quayside Grooming Radar")
    assert post_step(alice, tool_id, "submit", note="Ready").status_code == 303
    assert tool(app, tool_id).status == "in_review"

    refused = approve(alice, tool_id)
    assert refused.status_code == 409 and "another curator must review it" in refused.get_data(as_text=True)
    assert tool(app, tool_id).status == "in_review"
    assert "Quayside Grooming Radar" in bob.get("/curation/").get_data(as_text=True)

    response = approve(bob, tool_id)
    assert response.status_code == 303
    published = tool(app, tool_id)
    assert (published.status, str(published.last_reviewed)) == ("published", "2026-01-15")
    assert published.verification_sources == "Vendor documentation, 2026"
    assert "Quayside Grooming Radar" in app.test_client().get("/tools/?q=quayside").get_data(as_text=True)
    detail = app.test_client().get(f"/tools/{published.slug}").get_data(as_text=True)
    assert "Last verified" in detail and "Vendor documentation, 2026" in detail
    assert {"tool.submit", "tool.approve", "tool.publish"} <= set(audit_actions(app))


def test_publishing_needs_every_criterion_and_a_source(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "submit")
    response = approve(bob, tool_id, criteria=3)
    assert response.status_code == 409
    assert "meets every inclusion criterion" in response.get_data(as_text=True)
    response = approve(bob, tool_id, sources="")
    assert response.status_code == 400
    response = approve(bob, tool_id, verified_on="2999-01-01")
    assert response.status_code == 400 and "cannot be in the future" in response.get_data(as_text=True)
    assert tool(app, tool_id).status == "in_review"


def test_self_approval_works_only_when_an_admin_allows_it(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "submit")
    assert approve(alice, tool_id).status_code == 409
    assert tool(app, tool_id).status == "in_review"

    admin = signed_in(app, "admin")
    token = csrf_token(admin, "/curation/settings")
    assert admin.post("/curation/settings", data={"csrf_token": token, "allow_self_approval": "y"}).status_code == 303
    assert approve(alice, tool_id).status_code == 303
    assert tool(app, tool_id).status == "published"
    with app.app_context():
        details = [e.detail for e in db.session.scalars(db.select(AuditEvent).filter_by(action="tool.approve"))]
    assert details == ["self-approved (allowed by setting)"]
    assert "settings.change" in audit_actions(app)


def test_a_reviewer_who_edited_the_entry_cannot_approve_it(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "submit")
    token = csrf_token(bob, f"/curation/tools/{tool_id}/edit")
    version = version_on(bob, f"/curation/tools/{tool_id}/edit")
    bob.post(f"/curation/tools/{tool_id}/edit", data={**editor_data(summary="Bob's rewrite."), "csrf_token": token,
                                                      "version": version})
    response = approve(bob, tool_id)
    assert "You wrote part of the text under review" in response.get_data(as_text=True)
    assert tool(app, tool_id).status == "in_review"


def test_returning_an_entry_shows_the_comments_to_its_author(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "submit")
    assert post_step(bob, tool_id, "return", note="").status_code == 400
    assert post_step(bob, tool_id, "return", note="Name the vendor's source.").status_code == 303
    assert tool(app, tool_id).status == "draft"
    dashboard = alice.get("/curation/").get_data(as_text=True)
    assert "Name the vendor&#39;s source." in dashboard
    assert "tool.return" in audit_actions(app)


def test_unpublish_archive_and_reopen_follow_the_catalogue_and_search(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice, name="Lantern Hash Matcher")
    post_step(alice, tool_id, "submit")
    approve(bob, tool_id)
    slug = tool(app, tool_id).slug
    visitor = app.test_client()
    assert visitor.get(f"/tools/{slug}").status_code == 200

    assert post_step(alice, tool_id, "unpublish", note="").status_code == 400
    assert post_step(alice, tool_id, "unpublish", note="Vendor withdrew it").status_code == 303
    assert visitor.get(f"/tools/{slug}").status_code == 404
    assert "Lantern Hash Matcher" not in visitor.get("/tools/?q=lantern").get_data(as_text=True)

    assert post_step(alice, tool_id, "archive", note="Discontinued").status_code == 303
    assert tool(app, tool_id).status == "archived"
    assert post_step(alice, tool_id, "reopen").status_code == 303
    assert tool(app, tool_id).status == "draft"
    assert {"tool.unpublish", "tool.archive", "tool.reopen"} <= set(audit_actions(app))
    history = alice.get(f"/curation/tools/{tool_id}/history").get_data(as_text=True)
    for words in ("Created", "Submitted for review", "Approved and published", "Unpublished", "Archived", "Reopened"):
        assert words in history


def test_a_step_taken_on_an_outdated_page_changes_nothing(app):
    alice, bob = curator_clients(app, "alice@harbour-police.example", "bob@harbour-police.example")
    tool_id = create_draft(alice)
    post_step(alice, tool_id, "submit")
    page = f"/curation/tools/{tool_id}/review"
    token, old_version = csrf_token(bob, page), version_on(bob, page)
    post_step(alice, tool_id, "return", note="Wait, one more fix")
    response = bob.post(page, data={"csrf_token": token, "version": old_version, "criteria": ["1", "2", "3", "4"],
                                    "sources": "Docs", "verified_on": "2026-01-01"})
    assert response.status_code == 409
    assert "changed since you opened it" in response.get_data(as_text=True)
    assert tool(app, tool_id).status == "draft"


def test_members_cannot_open_curation(app):
    member = signed_in(app, "member")
    assert member.get("/curation/").status_code == 403
    assert 'href="/curation/"' not in member.get("/").get_data(as_text=True)
