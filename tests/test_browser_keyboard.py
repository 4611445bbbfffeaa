"""Keyboard-only journeys in Chromium: searching the catalogue and sending a contact request with nothing but
``keyboard.press`` and ``keyboard.type``. At every step the focused element must show a focus indicator that
contrasts with what is around it and must be inside the viewport; the request form's tab order must follow its
visual order."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalogue.languages import COOKIE
from tests.browser import sign_in
from tests.demo_people import MEMBER, PASSWORD, serve_demo_people
from tests.translation_helpers import said

#: Enough Tab presses to cross the header, the filters and the cards; a trap or a lost focus fails long before.
MAX_TABS = 250

FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const box = element.getBoundingClientRect();
    let around = 'rgb(255, 255, 255)';
    for (let node = element.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (!/^rgba\\(.*,\\s*0\\)$/.test(colour) && colour !== 'transparent') { around = colour; break; }
    }
    return {
        tag: element.tagName.toLowerCase(), id: element.id, type: element.type || '', name: element.name || '',
        value: element.value || '', checked: !!element.checked, href: element.getAttribute('href') || '',
        text: (element.innerText || element.value || '').trim().slice(0, 80),
        outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColour: style.outlineColor, boxShadow: style.boxShadow, around: around,
        box: {x: box.x, y: box.y, width: box.width, height: box.height},
        onPage: {x: box.x + scrollX, y: box.y + scrollY, width: box.width, height: box.height},
        viewport: {width: innerWidth, height: innerHeight},
    };
}"""

COLOUR = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def luminance(colour: str) -> float:
    red, green, blue = (float(part) / 255 for part in COLOUR.search(colour).groups()[:3])
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def shadow_rings(box_shadow: str) -> list[tuple[str, float]]:
    """(colour, spread) of each solid ring in a computed ``box-shadow`` such as ``rgb(27, 31, 36) 0px 0px 0px 5px``."""
    rings = []
    for shadow in re.split(r",(?![^(]*\))", box_shadow if box_shadow != "none" else ""):
        colour = COLOUR.search(shadow)
        lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", COLOUR.sub("", shadow))]
        if colour and (colour.group(4) is None or float(colour.group(4)) > 0) and len(lengths) >= 4:
            rings.append((colour.group(0), lengths[3]))
    return rings


def focus_indicator_problem(focused: dict) -> str | None:
    """Why the focus cannot be seen (WCAG 2.4.7, with 1.4.11's 3:1 against the surroundings), or None."""
    box, viewport = focused["box"], focused["viewport"]
    if box["width"] <= 0 or box["height"] <= 0:
        return "the focused element has no size"
    if box["x"] + box["width"] <= 0 or box["y"] + box["height"] <= 0 or box["x"] >= viewport["width"] \
            or box["y"] >= viewport["height"]:
        return f"the focused element is outside the viewport: {box}"
    indicators = []
    if focused["outlineStyle"] != "none" and focused["outlineWidth"] >= 2:
        indicators.append((focused["outlineColour"], focused["outlineWidth"]))
    indicators += [(colour, spread) for colour, spread in shadow_rings(focused["boxShadow"]) if spread >= 2]
    if not indicators:
        return "no outline or box-shadow ring of at least 2px"
    if max(contrast(colour, focused["around"]) for colour, _ in indicators) < 3:
        return f"the focus ring {indicators} contrasts less than 3:1 with {focused['around']}"
    return None


def tab(page) -> dict:
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    problem = focus_indicator_problem(focused)
    assert problem is None, f"{problem} ({describe(focused)} on {page.url})"
    return focused


def tab_until(page, wanted, what: str, limit: int = MAX_TABS) -> dict:
    """Press Tab until ``wanted(focused)``; every element passed on the way must show its focus."""
    for _ in range(limit):
        focused = tab(page)
        if wanted(focused):
            return focused
    raise AssertionError(f"{what} not reached in {limit} presses of Tab on {page.url}")


def describe(focused: dict) -> str:
    return f"<{focused['tag']} id={focused['id']!r} name={focused['name']!r}> {focused['text']!r}"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_people(tmp_path_factory, demo_data_dir, "keyboard-live")


@pytest.fixture
def member_page(browser, site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in(page, site.base, MEMBER, PASSWORD, keyboard=True)
    yield page
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_search_skip_link_query_and_open_a_result_by_keyboard(member_page, site, language):
    page = member_page
    page.context.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    page.goto(site.base + "/tools/")
    skip = tab(page)
    assert skip["href"] == "#main" and skip["text"] == said(language, "Skip to main content")
    expect(page.get_by_role("link", name=said(language, "Skip to main content"))).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    search = tab(page)
    assert (search["tag"], search["id"]) == ("input", "q"), describe(search)
    page.keyboard.type("grooming chat")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=grooming\+chat"))

    tab_until(page, lambda f: f["href"] == "#results-title", "the link past the filters")
    expect(page.get_by_role("link", name=said(language, "Skip the filters to the results"))).to_be_in_viewport()
    page.keyboard.press("Enter")
    result = tab_until(page, lambda f: f["tag"] == "a" and re.fullmatch(r"/tools/[a-z0-9-]+", f["href"]),
                       "a result", limit=8)
    page.keyboard.press("Enter")
    page.wait_for_url(site.base + result["href"])
    expect(page.get_by_role("heading", level=1)).to_contain_text(result["text"])


def follows_visual_order(previous: dict, current: dict, right_to_left: bool) -> bool:
    """The next stop is further down, or on the same line further along the reading direction, or at the top of the
    next column of a multi-column list (CSS ``columns`` reads down, then along)."""
    before, after = previous["onPage"], current["onPage"]
    further_along = (after["x"] + after["width"] <= before["x"] + 1) if right_to_left \
        else (after["x"] >= before["x"] + before["width"] - 1)
    same_line = after["y"] < before["y"] + before["height"] and before["y"] < after["y"] + after["height"]
    below = after["y"] >= before["y"] + before["height"] - 1
    return below or ((same_line or after["y"] < before["y"]) and further_along)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_send_a_contact_request_from_a_tool_page_by_keyboard(member_page, site, language):
    page = member_page
    page.context.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    page.goto(f"{site.base}/tools/{site.sample.tool}")
    tab_until(page, lambda f: f["href"].startswith("/contact/new?") and f"agency={site.sample.agency}" in f["href"],
              "the link to ask an agency that uses the tool")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contact/new\?"))

    stops = [tab_until(page, lambda f: f["id"] == "agency", "the agency field")]
    assert stops[0]["value"] == site.sample.agency  # filled in from the link

    def next_stop() -> dict:
        stops.append(tab(page))
        return stops[-1]

    kind = next_stop()
    assert (kind["name"], kind["value"], kind["checked"]) == ("kind", "tool-experience", True)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('input[name=kind]:checked').value") == "case-cooperation"
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.querySelector('input[name=kind]:checked').value") == "tool-experience"
    assert next_stop()["id"] == "tool"
    assert next_stop()["id"] == "subject"
    page.keyboard.type(f"Keyboard only ({language}): long exports")
    assert next_stop()["id"] == "message"
    page.keyboard.type("How does the tool cope with very long exports?")
    page.keyboard.press("Enter")
    page.keyboard.type("Thank you.")
    ticked = 0
    while (stop := next_stop())["name"] == "languages":
        if not stop["checked"] and not ticked:
            page.keyboard.press("Space")
            ticked += 1
    assert ticked or page.locator("input[name=languages]:checked").count(), "no language ticked"
    urgency = stop
    assert (urgency["name"], urgency["value"], urgency["checked"]) == ("urgency", "routine", True)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('input[name=urgency]:checked').value") == "urgent"
    handling = next_stop()
    assert (handling["name"], handling["value"], handling["checked"]) == ("handling_code", "H0", False)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.querySelector('input[name=handling_code]:checked').value") == "H2"
    assert next_stop()["id"] == "handling_conditions"
    confirm = next_stop()
    assert (confirm["id"], confirm["checked"]) == ("confirm", False)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    submit = next_stop()
    assert (submit["tag"], submit["type"]) == ("button", "submit"), describe(submit)

    for previous, current in zip(stops, stops[1:], strict=False):
        assert follows_visual_order(previous, current, right_to_left=language == "ar"), \
            f"{describe(current)} at {current['onPage']} comes after {describe(previous)} at {previous['onPage']}"

    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/contact/requests/\d+$"))
    # checked without English wording, so the Arabic run holds with the translated interface
    expect(page.locator(".flashes .message-success")).to_contain_text(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name=f"Keyboard only ({language}): long exports")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"\bH2\b"))).to_be_visible()


@pytest.mark.parametrize(("outline", "shadow", "around", "seen"), [
    (("solid", 3, "rgb(255, 191, 71)"), "rgb(27, 31, 36) 0px 0px 0px 5px", "rgb(255, 255, 255)", True),
    (("solid", 3, "rgb(255, 191, 71)"), "none", "rgb(11, 79, 113)", True),  # yellow on the header's blue
    (("solid", 3, "rgb(255, 191, 71)"), "none", "rgb(255, 255, 255)", False),  # yellow alone on white: 1.6:1
    (("none", 0, "rgb(0, 0, 0)"), "none", "rgb(255, 255, 255)", False),
    (("none", 0, "rgb(0, 0, 0)"), "rgba(0, 0, 0, 0) 0px 0px 0px 4px", "rgb(255, 255, 255)", False),
    (("solid", 1, "rgb(0, 0, 0)"), "none", "rgb(255, 255, 255)", False),  # too thin
])
def test_focus_indicator_check(outline, shadow, around, seen):
    """The check the journeys rely on tells a visible focus ring from an invisible one."""
    style, width, colour = outline
    focused = {"outlineStyle": style, "outlineWidth": width, "outlineColour": colour, "boxShadow": shadow,
               "around": around, "box": {"x": 10, "y": 10, "width": 100, "height": 30},
               "viewport": {"width": 1280, "height": 800}}
    assert (focus_indicator_problem(focused) is None) is seen
    assert focus_indicator_problem({**focused, "box": {"x": 10, "y": 900, "width": 100, "height": 30}})
