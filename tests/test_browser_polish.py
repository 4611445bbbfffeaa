"""Journeys through the polished pages in Chromium without JavaScript (issue 21, items 12–16): the catalogue's folded
filters, the inbox's triage, the comparison's marked rows and its printed page. Screenshots of the catalogue, a tool
page and the inbox at 1280 px and 390 px are kept under ``test-results/screenshots/`` (``page-*.png``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.demo_people import MEMBER, PASSWORD, serve_demo_people

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"
SIZES = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_people(tmp_path_factory, demo_data_dir, "polish-live")


@pytest.fixture(scope="module")
def member_state(browser, site):
    """The demo member's cookies, signed in once (sign-in is rate-limited per address)."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in(page, site.base, MEMBER, PASSWORD)
    expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(1)
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def member(browser, member_state):
    context = browser.new_context(viewport=SIZES[1280], java_script_enabled=False, storage_state=member_state)
    yield context.new_page()
    context.close()


def asked(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def shoot(page, name: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"page-{name}-{width}.png", full_page=True)


def test_a_folded_filter_value_is_chosen_through_show_all_and_the_top_apply(member, site):
    page = member
    page.goto(site.base + "/tools/")
    purpose = page.locator("details.facet").filter(has=page.locator("summary", has_text="Purpose"))
    values = purpose.locator("input[type=checkbox]")
    expect(values.first).to_be_hidden()  # folded: nothing chosen in it
    purpose.locator(":scope > summary").click()
    expect(values.nth(5)).to_be_visible()
    expect(values.nth(6)).to_be_hidden()  # the seventh waits behind "Show all"
    show_all = purpose.locator(".facet-more > summary")
    expect(show_all.locator(".when-closed")).to_have_text(f"Show all {values.count()}")
    expect(show_all.locator(".when-open")).to_be_hidden()
    show_all.click()
    expect(show_all.locator(".when-open")).to_have_text("Show fewer")
    expect(show_all.locator(".when-closed")).to_be_hidden()
    last = values.last
    expect(last).to_be_visible()
    chosen = last.get_attribute("value")
    last.check()
    top = page.locator(".facets").get_by_role("button", name="Apply", exact=True)
    assert top.bounding_box()["y"] < purpose.bounding_box()["y"]
    top.click()

    page.wait_for_url(lambda url: asked(url).get("purposes") == [chosen])
    purpose = page.locator("details.facet").filter(has=page.locator("summary", has_text="Purpose"))
    expect(purpose.locator(":scope > summary")).to_contain_text("1 selected")
    expect(purpose.get_by_role("checkbox", checked=True)).to_be_visible()  # unfolded, and its "Show all" too
    expect(page.locator("details.facet[open]")).to_have_count(1)


@pytest.mark.parametrize("width", list(SIZES))
def test_screenshots_of_the_catalogue_a_tool_page_and_the_inbox(browser, member_state, site, width):
    context = browser.new_context(viewport=SIZES[width], java_script_enabled=False, storage_state=member_state)
    page = context.new_page()
    try:
        pages = (("catalogue", "/tools/?technologies=computer-vision"), ("tool", f"/tools/{site.sample.tool}"),
                 ("inbox", "/contact/"))
        for name, path in pages:
            response = page.goto(site.base + path)
            assert response.status == 200, (path, response.status)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            shoot(page, name, width)
    finally:
        context.close()


def test_the_phone_catalogue_unfolds_the_filters_then_a_vocabulary(browser, member_state, site):
    context = browser.new_context(viewport=SIZES[390], java_script_enabled=False, storage_state=member_state)
    page = context.new_page()
    try:
        page.goto(site.base + "/tools/")
        page.locator(".filters-disclosure > summary").click()
        technology = page.locator("details.facet").filter(has=page.locator("summary", has_text="Technology"))
        expect(technology.locator(":scope > summary")).to_be_visible()
        expect(technology.get_by_role("checkbox").first).to_be_hidden()
        technology.locator(":scope > summary").click()
        expect(technology.get_by_role("checkbox").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        shoot(page, "catalogue-filters-open", 390)
    finally:
        context.close()
