"""Right-to-left layout in Chromium: in Arabic the key pages mirror (measured with bounding boxes and computed
styles), in English the same checks hold the other way round. Each page is also saved as a screenshot, in Arabic and
English at desktop and phone widths, under ``test-results/screenshots/`` (kept by CI as artefacts).

The pages use the shipped Arabic catalogue, so the measurements and screenshots hold for its real (often longer)
wording.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser import photograph, serve, signed_in_context
from tests.conftest import copy_data_dir, make_app
from tests.factories import PASSWORD, make_agency, make_user

DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}
MEMBER = "rania@harbour-police.example"
LANGUAGES = ("ar", "en")


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    """The demo catalogue with a few agencies in several regions and a member."""
    data_dir = tmp_path_factory.mktemp("rtl-live")
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police", country="FR")
        for slug, country in (("nile-police", "EG"), ("andes-unit", "PE"), ("sakura-hotline", "JP"),
                              ("rhine-police", "DE")):
            make_agency(slug, domains=(f"{slug}.example",), country=country)
        make_user("member", email=MEMBER, agency=agency, name="Rania Haddad")
    for base in serve(app):
        app.base = base
        yield app


def open_page(browser, site, language: str, viewport=DESKTOP, signed_in: bool = False) -> Page:
    if signed_in:  # in English, before the language is chosen
        context = signed_in_context(browser, site.base, MEMBER, PASSWORD, viewport=viewport)
    else:
        context = browser.new_context(viewport=viewport)
    page = context.new_page()
    context.add_cookies([{"name": "catalogue_language", "value": language, "url": site.base}])
    return page


def shoot(page: Page, name: str, language: str, viewport=DESKTOP) -> None:
    photograph(page, f"{name}-{language}-{'desktop' if viewport is DESKTOP else 'phone'}", full_page=True)


def box(locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, locator
    return {**found, "right": found["x"] + found["width"]}


def reads_before(first, second, language: str) -> bool:
    """Whether ``first`` lies wholly on the reading-start side of ``second``: right of it in Arabic."""
    a, b = box(first), box(second)
    return a["x"] >= b["right"] - 1 if language == "ar" else a["right"] <= b["x"] + 1


def text_edges(cell) -> tuple[float, float, float, float]:
    """The cell's left and right edges and those of its text (a DOM range over its contents)."""
    return cell.evaluate("""cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        const text = range.getBoundingClientRect(), own = cell.getBoundingClientRect();
        return [own.left, own.right, text.left, text.right];
    }""")


def assert_start_aligned(cell, language: str) -> None:
    style = cell.evaluate("cell => [getComputedStyle(cell).direction, getComputedStyle(cell).textAlign]")
    assert style[0] == ("rtl" if language == "ar" else "ltr")
    assert style[1] in ("start", "right" if language == "ar" else "left")
    left, right, text_left, text_right = text_edges(cell)
    if language == "ar":
        assert right - text_right < 16 and text_left - left > 0, (left, right, text_left, text_right)
    else:
        assert text_left - left < 16 and right - text_right > 0, (left, right, text_left, text_right)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_header_mirrors_brand_navigation_and_language_switcher(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/tools/")
    shoot(page, "catalogue", language)
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    nav = page.locator(".site-header nav")
    assert reads_before(page.locator(".brand"), page.locator(".site-tools"), language)  # account links, language
    brand_box, nav_box = box(page.locator(".brand")), box(nav)
    assert brand_box["y"] + brand_box["height"] <= nav_box["y"] + 1  # the navigation has the row under them
    items = nav.locator(":scope > ul > li")
    first, others = box(items.first), [box(items.nth(i)) for i in range(1, items.count())]
    if language == "ar":
        assert all(first["right"] >= other["right"] - 1 for other in others)
        assert abs(first["right"] - brand_box["right"]) < 2  # starts under the brand
    else:
        assert all(first["x"] <= other["x"] + 1 for other in others)
        assert abs(first["x"] - brand_box["x"]) < 2
    assert reads_before(items.nth(0), items.nth(1), language)
    switcher = page.locator(".language-switcher")
    assert reads_before(switcher.locator("label"), switcher.locator("select"), language)
    assert reads_before(switcher.locator("select"), switcher.locator("button"), language)
    phone = open_page(browser, site, language, PHONE)
    phone.goto(site.base + "/tools/")
    brand, width = box(phone.locator(".brand")), PHONE["width"]
    assert (width - brand["right"] if language == "ar" else brand["x"]) < 30  # at the reading side's edge
    shoot(phone, "catalogue", language, PHONE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_filter_chips_facets_and_pagination_mirror(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/tools/?purposes=known-csam-detection&technologies=computer-vision")
    chips = page.locator(".active-filters .chip")
    assert chips.count() == 2
    assert reads_before(chips.nth(0), chips.nth(1), language)  # the first chip is rightmost in Arabic
    facet = page.locator(".facet li").first
    assert reads_before(facet.locator("input"), facet.locator("label"), language)  # checkbox, then its label
    assert reads_before(page.locator(".facets"), page.locator(".results"), language)
    card_chips = page.locator(".tool-card .chips").first.locator(".chip")
    if card_chips.count() > 1 and box(card_chips.nth(0))["y"] == box(card_chips.nth(1))["y"]:  # not wrapped
        assert reads_before(card_chips.nth(0), card_chips.nth(1), language)
    shoot(page, "catalogue-filtered", language)

    page.goto(site.base + "/tools/?page=2")
    pages = page.locator("nav.pagination")
    assert reads_before(pages.locator("a[rel=prev]"), pages.locator("a[rel=next]"), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_tool_page_breadcrumbs_and_compare_table_mirror(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/tools/amberline-hash")
    crumbs = page.locator(".breadcrumbs")
    assert reads_before(crumbs.locator("a"), crumbs.locator("[aria-current=page]"), language)
    facts = page.locator(".tool-facts")
    assert reads_before(page.locator(".tool-description"), facts, language)
    shoot(page, "tool", language)

    page.goto(site.base + "/tools/compare?tool=amberline-hash&tool=alderwisp-device-triage")
    table = page.locator("table.compare")
    row = table.locator("tbody tr").first
    assert reads_before(row.locator("th"), row.locator("td").first, language)  # headings column at the start
    assert reads_before(row.locator("td").nth(0), row.locator("td").nth(1), language)  # first tool at the start
    assert_start_aligned(row.locator("th"), language)
    assert_start_aligned(table.locator("thead th").first, language)
    shoot(page, "compare", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_heat_map_mirrors_and_its_turned_headings_stay_readable(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/workflow")
    heatmap = page.locator("table.heatmap")
    row = heatmap.locator("tbody tr").first
    assert reads_before(row.locator("th"), row.locator("td").first, language)  # the step names' column first
    assert reads_before(row.locator("td").nth(0), row.locator("td").nth(1), language)
    assert_start_aligned(row.locator("th"), language)
    heading = heatmap.locator(".heatmap-column span").first
    turned = box(heading)
    assert turned["height"] > turned["width"]  # written sideways, as a column heading
    assert heading.evaluate("span => getComputedStyle(span).writingMode") == "sideways-lr"
    column = heatmap.locator("thead th").nth(1)
    assert abs(box(column)["x"] + box(column)["width"] / 2 - (box(row.locator("td").first)["x"]
                                                            + box(row.locator("td").first)["width"] / 2)) < 2
    heatmap.scroll_into_view_if_needed()
    shoot(page, "workflow", language)
    phone = open_page(browser, site, language, PHONE)
    phone.goto(site.base + "/workflow")
    shoot(phone, "workflow", language, PHONE)
    # the wide table scrolls in its own box; the page itself does not (to the left, in Arabic)
    assert phone.evaluate("document.documentElement.scrollWidth") == PHONE["width"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_assessment_chart_puts_labels_at_the_start_and_bars_grow_away_from_them(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/assessment/")
    radios = page.locator(".scale-options li").first
    assert reads_before(radios.locator("input"), radios.locator("label"), language)  # a radio, then its label
    assert_start_aligned(page.locator("fieldset.question p.hint").first, language)
    shoot(page, "assessment-questionnaire", language)
    for index, question in enumerate(page.locator("fieldset.question").all()):
        question.locator("input[type=radio]").nth(index % 5).check()
    page.locator("form.questionnaire button.button-start").click()
    page.wait_for_load_state("load")  # measured before the result page had laid out, under a busy machine
    chart = page.locator("svg.score-chart")
    chart.wait_for(state="visible")
    labels, bars, values = chart.locator(".chart-label"), chart.locator("rect.chart-bar"), chart.locator(".chart-value")
    for index in range(labels.count()):
        assert reads_before(labels.nth(index), bars.nth(index), language)  # the label, then the bar
        assert reads_before(bars.nth(index), values.nth(index), language)  # then its value, readable
    ticks = chart.locator(".chart-tick")
    assert reads_before(ticks.first, ticks.last, language)  # 0 % at the axis beside the labels
    assert_start_aligned(page.locator("table.score-table thead th").first, language)
    shoot(page, "assessment-result", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_forms_put_labels_checkboxes_hints_and_errors_on_the_start_side(browser, site, language):
    page = open_page(browser, site, language)
    page.goto(site.base + "/account/register")
    page.locator("main form button[type=submit]").last.click()  # nothing filled in: errors
    error = page.locator(".field-error").first
    field = page.locator(".field-invalid").first
    label = field.locator("label").first
    assert_start_aligned(label, language)
    assert_start_aligned(error, language)
    check = page.locator(".field-check").first
    assert reads_before(check.locator("input"), check.locator("label"), language)
    shoot(page, "register-errors", language)
    phone = open_page(browser, site, language, PHONE)
    phone.goto(site.base + "/account/register")
    phone.locator("main form button[type=submit]").last.click()
    shoot(phone, "register-errors", language, PHONE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_agency_map_is_not_mirrored_and_its_labels_stay_inside_over_their_tiles(browser, site, language):
    page = open_page(browser, site, language, signed_in=True)
    page.goto(site.base + "/agencies/")
    svg = page.locator("svg.coverage-svg")
    frame = box(svg)
    first_tile = svg.locator(".map-tile").first
    tile = box(first_tile)
    assert tile["x"] - frame["x"] < 2  # tiles keep their places: the first one on the left in both directions
    region = box(svg.locator(".map-region").first)
    assert abs(region["x"] - tile["x"]) < 2  # over the left end of its tiles, inside the drawing, in both
    assert region["right"] < frame["x"] + frame["width"] / 2
    svg.scroll_into_view_if_needed()
    shoot(page, "agency-directory", language)
