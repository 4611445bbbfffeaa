"""Light pages (issue 8): the catalogue page with filters transfers less than 100 KB on a first load with an empty
cache, as a signed-in member sees it on the demo data, in English and in Arabic (whose letters take two bytes each).
The figures and a per-resource breakdown are written to ``test-results/page-weight-<language>.json``;
``benchmarks/page_weight.py`` prints the same for more pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalogue.languages import COOKIE
from tests.browser import sign_in
from tests.demo_people import MEMBER, PASSWORD, serve_demo_people
from tests.page_weight import BUDGET_BYTES, describe, measure

RESULTS = Path(__file__).resolve().parent.parent / "test-results"
FILTERED_CATALOGUE = "/tools/?purposes=grooming-detection&technologies=nlp&q=chat"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_people(tmp_path_factory, demo_data_dir, "page-weight-live")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_filtered_catalogue_transfers_less_than_100_kb_on_a_first_visit(browser, site, language):
    signing_in = browser.new_context()
    sign_in(signing_in.new_page(), site.base, MEMBER, PASSWORD, keyboard=True)
    signing_in.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    cookies_only = signing_in.storage_state()  # the session and the language, but nothing in the cache
    signing_in.close()

    measured = measure(browser, site.base + FILTERED_CATALOGUE, storage_state=cookies_only)
    RESULTS.mkdir(parents=True, exist_ok=True)
    record = json.dumps({**measured, "budget_bytes": BUDGET_BYTES}, indent=2)
    (RESULTS / f"page-weight-{language}.json").write_text(record, encoding="utf-8")

    assert measured["language"] == language

    kinds = {item["type"] for item in measured["resources"]}
    assert {"Document", "Stylesheet"} <= kinds, measured["resources"]
    document = next(item for item in measured["resources"] if item["type"] == "Document")
    assert document["encoding"] in ("br", "gzip") and document["decoded"] > 3 * document["transferred"]
    assert all(item["encoding"] for item in measured["resources"] if item["type"] == "Stylesheet")
    assert measured["transferred_bytes"] < BUDGET_BYTES, describe(measured, site.base)
