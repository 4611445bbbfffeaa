"""Relevance, query syntax, typo tolerance, facets and the search page as a visitor sees it."""

from __future__ import annotations

import re

import pytest

from catalogue.search.query import QueryError, parse
from catalogue.search.service import SearchRequest, search
from tests.factories import make_tools, tool_record


def slugs(text: str, **filters) -> list[str]:
    return [hit.tool.slug for hit in search(SearchRequest(text=text, filters=filters, per_page=50)).hits]


@pytest.fixture
def corpus(ctx):
    make_tools(
        tool_record("pixelprint", name="PixelPrint", summary="Matches pictures against reference sets.",
                    purposes=["known-csam-detection"], technologies=["perceptual-hashing"]),
        tool_record("grooming-radar", name="Grooming Radar", summary="Scores conversations for risk.",
                    purposes=["grooming-detection"], technologies=["nlp"], data_types=["text-chat"]),
        tool_record("chat-lens", name="Chat Lens", summary="Reads seized chat logs.",
                    description="Built for examiners. It can also flag grooming in passing.",
                    purposes=["data-analysis"], technologies=["nlp"], data_types=["text-chat"]),
        tool_record("list-keeper", name="List Keeper", summary="Maintains a hash list for hotlines.",
                    description="Shares the hash list with partner hotlines every night.",
                    purposes=["known-csam-detection"], deployment=["cloud-saas"]),
        tool_record("scatter", name="Scatter", summary="A hash of many things.",
                    description="Keeps a list of cases; unrelated to any hash sets.",
                    purposes=["data-analysis"], deployment=["on-premises"]),
        tool_record("securite-scan", name="Sécurité Scan", summary="Extracting messages from handsets.",
                    purposes=["device-extraction"], deployment=["on-premises", "air-gapped"]),
        tool_record("hidden-draft", name="Grooming Draft", summary="Not yet published grooming tool.",
                    status="draft"),
        tool_record("old-archive", name="Grooming Archive", summary="Archived grooming tool.", status="archived"),
    )


def test_joined_and_split_names_find_each_other(corpus):
    assert slugs("pixel print") == ["pixelprint"]
    assert slugs("pixelprint") == ["pixelprint"]
    assert slugs("PixelPrint") == ["pixelprint"]


def test_stemming_and_accent_folding(corpus):
    assert slugs("extraction") == ["securite-scan"]  # "Extracting" in the summary
    assert slugs("securite") == ["securite-scan"]
    assert slugs("conversation") == ["grooming-radar"]


def test_name_outranks_summary_outranks_description(corpus):
    assert slugs("grooming") == ["grooming-radar", "chat-lens"]
    assert slugs("reads") == ["chat-lens"]


def test_term_labels_are_searchable(corpus):
    assert "pixelprint" in slugs("perceptual hashing")  # only its technology label says so


def test_quoted_phrase_exclusion_and_or(corpus):
    assert slugs('"hash list"') == ["list-keeper"]
    assert set(slugs("hash list")) == {"list-keeper", "scatter"}
    assert set(slugs("hash -cases")) == {"list-keeper", "pixelprint"}
    assert set(slugs("pixelprint OR radar")) == {"pixelprint", "grooming-radar"}
    assert set(slugs('hash -"hash list"')) == {"scatter", "pixelprint"}


def test_draft_and_archived_tools_never_appear(corpus):
    found = slugs("grooming")
    assert "hidden-draft" not in found and "old-archive" not in found


def test_typo_is_corrected_automatically_when_nothing_matches(corpus):
    result = search(SearchRequest(text="groomng"))
    assert result.corrected_from == "groomng" and result.corrected_to == "grooming"
    assert [h.tool.slug for h in result.hits] == ["grooming-radar", "chat-lens"]


def test_did_you_mean_when_few_results(corpus):
    result = search(SearchRequest(text="radar OR extractng"))
    assert result.total == 1
    assert result.suggestion == "radar OR extracting"


def test_highlighted_snippets_escape_everything_but_the_marks(ctx):
    make_tools(tool_record("xss-tool", summary="<b>bold</b> grooming & more"))
    [hit] = search(SearchRequest(text="grooming")).hits
    assert str(hit.summary) == "&lt;b&gt;bold&lt;/b&gt; <mark>grooming</mark> &amp; more"


@pytest.mark.parametrize("text", ["", "the", "(((", "\"", "-", "OR", "NOT NOT ", "*", "a:b", "~2", "^3"])
def test_odd_input_never_raises_anything_but_query_error(corpus, text):
    result = search(SearchRequest(text=text))
    assert result.total >= 0


def test_limits_are_explained(corpus):
    with pytest.raises(QueryError, match="at most 256"):
        parse("x" * 257)
    with pytest.raises(QueryError, match="more than 32 words"):
        parse(" ".join(f"word{n}" for n in range(33)))
    assert parse("word " * 32)


def test_facets_count_other_selections_but_not_their_own(corpus):
    result = search(SearchRequest(filters={"deployment": ["on-premises"], "purposes": ["data-analysis"]}))
    assert [h.tool.slug for h in result.hits] == ["scatter"]
    facets = {f.field: {v.slug: v.count for v in f.values} for f in result.facets}
    assert facets["deployment"]["cloud-saas"] == 0 and facets["deployment"]["on-premises"] == 1
    assert facets["purposes"]["device-extraction"] == 1  # counted with deployment=on-premises only
    assert facets["purposes"]["data-analysis"] == 1


def test_empty_result_names_the_filters_that_removed_most(corpus):
    result = search(SearchRequest(text="hash", filters={"deployment": ["air-gapped"]}))
    assert result.total == 0
    [(facet, value, count)] = result.blockers
    assert (facet.field, value.slug, count) == ("deployment", "air-gapped", 3)


# ---- the page -------------------------------------------------------------------------------------------------

def page_slugs(html: str) -> list[str]:
    return re.findall(r'class="tool-card-title"><a href="/tools/([^"]+)"', html)


def test_search_page_shows_results_facets_chips_and_shareable_links(client, corpus):
    response = client.get("/tools/?q=hash&deployment=cloud-saas&sort=name")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page_slugs(html) == ["list-keeper"]
    assert 'value="hash"' in html
    assert 'name="deployment" value="cloud-saas" id="f-deployment-cloud-saas" checked' in html
    assert "Deployment:</span> Cloud (SaaS)" in html
    assert 'href="/tools/?q=hash&amp;sort=name"' in html  # the chip removes only its own filter
    assert "Maintains a <mark>hash</mark> list for hotlines." in html


def test_typo_correction_is_announced_on_the_page(client, corpus):
    html = client.get("/tools/?q=groomng").get_data(as_text=True)
    assert "No results for “groomng”. Showing results for “grooming” instead." in html
    assert page_slugs(html) == ["grooming-radar", "chat-lens"]


@pytest.mark.parametrize("text", ["x" * 300, " ".join(["w"] * 40)])
def test_too_long_queries_are_400_with_an_explanation(client, corpus, text):
    response = client.get("/tools/", query_string={"q": text})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def test_empty_results_page_helps(client, corpus):
    html = client.get("/tools/?q=hash&deployment=air-gapped").get_data(as_text=True)
    assert "No published tools match." in html
    assert "These filters removed the most results:" in html
    assert "Remove “Deployment: Air-gapped”</a> — 3 tools" in html


def test_compare_shows_tools_side_by_side(client, corpus):
    html = client.get("/tools/compare?tool=pixelprint&tool=list-keeper&tool=hidden-draft").get_data(as_text=True)
    assert html.index(">PixelPrint</a>") < html.index(">List Keeper</a>")
    assert "Not found or not published, so left out: hidden-draft" in html
    assert re.search(r'<th scope="row">Deployment( <span class="differs-mark">Differs</span>)?</th>', html)


def test_compare_takes_at_most_four(client, corpus):
    query = "&".join(f"tool={s}" for s in ["pixelprint", "grooming-radar", "chat-lens", "list-keeper", "scatter"])
    html = client.get(f"/tools/compare?{query}").get_data(as_text=True)
    assert "the first 4 are shown" in html and ">Scatter</a>" not in html
    assert "Tick at least two tools" in client.get("/tools/compare?tool=scatter").get_data(as_text=True)


def test_words_in_markdown_emphasis_are_found(ctx):
    make_tools(tool_record("bold-words", name="Bold Words", description="It **prioritises** the *newest* reports."))
    assert slugs("prioritises") == ["bold-words"] and slugs("newest") == ["bold-words"]
