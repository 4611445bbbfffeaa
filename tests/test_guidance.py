"""Guidance pages: curated like tools, shown beside the tools they concern, filtered and searched with them."""

from __future__ import annotations

import json
import re

import pytest

from catalogue.curation.demo import DEMO_DIR, load_demo_guidance
from catalogue.extensions import db
from catalogue.models import AuditEvent, GuidancePage, GuidanceRevision
from tests.auth import csrf_token
from tests.curation_helpers import approve, curator_clients, post_step, version_on
from tests.factories import make_tools, tool_record

PRINCIPLES = ("lawfulness", "minimisation-of-harm", "human-autonomy", "fairness", "good-governance")
RISKY_TECHNOLOGIES = ("face-analysis", "generative-ai", "nlp", "web-crawling", "geolocation", "blockchain-analysis")


def guidance_data(**fields):
    data = {"title": "Checking face matches", "slug": "", "topic": "technology",
            "summary": "What to check before acting on a face match.",
            "body": "## Before you start\n\nA match is **a lead**, not an identification.",
            "technologies": ["face-analysis"], "purposes": [], "data_types": [], "workflow_steps": [],
            "related": [], "note": "", "action": "save"}
    data.update(fields)
    return data


def create_guidance(client, **fields) -> int:
    token = csrf_token(client, "/curation/guidance/new")
    response = client.post("/curation/guidance/new", data={**guidance_data(**fields), "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def publish_guidance(app, **fields) -> int:
    """A guidance page written by one curator and approved by another, as the four-eyes rule needs."""
    writer, reviewer = curator_clients(app, f"writer{len(fields)}@harbour-police.example",
                                       f"reviewer{len(fields)}@harbour-police.example")
    page_id = create_guidance(writer, **fields)
    assert post_step(writer, page_id, "submit", kind="guidance").status_code == 303
    assert approve(reviewer, page_id, kind="guidance").status_code == 303
    return page_id


@pytest.fixture
def tools(app):
    with app.app_context():
        make_tools(tool_record("face-finder", name="Face Finder", technologies=["face-analysis"]),
                   tool_record("chat-sorter", name="Chat Sorter", technologies=["nlp"]),
                   tool_record("face-and-chat", name="Face And Chat", technologies=["face-analysis", "nlp"],
                               workflow_steps=["victim-identification"]),
                   tool_record("draft-face", name="Draft Face", technologies=["face-analysis"], status="draft"))


def test_published_guidance_shows_on_the_tools_it_concerns_and_lists_them(app, tools):
    publish_guidance(app)
    client = app.test_client()
    face = client.get("/tools/face-finder").get_data(as_text=True)
    assert "Before you use this tool" in face and "Checking face matches" in face
    assert "Before you use this tool" not in client.get("/tools/chat-sorter").get_data(as_text=True)
    page = client.get("/guidance/checking-face-matches").get_data(as_text=True)
    assert "<strong>a lead</strong>" in page
    listed = re.findall(r'<li><a href="/tools/([a-z-]+)">', page)
    assert listed == ["face-and-chat", "face-finder"]  # published ones only, by name
    assert "List all 2 tools in the catalogue" in page


def test_the_guidance_facet_lists_exactly_the_tools_a_page_concerns(app, tools):
    publish_guidance(app)
    publish_guidance(app, title="Reading chat scores", technologies=["nlp"], summary="Chat scores.")
    client = app.test_client()
    html = client.get("/tools/?guidance=checking-face-matches").get_data(as_text=True)
    assert "Showing 1–2 of 2 tools" in html
    assert "Face Finder" in html and "Face And Chat" in html and "Chat Sorter" not in html
    both = client.get("/tools/?guidance=checking-face-matches&guidance=reading-chat-scores").get_data(as_text=True)
    assert "Showing 1–3 of 3 tools" in both  # values of one facet add up
    narrowed = client.get("/tools/?guidance=reading-chat-scores&technologies=face-analysis").get_data(as_text=True)
    assert "Showing 1–1 of 1 tools" in narrowed or "Showing 1–1 of 1 tool" in narrowed
    facet = re.search(r'id="f-guidance-checking-face-matches"[^>]*>\s*<label[^>]*>Checking face matches '
                      r'<span class="count">\((\d+)\)', client.get("/tools/").get_data(as_text=True))
    assert facet and facet.group(1) == "2"
    assert client.get("/tools/?guidance=no-such-page").status_code == 200  # ignored, said so


def test_guidance_is_found_from_the_catalogue_search_box_and_leaves_when_unpublished(app, tools):
    page_id = publish_guidance(app, body="Candidate lists need a **second examiner** before any arrest.")
    client = app.test_client()
    html = client.get("/tools/?q=examiner").get_data(as_text=True)
    assert "Guidance (1)" in html and "Checking face matches" in html
    assert "1 page matches" in client.get("/guidance/?q=examiner").get_data(as_text=True)
    (editor,) = curator_clients(app, "editor@harbour-police.example")
    assert post_step(editor, page_id, "unpublish", kind="guidance", note="Outdated").status_code == 303
    assert "Guidance (1)" not in client.get("/tools/?q=examiner").get_data(as_text=True)
    assert client.get("/guidance/checking-face-matches").status_code == 404


def test_guidance_goes_through_four_eyes_review_with_revisions(app):
    writer, reviewer = curator_clients(app, "writer@harbour-police.example", "reviewer@harbour-police.example")
    page_id = create_guidance(writer)
    assert app.test_client().get("/guidance/checking-face-matches").status_code == 404  # a draft
    assert post_step(writer, page_id, "submit", kind="guidance").status_code == 303
    refused = approve(writer, page_id, kind="guidance")
    assert refused.status_code == 200 or refused.status_code == 409
    assert "another curator must review it" in refused.get_data(as_text=True)
    too_few = approve(reviewer, page_id, kind="guidance", criteria=2)
    assert too_few.status_code == 409
    assert approve(reviewer, page_id, kind="guidance").status_code == 303
    with app.app_context():
        page = db.session.get(GuidancePage, page_id)
        assert (page.status, page.last_reviewed.isoformat()) == ("published", "2026-01-15")
        actions = [r.action for r in db.session.scalars(db.select(GuidanceRevision).filter_by(guidance_id=page_id)
                                                        .order_by(GuidanceRevision.number))]
        assert actions == ["created", "submitted", "approved"]
        events = {e.action for e in db.session.scalars(db.select(AuditEvent))}
        assert {"guidance.create", "guidance.submit", "guidance.approve", "guidance.publish"} <= events
    history = writer.get(f"/curation/guidance/{page_id}/history").get_data(as_text=True)
    assert "Revision 3" in history
    compare = writer.get(f"/curation/guidance/{page_id}/compare?old=1&new=3").get_data(as_text=True)
    assert "Status" in compare and "Published" in compare


def test_the_guidance_editor_keeps_input_refuses_stale_saves_and_strips_markup(app):
    writer, other = curator_clients(app, "writer@harbour-police.example", "other@harbour-police.example")
    token = csrf_token(writer, "/curation/guidance/new")
    missing = writer.post("/curation/guidance/new", data={**guidance_data(topic="", body="Kept text"),
                                                          "csrf_token": token})
    assert missing.status_code == 400
    assert "Kept text" in missing.get_data(as_text=True)
    page_id = create_guidance(writer, body='Hello <script>alert(1)</script><img src=x onerror="alert(2)"> **world**')
    edit = f"/curation/guidance/{page_id}/edit"
    stale = version_on(writer, edit)
    token = csrf_token(other, edit)
    assert other.post(edit, data={**guidance_data(summary="Their summary"), "version": version_on(other, edit),
                                  "csrf_token": token}).status_code == 303
    token = csrf_token(writer, edit)
    conflict = writer.post(edit, data={**guidance_data(summary="My summary"), "version": stale, "csrf_token": token})
    assert conflict.status_code == 409
    text = conflict.get_data(as_text=True)
    assert "Their summary" in text and "My summary" in text
    with app.app_context():
        page = db.session.get(GuidancePage, page_id)
        assert page.summary == "Their summary"
    with app.app_context():
        body = db.session.scalars(db.select(GuidanceRevision.snapshot).filter_by(guidance_id=page_id, number=1)).one()
        assert "<script" not in body["body"] and "onerror" not in body["body"] and "**world**" in body["body"]


def test_the_workflow_page_counts_equal_the_catalogue(demo_app):
    client = demo_app.test_client()
    html = client.get("/workflow").get_data(as_text=True)
    steps = re.findall(r'<a href="/tools/\?workflow_steps=([a-z-]+)">(\d+) tools?</a>', html)
    assert len(steps) == 8
    for slug, count in steps:
        catalogue = client.get(f"/tools/?workflow_steps={slug}").get_data(as_text=True)
        assert re.search(rf"of {count} tools?\b", catalogue), slug
    cells = re.findall(r'href="/tools/\?workflow_steps=([a-z-]+)&amp;technologies=([a-z-]+)"[^>]*>(\d+)', html)
    assert len(cells) > 20
    for step, technology, count in cells[::7]:
        catalogue = client.get(f"/tools/?workflow_steps={step}&technologies={technology}").get_data(as_text=True)
        assert re.search(rf"of {count} tools?\b", catalogue), (step, technology)
    assert "combinations have no tool" in html


def test_demo_guidance_covers_the_principles_and_every_risky_technology(app):
    with app.app_context():
        added = load_demo_guidance()
        assert added >= 16 and load_demo_guidance() == 0  # loading twice changes nothing
        pages = db.session.scalars(db.select(GuidancePage)).all()
        assert all(page.demo and page.status == "published" for page in pages)
        principles = {page.slug for page in pages if page.topic == "principles"}
        assert principles == {f"principle-{name}" for name in PRINCIPLES}
        covered = {t.slug for page in pages if page.topic == "technology" for t in page.terms_in("technologies")}
        assert set(RISKY_TECHNOLOGIES) <= covered
        assert {"wellbeing-for-material-reviewers", "procurement-checklist"} <= {page.slug for page in pages}
        assert all(len(page.body.split()) > 400 for page in pages)
        steps = {t.slug for page in pages for t in page.terms_in("workflow_steps")}
        assert len(steps) == 8  # every workflow step has guidance
    for path in DEMO_DIR.glob("*.json"):
        assert json.loads(path.read_text(encoding="utf-8"))["demo"] is True


def test_trainings_are_found_from_the_catalogue_search_box(demo_app):
    from catalogue.models import Training

    with demo_app.app_context():
        training = db.session.scalars(db.select(Training).filter_by(status="published").order_by(Training.id)).first()
        title = training.title
        word = max(re.findall(r"[A-Za-z]{6,}", title), key=len)
    html = demo_app.test_client().get(f"/tools/?q={word}").get_data(as_text=True)
    assert re.search(r"Trainings \(\d+\)", html) and title in html
