"""Administrators manage vocabularies: add, relabel, reorder, retire, reinstate and merge terms."""

from __future__ import annotations

import re

import pytest

from catalogue.extensions import db
from catalogue.models import AuditEvent, Term, Tool, ToolRevision, Vocabulary
from catalogue.taxonomy import current_terms
from tests.auth import csrf_token, signed_in
from tests.factories import make_tools, tool_record

BASE = "/admin/vocabularies"
PURPOSES_ONLY = "Choose a term from the list: only terms of Purpose can be merged into."
PURPOSES = f"{BASE}/purposes"


@pytest.fixture
def admin_client(app):
    return signed_in(app, "admin", email="admin@harbour-police.example")


def post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, PURPOSES)})


def page_after(client, response) -> str:
    """The page a POST redirected to, with its flashed message."""
    assert response.status_code == 303, response.status_code
    return client.get(response.headers["Location"]).get_data(as_text=True)


def row_of(html: str, slug: str) -> str:
    row = html[html.index(f"<code>{slug}</code>"):]
    return row[:row.index("</tr>")]


def term(app, vocabulary="purposes", slug="referral-triage") -> Term:
    with app.app_context():
        found = db.session.scalar(db.select(Term).join(Vocabulary).filter(Vocabulary.slug == vocabulary,
                                                                          Term.slug == slug))
        db.session.expunge(found)
        return found


def slugs_in_order(app, vocabulary="purposes") -> list[str]:
    with app.app_context():
        query = (db.select(Term.slug).join(Vocabulary)
                 .where(Vocabulary.slug == vocabulary, Term.merged_into_id.is_(None)).order_by(Term.position))
        return list(db.session.scalars(query))


def events(app, action: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = db.session.scalars(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id))
        return [(e.actor, e.target, e.detail) for e in found]


def term_slugs_of(app, tool_slug: str, vocabulary: str = "purposes") -> list[str]:
    with app.app_context():
        tool = db.session.scalar(db.select(Tool).filter_by(slug=tool_slug))
        return [t.slug for t in tool.terms_in(vocabulary)]


def result_count(client, query: str) -> int:
    """How many tools the catalogue says it found."""
    html = client.get(f"/tools/?{query}").get_data(as_text=True)
    if "No published tools match." in html:
        return 0
    match = re.search(r"Showing \d+–\d+ of (\d+) tools", html)
    assert match, html
    return int(match.group(1))


def test_the_list_shows_every_vocabulary_with_its_terms_counted(admin_client):
    html = admin_client.get(f"{BASE}/").get_data(as_text=True)
    assert f'href="{PURPOSES}">Purpose</a>' in html
    assert 'href="/admin/vocabularies/maturity"' in html and "One term per tool" in html
    assert '<td>16</td>' in html  # the seeded purposes
    assert 'href="/admin/vocabularies/"' in admin_client.get("/admin/audit").get_data(as_text=True)


def test_the_vocabulary_page_lists_terms_in_order_with_how_many_tools_carry_them(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one"), tool_record("two", status="draft"))
    html = admin_client.get(PURPOSES).get_data(as_text=True)
    assert html.index("Known CSAM detection") < html.index("Referral triage") < html.index("Investigator wellbeing")
    row = row_of(html, "referral-triage")
    assert row.count("<td>2</td>") == 1 and "In use" in row  # a draft counts too
    first = row_of(html, "known-csam-detection")
    assert "Move up" not in first and "Move down" in first and "Add a term" in html


def test_adding_a_term_puts_it_last_and_is_audited(app, admin_client):
    response = post(admin_client, f"{PURPOSES}/terms", slug="risk-assessment", label="Risk assessment",
                    description="Scoring how urgent a case is.")
    assert "“Risk assessment” was added to Purpose." in page_after(admin_client, response)
    assert slugs_in_order(app)[-1] == "risk-assessment"
    assert term(app, slug="risk-assessment").description == "Scoring how urgent a case is."
    assert events(app, "vocabulary.term_add") == [
        ("admin@harbour-police.example", "term:purposes/risk-assessment", "Risk assessment")]


@pytest.mark.parametrize(("slug", "label", "message"), [
    ("referral-triage", "Triage again", "The term “Referral triage” already has the address “referral-triage”."),
    ("Risk Assessment", "Risk assessment", "Use lower-case letters a–z and digits"),
    ("risk--assessment", "Risk assessment", "Use lower-case letters a–z and digits"),
    ("-risk", "Risk assessment", "Use lower-case letters a–z and digits"),
    ("r" * 61, "Risk assessment", "Field cannot be longer than 60 characters."),
    ("risk-assessment", "   ", "Give the term a label."),
    ("risk-assessment", "x" * 121, "Field cannot be longer than 120 characters."),
    ("", "Risk assessment", "Give the term an address."),
])
def test_bad_new_terms_are_refused_with_a_reason_and_change_nothing(app, admin_client, slug, label, message):
    before = slugs_in_order(app)
    response = post(admin_client, f"{PURPOSES}/terms", slug=slug, label=label)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert slugs_in_order(app) == before
    assert events(app, "vocabulary.term_add") == []


def test_relabelling_changes_the_catalogue_filters_and_search_is_audited_and_needs_a_label(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one"))
    assert "Referral triage" in admin_client.get("/tools/").get_data(as_text=True)
    triage = term(app)
    path = f"{PURPOSES}/terms/{triage.id}"
    assert "referral-triage" in admin_client.get(path).get_data(as_text=True)
    response = post(admin_client, path, label=" ")  # an empty label changes nothing
    assert response.status_code == 400 and "Give the term a label." in response.get_data(as_text=True)
    assert term(app).label == "Referral triage" and events(app, "vocabulary.term_relabel") == []
    response = post(admin_client, path, label="Report prioritisation", description="Ordering reports.")
    assert "“Report prioritisation” was saved." in page_after(admin_client, response)
    catalogue = admin_client.get("/tools/").get_data(as_text=True)
    assert "Report prioritisation" in catalogue and "Referral triage" not in catalogue
    assert result_count(admin_client, "q=prioritisation") == 1  # the index holds the new label
    assert term(app).slug == "referral-triage"  # the address never changes
    assert events(app, "vocabulary.term_relabel") == [("admin@harbour-police.example", "term:purposes/referral-triage",
                                                       "“Referral triage” → “Report prioritisation”")]


def test_moving_swaps_a_term_with_its_neighbour_and_is_audited(app, admin_client):
    before = slugs_in_order(app)
    first = term(app, slug=before[0])
    response = post(admin_client, f"{PURPOSES}/terms/{first.id}/move", direction="down")
    assert "was moved down" in page_after(admin_client, response)
    assert slugs_in_order(app) == [before[1], before[0], *before[2:]]
    with app.app_context():
        positions = db.session.scalars(db.select(Term.position).join(Vocabulary).filter(Vocabulary.slug == "purposes")
                                       .order_by(Term.position))
        assert list(positions) == list(range(len(before)))
    assert len(events(app, "vocabulary.term_reorder")) == 1
    html = admin_client.get(PURPOSES).get_data(as_text=True)
    assert html.index(f"<code>{before[1]}</code>") < html.index(f"<code>{before[0]}</code>")


@pytest.mark.parametrize(("position", "direction", "message"), [
    (0, "up", "is already the first term."), (-1, "down", "is already the last term."),
    (0, "sideways", "Choose whether to move the term up or down."),
])
def test_moving_past_the_ends_is_refused(app, admin_client, position, direction, message):
    before = slugs_in_order(app)
    response = post(admin_client, f"{PURPOSES}/terms/{term(app, slug=before[position]).id}/move", direction=direction)
    assert message in page_after(admin_client, response)
    assert slugs_in_order(app) == before and events(app, "vocabulary.term_reorder") == []


def test_a_retired_term_stays_on_its_tools_but_is_not_offered_then_comes_back(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one"))
    triage = term(app)
    response = post(admin_client, f"{PURPOSES}/terms/{triage.id}/retire")
    page = page_after(admin_client, response)
    assert "“Referral triage” is retired" in page
    assert "Retired" in row_of(page, "referral-triage") and "Reinstate" in row_of(page, "referral-triage")
    assert term(app).retired
    assert "Referral triage" in admin_client.get("/tools/one").get_data(as_text=True)
    with app.app_context():
        purposes = db.session.scalar(db.select(Vocabulary).filter_by(slug="purposes"))
        assert "referral-triage" not in [t.slug for t in current_terms(purposes)]
    assert events(app, "vocabulary.term_retire") == [
        ("admin@harbour-police.example", "term:purposes/referral-triage", "")]

    response = post(admin_client, f"{PURPOSES}/terms/{triage.id}/retire")
    assert "is already retired" in page_after(admin_client, response)

    response = post(admin_client, f"{PURPOSES}/terms/{triage.id}/reinstate")
    assert "is offered to curators again" in page_after(admin_client, response)
    assert not term(app).retired and len(events(app, "vocabulary.term_reinstate")) == 1
    response = post(admin_client, f"{PURPOSES}/terms/{triage.id}/reinstate")
    assert "is not retired" in page_after(admin_client, response)
    assert len(events(app, "vocabulary.term_retire")) == 1 == len(events(app, "vocabulary.term_reinstate"))


def test_merging_moves_tools_to_the_surviving_term_and_search_follows(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one", purposes=["grooming-detection"]),
                   tool_record("two", purposes=["grooming-detection", "referral-triage"]),
                   tool_record("three", purposes=["referral-triage"]),
                   tool_record("four", purposes=["grooming-detection"]))
    assert result_count(admin_client, "purposes=referral-triage") == 2
    grooming, triage = term(app, slug="grooming-detection"), term(app, slug="referral-triage")
    path = f"{PURPOSES}/terms/{grooming.id}/merge"

    preview = admin_client.get(f"{path}?into={triage.id}").get_data(as_text=True)
    assert ("3 tools will move from “Grooming detection” to “Referral triage”; this cannot be undone except by "
            "editing the tools.") in preview
    assert "1 of them already carries “Referral triage” and only loses “Grooming detection”." in preview
    assert term(app, slug="grooming-detection").merged_into_id is None  # a preview changes nothing

    page = page_after(admin_client, post(admin_client, path, into=triage.id))
    assert "“Grooming detection” was merged into “Referral triage”; 3 tools moved." in page
    assert "Merged into “Referral triage”" in page

    assert result_count(admin_client, "purposes=referral-triage") == 4
    assert result_count(admin_client, "purposes=grooming-detection") == 0
    assert [term_slugs_of(app, slug) for slug in ("one", "two", "three", "four")] == [["referral-triage"]] * 4
    merged = term(app, slug="grooming-detection")
    assert merged.retired and merged.merged_into_id == triage.id
    with app.app_context():
        notes = db.session.scalars(db.select(ToolRevision.note).filter_by(action="vocabulary"))
        assert list(notes) == ["Term “Grooming detection” merged into “Referral triage”"] * 3
    assert events(app, "vocabulary.term_merge") == [
        ("admin@harbour-police.example", "term:purposes/grooming-detection", "into referral-triage; 3 tools moved")]


def test_merging_in_a_single_choice_vocabulary_replaces_the_term(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one", maturity="research"), tool_record("two", maturity="pilot"))
    research, pilot = term(app, "maturity", "research"), term(app, "maturity", "pilot")
    path = f"{BASE}/maturity/terms/{research.id}/merge"
    preview = admin_client.get(f"{path}?into={pilot.id}").get_data(as_text=True)
    assert "1 tool will move from “Research” to “Pilot”" in preview and "“Pilot” replaces “Research”" in preview
    post(admin_client, path, into=pilot.id)
    assert term_slugs_of(app, "one", "maturity") == ["pilot"] == term_slugs_of(app, "two", "maturity")
    assert term_slugs_of(app, "one") == ["referral-triage"]  # other vocabularies are untouched


def test_bad_merges_are_refused_and_change_nothing(app, admin_client):
    with app.app_context():
        make_tools(tool_record("one", purposes=["grooming-detection"]))
    grooming, triage = term(app, slug="grooming-detection"), term(app, slug="referral-triage")
    elsewhere = term(app, "crime_phases", "prevention")
    post(admin_client, f"{PURPOSES}/terms/{triage.id}/retire")
    path = f"{PURPOSES}/terms/{grooming.id}/merge"
    for into, message in [(grooming.id, "A term cannot be merged into itself."),
                          (elsewhere.id, PURPOSES_ONLY),
                          (triage.id, "“Referral triage” is retired or merged itself."),
                          (999999, PURPOSES_ONLY), ("²", PURPOSES_ONLY), (2**40, PURPOSES_ONLY),
                          ("", "Choose the term to merge into.")]:
        response = post(admin_client, path, into=into)
        assert response.status_code == 400 and message in response.get_data(as_text=True), into
        assert admin_client.get(f"{path}?into={into}").status_code == 400
    assert term(app, slug="grooming-detection").merged_into_id is None
    assert term_slugs_of(app, "one") == ["grooming-detection"]
    assert events(app, "vocabulary.term_merge") == []
    assert f'value="{triage.id}"' not in admin_client.get(path).get_data(as_text=True)  # retired: not offered


def test_a_merged_term_cannot_be_merged_again_reinstated_or_moved(app, admin_client):
    grooming, triage = term(app, slug="grooming-detection"), term(app, slug="referral-triage")
    path = f"{PURPOSES}/terms/{grooming.id}"
    post(admin_client, f"{path}/merge", into=triage.id)
    for action, message in [("reinstate", "cannot be reinstated"), ("move", "has no place in the list")]:
        response = post(admin_client, f"{path}/{action}", direction="up")
        assert message in page_after(admin_client, response)
    assert "was already merged" in page_after(admin_client, admin_client.get(f"{path}/merge"))
    merged = term(app, slug="grooming-detection")
    assert merged.retired and merged.merged_into_id == triage.id
    assert len(events(app, "vocabulary.term_merge")) == 1 and events(app, "vocabulary.term_reinstate") == []


def test_unknown_vocabularies_terms_and_terms_of_another_vocabulary_are_404(app, admin_client):
    elsewhere = term(app, "crime_phases", "prevention").id
    for path in [f"{BASE}/nonsense", f"{BASE}/nonsense/terms/{elsewhere}", f"{PURPOSES}/terms/999999",
                 f"{PURPOSES}/terms/{2**40}", f"{PURPOSES}/terms/{elsewhere}", f"{PURPOSES}/terms/{elsewhere}/merge"]:
        assert admin_client.get(path).status_code == 404, path
    for action in ("move", "retire", "reinstate", "merge"):
        path = f"{PURPOSES}/terms/{elsewhere}/{action}"
        assert post(admin_client, path, direction="up").status_code == 404, path
    assert post(admin_client, f"{BASE}/nonsense/terms").status_code == 404
    assert not term(app, "crime_phases", "prevention").retired


@pytest.mark.parametrize("role", ["member", "curator"])
def test_members_and_curators_may_not_manage_vocabularies(app, role):
    client = signed_in(app, role)
    assert client.get(PURPOSES).status_code == 403
    token = csrf_token(client, "/")
    assert client.post(f"{PURPOSES}/terms/{term(app).id}/retire", data={"csrf_token": token}).status_code == 403
    assert not term(app).retired
