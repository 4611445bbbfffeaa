"""What a visitor sees: home, catalogue, tool pages, about, error pages, and the demo notice."""

import re

import pytest

from catalogue.extensions import db
from tests.factories import make_tools, tool_record


def text(response) -> str:
    return response.get_data(as_text=True)


def tool_links(html: str) -> list[str]:
    return re.findall(r'class="tool-card-title"><a href="/tools/([^"]+)"', html)


@pytest.fixture
def five_tools(app):
    with app.app_context():
        make_tools(
            tool_record("delta-hash", name="Delta Hash", purposes=["known-csam-detection"],
                        technologies=["perceptual-hashing"], updated_at="2026-01-05T10:00:00Z"),
            tool_record("alpha-chat", name="alpha Chat", purposes=["grooming-detection"], technologies=["nlp"],
                        updated_at="2025-03-01T10:00:00Z"),
            tool_record("charlie-geo", name="Charlie Geo", purposes=["victim-identification"],
                        technologies=["geolocation"], updated_at="2026-06-01T10:00:00Z"),
            tool_record("bravo-hash", name="Bravo Hash", purposes=["known-csam-detection", "content-removal"],
                        technologies=["perceptual-hashing", "computer-vision"], updated_at="2024-01-01T10:00:00Z"),
            tool_record("secret-draft", name="Secret Draft", status="draft"),
        )


def test_home_explains_the_platform_and_counts_tools_per_purpose(client, five_tools):
    html = text(client.get("/"))
    assert "Find the right AI tool for a child-protection investigation" in html
    assert "The catalogue lists 4 published tools." in html
    assert re.search(r'href="/tools/\?purposes=known-csam-detection">\s*<span class="purpose-label">Known CSAM '
                     r'detection</span>\s*<span class="purpose-count">2 tools</span>', html)
    assert "Secret Draft" not in html


def test_home_lists_recently_updated_first(client, five_tools):
    html = text(client.get("/"))
    assert tool_links(html) == ["charlie-geo", "delta-hash", "alpha-chat", "bravo-hash"]


def test_pages_declare_language_and_direction_and_have_landmarks(client, five_tools):
    html = text(client.get("/tools/"))
    assert '<html lang="en" dir="ltr">' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html and '<nav aria-label="Main">' in html
    assert '<label for="sort">Sort by</label>' in html


def test_catalogue_lists_published_tools_by_name_case_insensitively(client, five_tools):
    html = text(client.get("/tools/"))
    assert tool_links(html) == ["alpha-chat", "bravo-hash", "charlie-geo", "delta-hash"]
    assert "Showing 1–4 of 4 tools" in html


def test_catalogue_sorts_by_last_update(client, five_tools):
    html = text(client.get("/tools/?sort=updated"))
    assert tool_links(html) == ["charlie-geo", "delta-hash", "alpha-chat", "bravo-hash"]


def test_filters_or_within_a_vocabulary_and_and_across(client, five_tools):
    either = text(client.get("/tools/?purposes=grooming-detection&purposes=victim-identification"))
    assert tool_links(either) == ["alpha-chat", "charlie-geo"]
    both = text(client.get("/tools/?purposes=known-csam-detection&technologies=computer-vision"))
    assert tool_links(both) == ["bravo-hash"]
    assert 'Technology:</span> Computer vision' in both
    assert 'href="/tools/?purposes=known-csam-detection"' in both  # removing the technology chip


def test_unknown_filter_values_are_ignored_with_a_message(client, five_tools):
    response = client.get("/tools/?purposes=<script>&colour=red")
    assert response.status_code == 200
    assert "These filter values are not known and were ignored: &lt;script&gt;" in text(response)
    assert len(tool_links(text(response))) == 4


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "page=0", "page=999999", "sort=drop+table",
                                   "page=1e9", "page=99999999999999999999999"])
def test_bad_paging_and_sorting_give_a_normal_page(client, five_tools, query):
    response = client.get(f"/tools/?{query}")
    assert response.status_code == 200
    assert len(tool_links(text(response))) == 4


def test_pagination_splits_and_links_pages(app, client):
    with app.app_context():
        make_tools(*(tool_record(f"tool-{n:02d}") for n in range(45)))
    first = text(client.get("/tools/"))
    assert len(tool_links(first)) == 20 and 'href="/tools/?page=2" rel="next"' in first
    last = text(client.get("/tools/?page=3"))
    assert tool_links(last) == [f"tool-{n}" for n in range(40, 45)]
    assert "Showing 41–45 of 45 tools" in last
    beyond = text(client.get("/tools/?page=999999"))
    assert tool_links(beyond) == tool_links(last)


def test_tool_detail_shows_every_field(app, client):
    with app.app_context():
        make_tools(tool_record(
            "full-tool", name="Full Tool", organisation="Fictional Lab", country="KE",
            website="https://full.example", summary="Everything filled in.",
            description="First paragraph.\n\nSecond **bold** paragraph.",
            purposes=["victim-identification"], technologies=["geolocation"], crime_phases=["investigation"],
            workflow_steps=["victim-identification"], data_types=["images"], deployment=["desktop"],
            intended_users=["victim-id-specialists"], cost_model="free-for-law-enforcement",
            availability="law-enforcement-only", maturity="pilot", exposure_reduction="partial",
            languages=["sw", "en"], responsible_use="Always have a **second reviewer**.",
            last_reviewed="2026-02-10", demo=True))
    html = text(client.get("/tools/full-tool"))
    for expected in ["<h1 id=\"tool-title\">Full Tool", "Fictional Lab · Kenya", "Everything filled in.",
                     "<p>Second <strong>bold</strong> paragraph.</p>", "Last verified Feb 10, 2026",
                     'href="https://full.example"', "Always have a <strong>second reviewer</strong>.",
                     "Swahili, English", 'href="/tools/?cost_model=free-for-law-enforcement"',
                     ">Free for law enforcement</a>", 'href="/tools/?exposure_reduction=partial"',
                     'href="/tools/?workflow_steps=victim-identification"', "Law enforcement only",
                     '<span class="badge badge-demo">Demo</span>']:
        assert expected in html, expected


def test_tool_detail_lists_related_tools_sharing_purposes(client, five_tools):
    html = text(client.get("/tools/delta-hash"))
    related = html.split('id="related-title"')[1]
    assert tool_links(related) == ["bravo-hash"]


def test_markdown_is_sanitised(app, client):
    with app.app_context():
        make_tools(tool_record("xss", description="Hi <script>alert(1)</script> [x](javascript:alert(2))\n\n"
                                                  "<img src=x onerror=alert(3)>",
                               responsible_use="# Heading\n\n[ok](https://ok.example)"))
    html = text(client.get("/tools/xss"))
    assert "<script>" not in html and 'href="javascript:' not in html and "<img" not in html
    assert "alert(1)" not in html and "onerror" not in html  # stripped when the import stored it
    assert '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>' in html
    assert "<h2>Heading</h2>" in html


@pytest.mark.parametrize("slug", ["no-such-tool", "secret-draft", "../etc/passwd", "%00"])
def test_unknown_or_unpublished_tools_are_404_in_the_layout(client, five_tools, slug):
    response = client.get(f"/tools/{slug}")
    assert response.status_code == 404
    assert re.search(r"<h1>(Tool|Page) not found</h1>", text(response)) and 'class="skip-link"' in text(response)


def test_print_view_is_the_tool_sheet(client, five_tools):
    html = text(client.get("/tools/bravo-hash/print"))
    assert 'media="all"' in html and 'class="print-view"' in html
    assert "Related tools" not in html
    assert client.get("/tools/secret-draft/print").status_code == 404


def test_about_lists_inclusion_criteria_and_vocabularies(client):
    html = text(client.get("/about"))
    assert "verified from at least one named source" in html
    assert "Exposure reduction" in html and "Air-gapped" in html


def test_demo_notice_only_when_demo_entries_exist(app, client):
    with app.app_context():
        make_tools(tool_record("real-entry"))
    assert "Demonstration data." not in text(client.get("/"))
    with app.app_context():
        make_tools(tool_record("demo-entry", demo=True))
    assert "Demonstration data." in text(client.get("/"))


def test_server_errors_render_the_500_page(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in text(response) and "kaboom" not in text(response)


def test_security_headers(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_method_not_allowed_is_a_page_not_a_crash(client):
    response = client.post("/tools/")
    assert response.status_code in (400, 405)


def test_demo_catalogue_pages_render(demo_client):
    home = demo_client.get("/")
    assert home.status_code == 200 and "Demonstration data." in text(home)
    listing = text(demo_client.get("/tools/?page=2&sort=updated"))
    slugs = tool_links(listing)
    assert len(slugs) == 20
    for slug in slugs[:5]:
        assert demo_client.get(f"/tools/{slug}").status_code == 200


def test_db_session_is_clean_after_requests(app, client, five_tools):
    client.get("/tools/")
    with app.app_context():
        assert not db.session.dirty


def test_every_stylesheet_closes_every_block_it_opens():
    """A lost closing brace (easy to lose when merging appended sections) silently swallows every later rule."""
    from pathlib import Path

    for sheet in (Path(__file__).parent.parent / "catalogue" / "static" / "css").glob("*.css"):
        depth = 0
        for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), start=1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{sheet.name}:{number} closes a block that was never opened"
        assert depth == 0, f"{sheet.name} leaves {depth} block(s) open"
