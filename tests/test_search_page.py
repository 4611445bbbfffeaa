"""The catalogue page around the search engine (issue 17): which sort a query runs with, the search boxes on the home
and tool pages, the filters folded on phones, and what the page says about a search the engine relaxed, widened
with synonyms or found filters in. Browser journeys over the same: tests/test_browser_search.py."""

from __future__ import annotations

import re
from html import unescape

import pytest
from werkzeug.datastructures import MultiDict

from catalogue.extensions import db
from catalogue.search import service
from catalogue.tools import views
from catalogue.tools.forms import chosen_sort
from tests.conftest import copy_data_dir, make_app, read_only_demo

# On the demo data a tool-name word puts its tool well ahead of the others, and that tool is not first by name.
VAULT, VAULT_FIRST_BY_NAME = "zircon-vault", "farrowdale-sextortion-aid"
CARVE = "nimbleway-carve"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    """One copy of the demo catalogue for the module: these tests only read."""
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "search-page")


@pytest.fixture
def client(site):
    return site.test_client()


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def listed(html: str) -> list[str]:
    return re.findall(r'class="tool-card-title"><a href="/tools/([^"]+)"', html)


def sort_menu(html: str) -> tuple[str, str]:
    """(value, label) of the sort menu's selected option; the first option when none is marked."""
    menu = re.search(r'<select id="sort" name="sort">(.*?)</select>', html, re.S).group(1)
    options = re.findall(r'<option([^>]*)value="([^"]*)"[^>]*>([^<]*)</option>', menu)
    chosen = [(value, label) for attributes, value, label in options if "selected" in attributes] or \
        [(options[0][1], options[0][2])]
    return chosen[0]


def hidden(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in
            re.findall(r'<input id="[^"]*" name="([^"]*)" type="hidden" value="([^"]*)">', html)}


# ---- which sort a query runs with -----------------------------------------------------------------------------

def test_the_empty_catalogue_lists_by_name_without_the_menu_claiming_it(client):
    html = html_of(client.get("/tools/"))
    assert sort_menu(html) == ("", "Best match")
    assert listed(html) == sorted(listed(html))
    assert not hidden(html)  # no sort was chosen, so there is nothing to remember


def test_the_first_query_typed_on_the_catalogue_is_ranked_by_relevance(client):
    # what the form on /tools/ sends when a query is typed and Enter pressed: the menu's default with it
    html = html_of(client.get("/tools/?q=vault&sort="))
    assert listed(html)[0] == VAULT
    assert sort_menu(html) == ("", "Best match")


def test_a_chosen_sort_holds_for_its_query_and_in_shared_links(client):
    html = html_of(client.get("/tools/?q=vault&sort=name"))
    assert listed(html)[0] == VAULT_FIRST_BY_NAME
    assert sort_menu(html) == ("name", "Name (A–Z)")
    assert hidden(html) == {"sorted_q": "vault", "sorted_by": "name"}


def test_the_same_query_sent_again_keeps_the_chosen_sort(client):
    response = client.get("/tools/?q=vault&sort=updated&sorted_q=vault&sorted_by=updated&technologies=nlp")
    assert response.status_code == 303
    assert response.headers["Location"] == "/tools/?q=vault&technologies=nlp&sort=updated"


def test_a_new_query_typed_under_a_chosen_sort_goes_back_to_relevance(client):
    response = client.get("/tools/?q=carve&sort=updated&sorted_q=vault&sorted_by=updated")
    assert response.status_code == 303
    assert response.headers["Location"] == "/tools/?q=carve"
    html = html_of(client.get(response.headers["Location"]))
    assert listed(html)[0] == CARVE
    assert sort_menu(html) == ("", "Best match")


def test_a_sort_changed_together_with_the_query_is_kept(client):
    response = client.get("/tools/?q=carve&sort=name&sorted_q=vault&sorted_by=updated")
    assert response.headers["Location"] == "/tools/?q=carve&sort=name"


def test_the_redirect_keeps_only_the_search_parameters(client):
    response = client.get("/tools/?q=vault&sort=name&sorted_q=vault&sorted_by=name&next=https://evil.example")
    assert response.headers["Location"] == "/tools/?q=vault&sort=name"


@pytest.mark.parametrize(("args", "sort"), [
    ({}, "relevance"),
    ({"q": "hash"}, "relevance"),
    ({"q": "hash", "sort": ""}, "relevance"),
    ({"q": "hash", "sort": "relevance"}, "relevance"),  # links from before the automatic sort
    ({"q": "hash", "sort": "drop table"}, "relevance"),
    ({"q": "hash", "sort": "name"}, "name"),  # a shared link
    ({"q": "hash", "sort": "updated", "page": "2"}, "updated"),  # a page link
    ({"q": "hash", "sort": "updated", "sorted_q": "hash", "sorted_by": "updated"}, "updated"),
    ({"q": " hash  ", "sort": "updated", "sorted_q": "hash", "sorted_by": "updated"}, "updated"),
    ({"q": "hash list", "sort": "updated", "sorted_q": "hash", "sorted_by": "updated"}, "relevance"),
    ({"q": "", "sort": "updated", "sorted_q": "hash", "sorted_by": "updated"}, "relevance"),
    ({"q": "hash list", "sort": "name", "sorted_q": "hash", "sorted_by": "updated"}, "name"),
    ({"q": "hash list", "sort": "updated", "sorted_q": "hash"}, "relevance"),
])
def test_chosen_sort(args, sort):
    assert chosen_sort(MultiDict(args)) == sort


def test_page_and_filter_links_keep_the_chosen_sort(client):
    paged = unescape(html_of(client.get("/tools/?q=perceptual&sort=updated")))
    assert 'href="/tools/?q=perceptual&sort=updated&page=2"' in paged
    html = unescape(html_of(client.get("/tools/?q=perceptual&sort=updated&purposes=known-csam-detection")))
    assert 'href="/tools/?q=perceptual&sort=updated"' in html  # the chip that removes the filter
    # the filter checkboxes send the search form, which remembers the sort for this query
    assert hidden(html) == {"sorted_q": "perceptual", "sorted_by": "updated"}


def test_page_links_of_the_automatic_sort_carry_no_sort(client):
    html = unescape(html_of(client.get("/tools/?q=perceptual&sort=relevance")))
    assert 'href="/tools/?q=perceptual&page=2"' in html
    assert "sort=" not in "".join(re.findall(r'href="(/tools/\?[^"]*)"', html))


# ---- search boxes where people start --------------------------------------------------------------------------

def search_box(html: str, field_id: str) -> str:
    match = re.search(rf'<form class="catalogue-search[^"]*" method="get" action="/tools/" role="search"'
                      rf' aria-labelledby="{field_id}-label">.*?</form>', html, re.S)
    assert match, f"no catalogue search box {field_id!r}"
    return match.group(0)


def test_the_home_page_has_a_search_box_for_those_who_may_browse(client):
    box = search_box(html_of(client.get("/")), "home-search")
    assert '<label id="home-search-label" for="home-search">Search the catalogue</label>' in box
    assert re.search(r'<input type="search" id="home-search" name="q"', box)
    assert '<button type="submit" class="button">Search</button>' in box


def test_the_closed_home_page_offers_no_search_to_visitors(tmp_path, demo_data_dir):
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, CATALOGUE_PUBLIC_BROWSING=False)
    html = html_of(app.test_client().get("/"))
    assert "catalogue-search" not in html
    with app.app_context():
        db.engine.dispose()


def test_a_tool_page_has_a_search_box_in_its_header_but_not_its_print_sheet(client):
    html = html_of(client.get(f"/tools/{VAULT}"))
    header = re.search(r'<header class="tool-header">.*?</header>', html, re.S).group(0)
    box = search_box(header, "tool-search")
    assert '<label id="tool-search-label" for="tool-search">Search the catalogue</label>' in box
    assert "catalogue-search" not in html_of(client.get(f"/tools/{VAULT}/print"))


def test_the_home_search_box_lands_on_the_ranked_results(client):
    html = html_of(client.get("/tools/?q=vault"))  # what the box sends
    assert listed(html)[0] == VAULT


# ---- the filters on a phone -----------------------------------------------------------------------------------

def test_the_filters_are_a_closed_disclosure_with_apply_at_both_ends(client):
    html = html_of(client.get("/tools/?q=hash"))
    aside = re.search(r'<aside class="facets".*?</aside>', html, re.S).group(0)
    assert '<details class="filters-disclosure">' in aside  # closed: on a phone the results come first
    assert "<summary>Filters</summary>" in aside
    applies = [(m.start(), m.group(1)) for m in
               re.finditer(r'<button type="submit" form="search-form"[^>]*>([^<]*)<', aside)]
    boxes = [m.start() for m in re.finditer(r'<input type="checkbox" form="search-form"', aside)]
    assert [label for _at, label in applies] == ["Apply", "Apply filters"]
    assert applies[0][0] < boxes[0] and boxes[-1] < applies[1][0]
    assert html.index('class="facets"') < html.index('class="results"')


def test_the_disclosure_counts_the_selected_filters(client):
    html = html_of(client.get("/tools/?technologies=perceptual-hashing&deployment=air-gapped"))
    assert "<summary>Filters (2 selected)</summary>" in html
    one = html_of(client.get("/tools/?deployment=air-gapped"))
    assert "<summary>Filters (1 selected)</summary>" in one


# ---- what the engine did with the words -----------------------------------------------------------------------

@pytest.fixture
def engine_says(monkeypatch):
    """Make the page's search return its real result with ``relaxed``, ``expanded`` and ``suggested_filters`` set
    by ``change(result)``, as the engine will."""
    def install(change):
        def search(request):
            result = service.search(request)
            change(result)
            return result
        monkeypatch.setattr(views, "search", search)
    return install


def facet_value(result, field: str, slug: str):
    facet = next(f for f in result.facets if f.field == field)
    return facet, next(v for v in facet.values if v.slug == slug)


def test_words_not_required_are_named_near_the_count(client, engine_says):
    engine_says(lambda result: setattr(result, "relaxed", ["offline", "<b>quantum</b>"]))
    html = html_of(client.get("/tools/?q=perceptual"))  # the words are made up: the engine is stubbed
    note = re.search(r'<p class="search-note" role="status">(.*?)</p>', html, re.S).group(1)
    assert note == ("Showing tools that match some of your words. Not required: <bdi>offline</bdi>, "
                    "<bdi>&lt;b&gt;quantum&lt;/b&gt;</bdi>")
    assert html.index('class="result-count"') < html.index('class="search-note"') < html.index('class="tool-list"')


def test_synonyms_searched_are_listed_on_one_line(client, engine_says):
    engine_says(lambda result: setattr(result, "expanded", [("crypto", ["cryptocurrency", "blockchain"]),
                                                            ("CSAM", ["child sexual abuse material"])]))
    html = html_of(client.get("/tools/?q=crypto+CSAM"))
    note = re.search(r'<div class="search-note">(.*?)</div>', html, re.S).group(1).strip()
    assert note == ("<p>Also searched: <bdi>cryptocurrency</bdi>, <bdi>blockchain</bdi> (for “<bdi>crypto</bdi>”); "
                    "<bdi>child sexual abuse material</bdi> (for “<bdi>CSAM</bdi>”)</p>")


def test_a_long_list_of_synonyms_names_a_few_and_folds_the_rest(client, engine_says):
    many = ["perceptual hashing", "fuzzy hash", "robust hash", "PhotoDNA", "PDQ", "hachage perceptuel"]
    engine_says(lambda result: setattr(result, "expanded", [("perceptual hash", many), ("P2P", ["peer-to-peer"])]))
    html = html_of(client.get("/tools/?q=perceptual+hash+P2P"))
    note = re.search(r'<div class="search-note">(.*?)</div>', html, re.S).group(1)
    shown = re.sub(r"<[^>]+>", "", re.search(r"<p>(.*?)</p>", note).group(1))
    assert shown == ("Also searched: perceptual hashing, fuzzy hash, robust hash, PhotoDNA and 2 more "
                     "(for “perceptual hash”); peer-to-peer (for “P2P”)")
    folded = re.search(r'<details class="all-searched">\s*<summary>Every word searched</summary>(.*?)</details>',
                       note, re.S).group(1)
    assert [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", folded)] == [
        "For “perceptual hash”: perceptual hashing, fuzzy hash, robust hash, PhotoDNA, PDQ, hachage perceptuel",
        "For “P2P”: peer-to-peer"]


def test_filters_the_words_name_are_offered_as_links_that_add_them(client, engine_says):
    def suggest(result):
        deployment, air_gapped = facet_value(result, "deployment", "air-gapped")
        cost, free = facet_value(result, "cost_model", "free")
        result.suggested_filters = [(deployment, air_gapped, "air-gapped"), (cost, free, "gratuit")]

    engine_says(suggest)
    html = unescape(html_of(client.get("/tools/?q=hash+air-gapped+gratuit&sort=name&technologies=perceptual-hashing")))
    chips = re.search(r'<div class="suggested-filters">.*?</div>', html, re.S).group(0)
    links = re.findall(r'<a class="chip chip-suggested" href="([^"]+)">(.*?)</a>', chips, re.S)
    assert [href for href, _text in links] == [
        "/tools/?q=hash+air-gapped+gratuit&technologies=perceptual-hashing&deployment=air-gapped&sort=name",
        "/tools/?q=hash+air-gapped+gratuit&technologies=perceptual-hashing&cost_model=free&sort=name",
    ]
    texts = [re.sub(r"<[^>]+>", "", text) for _href, text in links]
    assert texts == ["+ Filter by Deployment: Air-gapped", "+ Filter by Cost model: Free (from “gratuit”)"]
    assert 'id="f-deployment-air-gapped" checked' not in html  # offered, not applied


def test_the_page_shows_none_of_it_when_the_engine_did_none_of_it(client):
    html = html_of(client.get("/tools/?q=vault"))
    assert "search-note" not in html and "suggested-filters" not in html
