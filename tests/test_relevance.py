"""The judged relevance set (tests/relevance/queries.json) on the demo catalogue: the file is valid and search keeps
at least the success@3 it has reached. Figures per kind: ``.venv/bin/python -m benchmarks.relevance``."""

from __future__ import annotations

from collections import Counter

import pytest

from benchmarks.relevance import (
    KINDS,
    LANGUAGES,
    Judged,
    demo_tools,
    load_judged,
    ndcg_at,
    run_all,
    summarise,
    validate,
    vocabulary_terms,
)
from tests.conftest import read_only_demo

# The overall success@3 reached so far, rounded down. Raise it when search improves; never lower it to pass.
SUCCESS_AT_3_FLOOR = 0.97  # 0.326 before the search-as-asked work (docs/search.md "Relevance")
MIN_QUERIES = 80
MIN_PER_KIND = 8


@pytest.fixture(scope="module")
def relevance_app(tmp_path_factory, demo_data_dir):
    """One copy of the demo catalogue for the whole module: the queries only read it."""
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "relevance")


def test_judged_set_is_valid_and_covers_every_kind_and_language():
    judged = load_judged()  # raises, listing every unknown tool, term, kind or language
    assert len(judged) >= MIN_QUERIES
    kinds = Counter(item.kind for item in judged)
    assert {kind: kinds[kind] for kind in KINDS if kinds[kind] < MIN_PER_KIND} == {}
    assert set(LANGUAGES) <= {item.language for item in judged}
    tools = demo_tools()
    assert all(slug in tools for item in judged for slug in item.relevant)


def test_validation_names_unknown_tools_terms_and_filters_that_exclude_the_answer():
    bad = [
        Judged("hash", "name", {"no-such-tool": 2}),
        Judged("hash", "filtered", {"zephyr-hash": 3}, filters={"deployment": ["moon-base"], "colour": ["red"]}),
        Judged("grooming", "filtered", {"undertow": 2}, filters={"deployment": ["mobile"]}),
        Judged("hachage", "fr", {"zephyr-hash": 2}),
        Judged("hash", "poetry", {"zephyr-hash": 2}, language="xx"),
    ]
    problems = "\n".join(validate(bad, demo_tools(), vocabulary_terms()))
    for expected in ("unknown tool 'no-such-tool'", "grade 3", "unknown term 'moon-base'", "unknown vocabulary "
                     "'colour'", "'undertow' is excluded by its own filter", "must have language 'fr'",
                     "unknown kind 'poetry'", "unknown language 'xx'"):
        assert expected in problems


def test_ndcg_rewards_the_better_tool_first():
    relevant = {"a": 2, "b": 1}
    assert ndcg_at(["a", "b"], relevant) == pytest.approx(1.0)
    assert ndcg_at(["b", "a"], relevant) < 1.0
    assert ndcg_at(["x", "y"], relevant) == 0.0


def test_search_keeps_its_success_at_3_on_the_judged_set(relevance_app):
    outcomes = run_all(relevance_app, load_judged())
    summary = summarise(outcomes)
    overall = summary["overall"]["success_at_3"]
    per_kind = {kind: round(figures["success_at_3"], 3) for kind, figures in summary["kinds"].items()}
    assert overall >= SUCCESS_AT_3_FLOOR, f"success@3 {overall:.3f} below {SUCCESS_AT_3_FLOOR}; per kind {per_kind}"
