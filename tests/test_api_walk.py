"""Walking /api/v1/tools with the cursor while the catalogue changes: the cursor is a keyset (the last tool's sort
value and id), so a tool published mid-walk never makes the walk give a tool twice or skip one that was there when
it began, whatever the sort. Filter values the catalogue does not know are refused, naming them; a merged term
counts as the term it was merged into."""

from __future__ import annotations

import pytest

from catalogue.extensions import db
from catalogue.models import Term, Tool
from catalogue.vocabularies.services import merge_term
from tests.factories import make_tools, make_user, tool_record


def walk(client, query: dict[str, str], after_first_page=None) -> list[str]:
    """Every slug the walk gives, in order; ``after_first_page`` changes the catalogue once the first page is read."""
    seen, cursor, first = [], None, True
    while True:
        answer = client.get("/api/v1/tools", query_string={**query, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.json
        body = answer.json
        seen += [result["slug"] for result in body["results"]]
        if first and after_first_page:
            after_first_page()
        first = False
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


@pytest.mark.parametrize("query", [
    {"sort": "name", "limit": "5"},
    {"sort": "updated", "limit": "5"},
    {"q": "image", "limit": "3"},  # relevance: the words' rarity changes with every tool published
])
def test_a_tool_published_mid_walk_makes_no_tool_repeat_or_go_missing(demo_app, query):
    client = demo_app.test_client()
    before = walk(client, query)
    assert len(before) > 10 and len(before) == len(set(before))

    def publish() -> None:
        with demo_app.app_context():
            make_tools(tool_record("aaa-early-image-tool", name="AAA Early Image Tool",
                                   summary="Image matching image hashes image image."),
                       tool_record("zzz-late-image-tool", name="Zzz Late Image Tool",
                                   summary="Image classification for image triage."))

    seen = walk(client, query, publish)
    assert len(seen) == len(set(seen)), "a tool was given twice"
    assert set(before) <= set(seen), f"skipped: {set(before) - set(seen)}"
    assert set(seen) - set(before) <= {"aaa-early-image-tool", "zzz-late-image-tool"}
    count = client.get("/api/v1/tools", query_string=query).json["count"]
    assert count == len(before) + 2  # the count and facets follow the catalogue at once


def test_a_tool_unpublished_mid_walk_is_left_out_and_nothing_shifts(demo_app):
    client = demo_app.test_client()
    query = {"sort": "name", "limit": "4"}
    before = walk(client, query)
    gone = before[-1]

    def withdraw() -> None:
        with demo_app.app_context():
            db.session.scalar(db.select(Tool).filter_by(slug=gone)).status = "archived"
            db.session.commit()

    seen = walk(client, query, withdraw)
    assert len(seen) == len(set(seen))
    assert set(seen) == set(before) - {gone}


def test_a_page_of_the_walk_answers_from_the_kept_search(demo_app, monkeypatch):
    """Pages after the first reuse the count, facets and order of the first while nothing changed."""
    from catalogue.search import service
    from catalogue.search import walk as walking

    walking.forget()
    client = demo_app.test_client()
    first = client.get("/api/v1/tools", query_string={"limit": "5", "q": "image"}).json
    calls = []
    real = service.search
    monkeypatch.setattr(walking, "search", lambda *a, **k: calls.append(a) or real(*a, **k))
    second = client.get("/api/v1/tools", query_string={"limit": "5", "q": "image",
                                                       "cursor": first["next_cursor"]}).json
    assert calls == [] and second["facets"] == first["facets"] and second["count"] == first["count"]
    assert not {r["slug"] for r in first["results"]} & {r["slug"] for r in second["results"]}


def test_unknown_filter_values_are_refused_naming_them_and_a_merged_term_counts_as_its_survivor(demo_app):
    client = demo_app.test_client()
    answer = client.get("/api/v1/tools", query_string=[("purposes", "no-such-purpose"), ("deployment", "cloud"),
                                                        ("deployment", "on-premises")])
    assert answer.status_code == 400 and answer.mimetype == "application/problem+json"
    assert set(answer.json["errors"]) == {"purposes", "deployment"}
    assert "no-such-purpose" in answer.json["detail"] and "cloud" in answer.json["detail"]
    assert "on-premises" not in answer.json["detail"]

    with demo_app.app_context():
        source = db.session.scalar(db.select(Term).filter_by(slug="referral-triage"))
        target = next(t for t in source.vocabulary.terms if t.slug != source.slug and not t.merged_into_id)
        target_slug = target.slug
        merge_term(source, target, make_user("admin"))
        db.session.commit()
    merged = client.get("/api/v1/tools", query_string={"purposes": "referral-triage", "limit": "100"})
    survivor = client.get("/api/v1/tools", query_string={"purposes": target_slug, "limit": "100"})
    assert merged.status_code == 200 and merged.json["count"] == survivor.json["count"] > 0
    assert merged.json["results"] == survivor.json["results"]
    selected = [item["name"] for item in merged.json["facets"]["purposes"]["items"] if item["selected"]]
    assert selected == [target_slug]


@pytest.mark.degraded_search
def test_a_walk_whose_index_goes_away_is_told_to_retry_rather_than_restarted(demo_app, monkeypatch):
    from catalogue.search import store

    client = demo_app.test_client()
    first = client.get("/api/v1/tools", query_string={"sort": "name", "limit": "5"}).json
    monkeypatch.setattr(store, "rebuild_in_background", lambda: None)
    with demo_app.app_context():
        (store.root() / "CURRENT").unlink()
        store.forget_all()
    degraded = client.get("/api/v1/tools", query_string={"sort": "name", "limit": "5"})
    assert degraded.status_code == 200 and degraded.json["degraded"] is True
    later = client.get("/api/v1/tools", query_string={"sort": "name", "limit": "5", "cursor": first["next_cursor"]})
    assert later.status_code == 503 and later.mimetype == "application/problem+json"
    assert 0 < int(later.headers["Retry-After"]) <= 60  # seconds, however long the limiter's window has left
