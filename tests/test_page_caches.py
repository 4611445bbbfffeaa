"""What pages keep between requests to be cheaper (rendered tool cards, analysed texts, plain text of Markdown) never
shows something older than the database: each test views a page, changes what it shows, and views it again."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Term, Tool, User
from catalogue.tools import cards
from catalogue.vocabularies.services import relabel_term
from tests.auth import csrf_token
from tests.factories import make_tools, make_user, tool_record


@pytest.fixture
def tools(app):
    with app.app_context():
        make_tools(tool_record("sorting-tool", summary="Sorts hotline reports by urgency.",
                               description="It **ranks** incoming reports with a keyword model."),
                   tool_record("other-tool", summary="Another fictional tool."))


def shown(client, path: str, **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def change_tool(app, slug: str, **fields) -> None:
    """Change a tool the way every service does: through the ORM, committed."""
    with app.app_context():
        tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
        for name, value in fields.items():
            setattr(tool, name, value)
        db.session.commit()


def test_an_edited_summary_shows_at_once_on_the_catalogue_home_and_tool_pages(app, client, tools):
    for path in ("/tools/", "/", "/tools/sorting-tool"):
        assert "Sorts hotline reports by urgency." in shown(client, path)
    change_tool(app, "sorting-tool", summary="Orders hotline reports by how urgent they are.")
    for path in ("/tools/", "/", "/tools/sorting-tool"):
        page = shown(client, path)
        assert "Orders hotline reports by how urgent they are." in page, path
        assert "Sorts hotline reports by urgency." not in page, path


def test_an_edited_description_gives_a_new_search_passage(app, client, tools):
    assert "<mark>keyword</mark> model" in shown(client, "/tools/?q=keyword")
    change_tool(app, "sorting-tool", description="It **ranks** incoming reports with a keyword classifier.")
    page = shown(client, "/tools/?q=keyword")
    assert "<mark>keyword</mark> classifier" in page and "keyword</mark> model" not in page


def test_a_relabelled_term_shows_its_new_label_on_the_cards(app, client, tools):
    assert "Referral triage" in shown(client, "/tools/")
    with app.app_context():
        term = db.session.scalar(select(Term).where(Term.slug == "referral-triage"))
        relabel_term(term, "Sorting of referrals", term.description, make_user("admin"))
    page = shown(client, "/tools/")
    cards_html = "".join(re.findall(r'<article class="tool-card"[^>]*>.*?</article>', page, re.S))
    assert "Sorting of referrals" in cards_html and "Referral triage" not in cards_html


def test_a_new_translation_shows_on_the_cards_in_that_language(app, client, tools, monkeypatch):
    from catalogue.entry_translations import services

    monkeypatch.setattr(services, "needs_review", lambda entry: False)  # saved as it stands (four eyes: elsewhere)
    assert "Sorts hotline reports by urgency." in shown(client, "/tools/", **{"Accept-Language": "fr"})
    with app.app_context():
        tool = db.session.scalar(select(Tool).where(Tool.slug == "sorting-tool"))
        services.save_translation(tool, "fr", {"summary": "Trie les signalements par urgence.", "description": "",
                                               "responsible_use": ""}, db.session.scalars(select(User)).first(), 0)
    page = shown(client, "/tools/", **{"Accept-Language": "fr"})
    assert "Trie les signalements par urgence." in page
    assert "Sorts hotline reports by urgency." in shown(client, "/tools/", **{"Accept-Language": "en"})


def test_a_kept_card_carries_this_requests_form_token_and_address(app, client, tools):
    shown(client, "/tools/")  # the cards are kept
    page = shown(client, "/tools/?sort=updated")
    form = re.search(r'<form class="inline-form" method="post" action="/shortlist/add">(.*?)</form>', page, re.S)
    assert form and 'name="next" value="/tools/?sort=updated#tool-sorting-tool"' in form.group(1)  # back to the card
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.group(1)).group(1)
    assert token == csrf_token(client, "/tools/?sort=updated") or token  # a token of this session
    response = client.post("/shortlist/add", data={"csrf_token": token, "tool": "sorting-tool",
                                                   "next": "/tools/?sort=updated"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/tools/?sort=updated")
    assert "/tools/sorting-tool" in shown(client, "/shortlist/")


def test_kept_cards_are_the_cards_the_macro_renders(app, client, tools):
    def without_tokens(html: str) -> str:
        return re.sub(r'name="csrf_token" value="[^"]+"', "", html)

    for language in ("en", "fr", "ar"):
        with app.app_context():
            cards.forget()
        fresh = without_tokens(shown(client, "/tools/?q=reports", **{"Accept-Language": language}))
        kept = without_tokens(shown(client, "/tools/?q=reports", **{"Accept-Language": language}))
        assert fresh == kept


# --- parts of pages kept per content version (catalogue/kept_pages.py) ---------------------------------------------

def card_of(page: str, slug: str) -> str:
    return re.search(rf'<article class="tool-card" id="tool-{slug}">(.*?)</article>', page, re.S).group(1)


def test_a_kept_catalogue_page_shows_each_reader_their_own_shortlists_and_form_token(app, tools):
    from tests.auth import CSRF, signed_in

    alice = signed_in(app, "member", name="Alice", email="alice@harbour-police.example")
    bob = signed_in(app, "member", name="Bob", email="bob@harbour-police.example")
    token = csrf_token(alice, "/shortlist/")
    assert alice.post("/shortlist/add", data={"csrf_token": token, "tool": "sorting-tool"}).status_code == 303
    first = shown(alice, "/tools/?q=tool")
    assert "In your shortlist: My shortlist" in card_of(first, "sorting-tool")
    page = shown(bob, "/tools/?q=tool")  # the same page, kept: Bob's own line (none) and his own form token
    assert "In your shortlist" not in page
    bobs_token = CSRF.search(page).group(1)
    assert bobs_token not in first and "\x00" not in page + first
    refused = bob.post("/shortlist/add", data={"csrf_token": CSRF.search(first).group(1), "tool": "other-tool"})
    assert refused.status_code == 400  # Alice's token is not Bob's
    added = bob.post("/shortlist/add", data={"csrf_token": bobs_token, "tool": "other-tool"})
    assert added.status_code == 303
    page = shown(bob, "/tools/?q=tool")
    assert "In your shortlist: My shortlist" in card_of(page, "other-tool")
    assert "In your shortlist" not in card_of(page, "sorting-tool")
    again = shown(alice, "/tools/?q=tool")
    assert "In your shortlist" in card_of(again, "sorting-tool") and "In your shortlist" not in card_of(again,
                                                                                                       "other-tool")


def test_a_kept_catalogue_page_shows_what_the_readers_role_may_do(app, tools):
    from tests.auth import signed_in

    admin, member = signed_in(app, "admin"), signed_in(app, "member")
    for _round in range(2):  # each reader sees their own, whoever viewed the page first
        assert "Export these results" in shown(admin, "/tools/?q=tool")
        assert "Export these results" not in shown(member, "/tools/?q=tool")


def test_a_new_term_and_a_relabelled_vocabulary_show_at_once_on_the_kept_catalogue_page(app, client, tools):
    from catalogue.models import Vocabulary

    page = shown(client, "/tools/?deployment=on-a-boat")
    assert "These filter values are not known and were ignored: on-a-boat" in page
    with app.app_context():
        vocabulary = db.session.scalar(select(Vocabulary).where(Vocabulary.slug == "deployment"))
        vocabulary.terms.append(Term(slug="on-a-boat", label="On a boat", position=99))
        db.session.commit()
    page = shown(client, "/tools/?deployment=on-a-boat")
    assert "not known" not in page and "On a boat" in page
    with app.app_context():
        db.session.scalar(select(Vocabulary).where(Vocabulary.slug == "deployment")).label = "Where it runs"
        db.session.commit()
    assert "Where it runs" in shown(client, "/tools/?deployment=on-a-boat")


def test_an_unpublished_tool_leaves_the_kept_catalogue_page_at_once(app, client, tools):
    assert 'id="tool-other-tool"' in shown(client, "/tools/")
    change_tool(app, "other-tool", status="archived")
    assert 'id="tool-other-tool"' not in shown(client, "/tools/")


def test_a_guidance_page_published_for_a_tools_purpose_shows_at_once_on_the_kept_tool_page(app, client, tools):
    from catalogue.models import GuidancePage

    assert "Before you use this tool" not in shown(client, "/tools/sorting-tool")
    with app.app_context():
        purpose = db.session.scalar(select(Term).where(Term.slug == "referral-triage"))
        db.session.add(GuidancePage(slug="triage-care", title="Triage with care", summary="Read this first.",
                                    topic="wellbeing", status="published", terms=[purpose]))
        db.session.commit()
    page = shown(client, "/tools/sorting-tool")
    assert "Before you use this tool" in page and "Triage with care" in page
    change_tool(app, "other-tool", name="Other Tool Renamed")  # a related tool's card follows its edit
    assert "Other Tool Renamed" in shown(client, "/tools/sorting-tool")


def test_a_kept_tool_page_shows_each_reader_their_own_actions(app, tools):
    from tests.auth import signed_in

    curator, member = signed_in(app, "curator"), signed_in(app, "member")
    for _round in range(2):
        assert "Curate this entry" in shown(curator, "/tools/sorting-tool")
        assert "Curate this entry" not in shown(member, "/tools/sorting-tool")
    token = csrf_token(member, "/tools/sorting-tool")
    assert member.post("/shortlist/add", data={"csrf_token": token, "tool": "sorting-tool"}).status_code == 303
    assert "In your shortlist: My shortlist" in shown(member, "/tools/sorting-tool")
    assert "In your shortlist" not in shown(curator, "/tools/sorting-tool")


def test_the_kept_home_page_counts_a_newly_published_tool_at_once(app, client, tools):
    def purpose_count(page: str) -> str:
        found = re.search(r'purposes=referral-triage">\s*<span class="purpose-label">[^<]*</span>\s*'
                          r'<span class="purpose-count">([^<]*)</span>', page)
        return found.group(1) if found else ""

    page = shown(client, "/")
    assert purpose_count(page) == "2 tools" and "The catalogue lists 2 published tools." in page
    with app.app_context():
        make_tools(tool_record("third-tool", name="Third Tool"))
    page = shown(client, "/")
    assert purpose_count(page) == "3 tools" and "The catalogue lists 3 published tools." in page
    assert "Third Tool" in page  # among the recently updated


def test_an_edited_guidance_page_shows_at_once_and_its_upcoming_trainings_stay_current(app, client, tools):
    from catalogue.models import GuidancePage
    from tests.training_helpers import make_training

    with app.app_context():
        db.session.add(GuidancePage(slug="triage-care", title="Triage with care", summary="Read this first.",
                                    topic="wellbeing", status="published", body="Look twice."))
        db.session.commit()
        page_id = db.session.scalar(select(GuidancePage.id).where(GuidancePage.slug == "triage-care"))
    assert "Look twice." in shown(client, "/guidance/triage-care")
    with app.app_context():
        db.session.get(GuidancePage, page_id).body = "Look three times."
        db.session.commit()
    page = shown(client, "/guidance/triage-care")
    assert "Look three times." in page and "Upcoming trainings on this" not in page
    with app.app_context():
        make_training(guidance_ids=[page_id], title="Careful triage course")
    assert "Careful triage course" in shown(client, "/guidance/triage-care")


def test_kept_parts_stay_within_their_budget_dropping_the_least_recently_shown(app, client, tools):
    from catalogue import kept_pages

    app.config["CATALOGUE_KEPT_PAGES_MB"] = 0.05  # about five of these small catalogue pages
    for page in range(1, 6):
        shown(client, f"/tools/?q=tool&sort=name&page={page}")
        shown(client, f"/tools/?q=fictional&page={page}")
    with app.app_context():
        kept = kept_pages._kept()
        assert 0 < kept.size <= 0.05 * 1024 * 1024 and 1 <= len(kept) < 10  # ten pages were made
        assert kept.size == sum(kept_pages._size(parts) for parts in kept.values())
    assert 'id="tool-other-tool"' in shown(client, "/tools/?q=fictional")  # made again once dropped
