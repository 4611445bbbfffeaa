"""Journeys through the polished pages in Chromium without JavaScript (issue 21, items 12–16): the catalogue's folded
filters, the inbox's triage, the comparison's marked rows and its printed page. Screenshots of the catalogue, a tool
page and the inbox at 1280 px and 390 px are kept under ``test-results/screenshots/`` (``page-*.png``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import User
from tests.browser import photograph, sign_in
from tests.demo_people import MEMBER, PASSWORD, serve_demo_people

SIZES = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
ADMIN = "admin@demo.example"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_people(tmp_path_factory, demo_data_dir, "polish-live"):
        with app.app_context():
            admin = db.session.scalar(select(User).filter_by(email=ADMIN))
            admin.mfa_secret = app.admin_secret = pyotp.random_base32()
            db.session.commit()
        yield app


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
    photograph(page, f"page-{name}-{width}", full_page=True)


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
            narrowest = page.evaluate("Math.min(1e9, ...[...document.querySelectorAll('main td')]"
                                      ".map(cell => cell.getBoundingClientRect().width))")
            assert narrowest >= 40, f"{path}: a table squeezed to {narrowest:.0f}px columns instead of scrolling"
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


# ---- item 14: buttons share one height; admin tables fit 1280 px -------------------------------------------------

BOXES = """() => {
    const containers = new Map();
    const container = el => {  // the nearest ancestor that lays out a line: not inline, not an inline form
        let up = el.parentElement;
        while (up && getComputedStyle(up).display.startsWith('inline')) up = up.parentElement;
        if (!containers.has(up)) containers.set(up, containers.size);
        return containers.get(up);
    };
    return [...document.querySelectorAll('main .button, main .button-secondary')]
        .filter(b => b.offsetParent !== null)
        .map(b => { const r = b.getBoundingClientRect(), line = parseFloat(getComputedStyle(b).lineHeight);
                    const range = document.createRange(); range.selectNodeContents(b);
                    const row = b.closest('.search-row'), input = row && row.querySelector('input');
                    return {text: b.innerText.trim(), tag: b.tagName, top: r.top + scrollY, bottom: r.bottom + scrollY,
                            height: r.height, oneLine: range.getBoundingClientRect().height < 1.5 * line,
                            container: container(b), beside: input ? input.getBoundingClientRect().height : null}; });
}"""


def buttons_problems(page) -> list[str]:
    """Buttons and links styled as buttons: one height (44 px) on one line, or their search box's height beside one,
    and neighbours on a line top-aligned."""
    boxes = page.evaluate(BOXES)
    problems = [f"{b['text']!r} ({b['tag']}) is {b['height']:.0f}px high" for b in boxes if b["oneLine"] and not (
        abs(b["height"] - b["beside"]) <= 1 if b["beside"] else 43.5 <= b["height"] <= 46.5)]
    for first in boxes:
        for second in boxes:
            same_line = first is not second and first["container"] == second["container"] and \
                first["top"] < second["bottom"] and second["top"] < first["bottom"]
            if same_line and abs(first["top"] - second["top"]) > 1.5:
                problems.append(f"{first['text']!r} and {second['text']!r} share a line but not a top edge")
    return problems


def test_buttons_and_link_buttons_share_one_height_and_alignment(browser, member_state, site):
    visitor = browser.new_context(viewport=SIZES[1280], java_script_enabled=False)
    member = browser.new_context(viewport=SIZES[1280], java_script_enabled=False, storage_state=member_state)
    try:
        problems = []
        compare = "/tools/compare?" + "&".join(f"tool={slug}" for slug in site.sample.compared)
        pages = ((visitor, "/"), (member, "/"), (member, "/tools/"), (member, f"/tools/{site.sample.tool}"),
                 (member, compare), (member, f"/contact/requests/{site.sample.thread}"), (member, "/assessment/"))
        for context, path in pages:
            page = context.new_page()
            assert page.goto(site.base + path).status == 200, path
            problems += [f"{path}: {problem}" for problem in buttons_problems(page)]
            page.close()
        assert not problems, "\n".join(problems)
    finally:
        visitor.close()
        member.close()


ADMIN_PAGES = ("/admin/vetting", "/admin/users", "/admin/agencies", "/admin/audit", "/admin/contact/",
               "/admin/contact/overdue", "/admin/vocabularies/", "/admin/vocabularies/synonyms/")


def test_admin_tables_fit_1280_px_and_filter_rows_line_up(browser, site):
    context = browser.new_context(viewport=SIZES[1280], java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site.base, ADMIN, PASSWORD, totp_secret=site.admin_secret)
        expect(page.get_by_role("button", name="Sign out")).to_have_count(1)
        for path in ADMIN_PAGES:
            response = page.goto(site.base + path)
            assert response.status == 200, (path, response.status)
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
            for table in page.locator("main table").all():
                fits = table.evaluate("""t => { const box = t.closest('.table-scroll') || t.parentElement;
                    return t.getBoundingClientRect().width <= box.getBoundingClientRect().width + 1
                           || getComputedStyle(box).overflowX === 'auto'; }""")
                assert fits, f"{path}: a table wider than its region, which does not scroll"
            filters = page.locator("main form.filter-form")
            if filters.count():  # a filter row: its fields and its button one height, their bottoms on one line
                parts = filters.first.locator("input:not([type=hidden]):not([type=checkbox]), select, button").all()
                boxes = [part.bounding_box() for part in parts]
                assert len({round(box["height"]) for box in boxes}) == 1, f"{path}: {[b['height'] for b in boxes]}"
                for first in boxes:
                    for second in boxes:
                        if first["y"] < second["y"] + second["height"] and second["y"] < first["y"] + first["height"]:
                            assert abs(first["y"] - second["y"]) <= 1.5, f"{path}: a filter row does not line up"
            photograph(page, f"page-admin-{path.strip('/').replace('/', '-')}-1280")
    finally:
        context.close()


# ---- item 15: the inbox's triage --------------------------------------------------------------------------------

def test_a_point_of_contact_sees_unread_requests_and_sorts_the_inbox_by_date(browser, site):
    context = browser.new_context(viewport=SIZES[1280], java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site.base, "contact@demo.example", PASSWORD)
        page.goto(site.base + "/contact/?box=received")
        unread = page.locator("tr.request-unread")
        expect(unread.first.locator(".badge-unread")).to_be_visible()
        expect(unread.first.locator(".badge-unread")).to_have_text("Unread")
        deadlines = page.locator("table.request-table tbody tr td:nth-last-child(2)")
        for cell in deadlines.all():  # a date, or nothing: never a state's name
            assert cell.locator("time[datetime]").count() == 1 or cell.inner_text().startswith("—"), cell.inner_text()

        page.get_by_label("Sort by").select_option("newest")
        page.get_by_role("button", name="Show").click()
        page.wait_for_url(lambda url: asked(url).get("sort") == ["newest"])
        expect(page.get_by_role("columnheader", name="Date sent")).to_have_attribute("aria-sort", "descending")
        stamps = [stamp.get_attribute("datetime") for stamp in page.locator("tbody tr td:last-child time").all()]
        assert stamps == sorted(stamps, reverse=True) and len(stamps) > 1, stamps
    finally:
        context.close()


# ---- item 16: the comparison ------------------------------------------------------------------------------------

def test_the_comparison_marks_differences_and_prints_on_a4_landscape(browser, member_state, site):
    context = browser.new_context(viewport=SIZES[1280], storage_state=member_state)
    page = context.new_page()
    try:
        page.goto(site.base + "/tools/compare?" + "&".join(f"tool={slug}" for slug in site.sample.compared))
        marked = page.locator("table.compare tr.row-differs")
        expect(marked.first.locator(".differs-mark")).to_be_visible()
        expect(marked.first.get_by_role("rowheader")).to_contain_text("Differs")
        shoot(page, "compare", 1280)

        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        boxes = {tuple(float(n) for n in box.split()) for box in
                 re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+)\]", pdf) for box in [box.decode()]}
        assert boxes, "no page in the PDF"
        for _x, _y, width, height in boxes:
            assert (round(width), round(height)) == (842, 595), boxes  # A4 landscape, in points

        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1047, "height": 718})  # A4 landscape less the margins, in CSS pixels
        expect(page.locator(".site-header")).to_be_hidden()
        table, main = page.locator("table.compare").bounding_box(), page.locator("main").bounding_box()
        assert table["width"] <= main["width"] + 1 and table["x"] >= main["x"] - 1, (table, main)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1047
    finally:
        context.close()
