"""Hypothesis over every API route's query parameters and the write bodies: only 2xx, 3xx or 4xx answers, and every
error a problem document (never HTML, never 500)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.auth import csrf_token
from tests.conftest import read_only_demo
from tests.curation_helpers import curator_clients

TOKEN = re.compile(r"cat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")
FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}
READS = ["/api/v1/tools", "/api/v1/tools/{slug}", "/api/v1/vocabularies", "/api/v1/guidance",
         "/api/v1/guidance/{slug}", "/api/v1/trainings", "/api/v1/changes", "/api/v1/{slug}"]
NAMES = ["q", "sort", "language", "limit", "cursor", "since", "purposes", "deployment", "cost_model", "x", ""]
text = st.text(st.characters(codec="utf-8"), max_size=40)
values = st.one_of(text, st.integers(-2**70, 2**70).map(str), st.sampled_from(
    ["fr", "ar", "name", "updated", "relevance", "100", "101", "0", "-1", "2026-01-01T00:00:00Z", "on-premises",
     "free", "eyJxIjoiMTIzIn0.abc", "\u202e", "%00", "1e999"]))
JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**80, 2**80) | st.floats(allow_nan=False) | text,
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
                    max_leaves=12)
FIELDS = ["name", "organisation", "summary", "purposes", "slug", "country", "website", "languages", "sources",
          "note", "continue_change", "allow_duplicates", "description", "deployment", "cost_model"]


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, demo_data_dir):
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "api-fuzz")


@pytest.fixture(scope="module")
def headers(fuzz_app):
    (curator,) = curator_clients(fuzz_app, "fuzz@harbour-police.example")
    page = curator.post("/account/tokens", data={"token-name": "fuzz", "token-days": "30", "token-curate": "y",
                                                 "csrf_token": csrf_token(curator, "/account/")})
    return {"Authorization": f"Bearer {TOKEN.search(page.get_data(as_text=True)).group(0)}"}


def check(answer) -> None:
    assert answer.status_code < 500, answer.get_data(as_text=True)[:500]
    if answer.status_code >= 400:
        assert answer.mimetype == "application/problem+json"
        body = answer.json
        assert body["status"] == answer.status_code and body["title"]


@settings(max_examples=150, **FUZZ)
@given(path=st.sampled_from(READS), slug=st.one_of(st.just("sample-tool"), text.filter(lambda s: "/" not in s)),
       query=st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=6))
def test_every_read_with_any_parameters_answers_without_error_pages(fuzz_app, headers, path, slug, query):
    url = path.replace("{slug}", slug.replace("?", "").replace("#", "") or "x")
    check(fuzz_app.test_client().get(url, query_string=query, headers=headers))


@settings(max_examples=150, **FUZZ)
@given(body=st.one_of(JSON, st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=8)),
       route=st.sampled_from(["post:/api/v1/tools", "patch:/api/v1/tools/no-such-tool",
                              "post:/api/v1/tools/no-such-tool/submit"]),
       if_match=st.sampled_from([None, '"v1"', "garbage", '"v99999999999"']))
def test_every_write_with_any_json_body_answers_with_a_problem_or_success(fuzz_app, headers, body, route, if_match):
    method, url = route.split(":", 1)
    extra = {"If-Match": if_match} if if_match else {}
    answer = fuzz_app.test_client().open(url, method=method.upper(), json=body, headers={**headers, **extra})
    check(answer)


@settings(max_examples=60, **FUZZ)
@given(name=st.sampled_from(["purposes", "deployment", "cost_model"]), value=text,
       stray=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=20))
def test_unknown_filter_values_and_parameters_are_400_naming_them(fuzz_app, headers, name, value, stray):
    client = fuzz_app.test_client()
    known = {term["name"] for vocabulary in client.get("/api/v1/vocabularies", headers=headers).json["vocabularies"]
             for term in vocabulary["terms"]}
    answer = client.get("/api/v1/tools", query_string=[(name, value)], headers=headers)
    check(answer)
    if value not in known and "\x00" not in value:
        assert answer.status_code == 400 and name in answer.json["errors"]
    if stray not in ("q", "sort", "language", "limit", "cursor", "purposes", "deployment", "cost_model") \
            and stray.strip() == stray and "&" not in stray and "=" not in stray:
        unknown = client.get("/api/v1/tools", query_string=[(stray, "x")], headers=headers)
        assert unknown.status_code == 400 and stray[:100] in unknown.json["errors"], stray
