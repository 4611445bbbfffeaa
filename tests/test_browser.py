"""Browser journeys in Debian's Chromium through Playwright, against a live server with the demo data."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from catalogue.cli import DEMO_FILE
from tests.browser import serve
from tests.conftest import copy_data_dir, make_app


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, demo_data_dir):
    data_dir = tmp_path_factory.mktemp("live")
    copy_data_dir(demo_data_dir, data_dir)
    yield from serve(make_app(data_dir, TESTING=False))


def test_home_to_catalogue_to_page_two_to_tool_to_print_sheet(page, live_server):
    page.goto(live_server + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Find the right AI tool")
    expect(page.get_by_role("note").filter(has_text="Demonstration data")).to_be_visible()

    page.get_by_role("link", name="Browse the catalogue").click()
    page.wait_for_url(re.compile(r"/tools/$"))
    expect(page.get_by_text(re.compile(r"Showing 1–20 of \d+ tools"))).to_be_visible()

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"/tools/\?page=2$"))
    expect(page.get_by_text(re.compile(r"Showing 21–40 of \d+ tools"))).to_be_visible()
    current = page.get_by_role("navigation", name="Pages").locator("[aria-current=page]")
    assert current.inner_text().strip().endswith("2")

    first_card = page.locator(".tool-card-title a").first
    name = first_card.inner_text()
    first_card.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    expect(page.get_by_role("heading", name="Responsible use")).to_be_visible()
    expect(page.get_by_role("heading", name="Related tools")).to_be_visible()

    page.get_by_role("link", name="One-page tool sheet for printing").click()
    page.wait_for_url(re.compile(r"/print$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    expect(page.locator(".site-header")).not_to_be_visible()
    expect(page.get_by_role("heading", name="Related tools")).not_to_be_visible()
    pdf = page.pdf(format="A4", print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the tool sheet should print on one A4 page"


def test_print_media_hides_navigation_on_the_normal_detail_page(page, live_server):
    page.goto(live_server + "/tools/")
    page.locator(".tool-card-title a").first.click()
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()  # waits for the print sheet to apply on a busy machine
    expect(page.locator(".related")).to_be_hidden()


def test_skip_link_is_first_in_tab_order_and_moves_focus_to_main(page, live_server):
    page.goto(live_server + "/tools/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("element => element === document.activeElement")
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_a_taxonomy_chip_filters_the_catalogue_and_the_chip_removes_the_filter(page, live_server):
    page.goto(live_server + "/tools/")
    page.locator(".tool-card-title a").first.click()
    chip = page.locator(".tool-facts .chip").first
    label = chip.inner_text()
    chip.click()
    page.wait_for_url(re.compile(r"/tools/\?\w+="))
    active = page.locator(".active-filters .chip-removable")
    assert label in active.inner_text()
    active.click()
    page.wait_for_url(re.compile(r"/tools/$"))
    assert page.locator(".active-filters").count() == 0


def test_the_longest_demo_entry_still_prints_on_one_page(page, live_server):
    tools = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["tools"]
    longest = max((t for t in tools if t["status"] == "published"),
                  key=lambda t: len(t["description"]) + len(t["responsible_use"]) + len(t["summary"]))
    page.goto(f"{live_server}/tools/{longest['slug']}/print")
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, longest["slug"]


def test_search_filter_remove_chip_share_and_compare(page, live_server, browser):
    page.goto(live_server + "/tools/")
    page.get_by_label("Search tools").fill("grooming chat")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=grooming\+chat"))
    marked = {text.lower() for text in page.locator("mark").all_inner_texts()}  # synonyms searched are marked too
    assert marked & {"grooming", "chat", "chats"}
    unfiltered = page.locator(".tool-card").count()

    for vocabulary in ("Technology", "Deployment"):  # each vocabulary folds until a value of it is chosen
        page.locator(".facet > summary", has_text=vocabulary).click()
    page.get_by_role("group", name="Technology").get_by_label(re.compile("^NLP")).check()
    page.get_by_role("group", name="Deployment").get_by_label(re.compile("^On-premises")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"technologies=nlp"))
    assert "deployment=on-premises" in page.url
    chips = page.locator(".active-filters .chip-removable")
    assert chips.count() == 2
    filtered = page.locator(".tool-card").count()
    assert 0 < filtered <= unfiltered

    chips.filter(has_text="On-premises").click()
    page.wait_for_url(lambda url: "deployment=" not in url)
    assert page.locator(".active-filters .chip-removable").count() == 1
    shared_url = page.url
    names = page.locator(".tool-card-title a").all_inner_texts()

    colleague = browser.new_page()  # a colleague opens the shared link in their own browser
    colleague.goto(shared_url)
    assert colleague.locator(".tool-card-title a").all_inner_texts() == names
    assert colleague.get_by_label("Search tools").input_value() == "grooming chat"
    colleague.close()

    page.get_by_label(f"Compare {names[0]}").check()
    page.get_by_label(f"Compare {names[1]}").check()
    page.get_by_role("button", name="Compare ticked tools").click()
    page.wait_for_url(re.compile(r"/tools/compare\?tool="))
    headers = page.locator("table.compare thead th").all_inner_texts()
    assert [h.replace("DEMO", "").strip() for h in headers] == names[:2]
    expect(page.get_by_role("rowheader", name="Deployment")).to_be_visible()


def test_shortlist_journey_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/tools/?q=hash")
    first = page.locator(".tool-card").first
    name = first.locator(".tool-card-title a").inner_text()
    first.get_by_role("button", name=re.compile("Add to shortlist")).click()
    expect(page.get_by_text(f"{name} was added to your shortlist.")).to_be_visible()
    assert "q=hash" in page.url
    page.get_by_role("link", name=re.compile("Shortlist")).click()
    expect(page.get_by_role("rowheader", name=name)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == "shortlist.csv"
    context.close()
