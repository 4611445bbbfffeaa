"""What a person sees on every page, checked in the HTML (issue 21, items 11–16); the browser journeys are in
``tests/test_browser_header.py`` and ``tests/test_browser_polish.py``."""

from __future__ import annotations

import re

import pytest

from tests.conftest import read_only_demo


def test_the_header_names_the_service_with_a_mark_and_folds_its_menu_into_a_disclosure(client):
    html = client.get("/about").get_data(as_text=True)
    header = html[html.index('<header class="site-header">'):html.index("</header>")]
    brand = header[header.index('<a class="brand"'):header.index("</a>")]
    assert re.search(r'<svg class="brand-mark"[^>]*aria-hidden="true"', brand)
    assert "AI Tools Catalogue" in brand and "for child protection" in brand
    menu = header[header.index('<details class="site-menu">'):header.index("</details>")]
    assert re.search(r'<summary class="site-menu-button">.*Menu</summary>', menu)
    assert '<nav aria-label="Main">' in menu and 'class="language-switcher"' in menu
    assert "<script" not in html  # the menu opens without script


# ---- item 12: the catalogue's filters ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, demo_data_dir):
    """One copy of the demo catalogue for the tests that only read it."""
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "page-polish")


def vocabularies(html: str) -> dict[str, dict]:
    """Each filter group of the catalogue: whether it is open, the values shown at once and those behind "Show all"."""
    groups = {}
    for opened, body in re.findall(r'<details class="facet"( open)?>(.*?)</fieldset>\s*</details>', html, re.S):
        title = re.search(r'<span class="facet-title">([^<]*)</span>', body).group(1)
        shown, _, folded = body.partition('<details class="facet-more"')
        more = re.search(r'^( open)?>\s*<summary><span class="when-closed">([^<]*)</span>', folded)
        groups[title] = {
            "open": bool(opened), "shown": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"', shown),
            "folded": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"', folded),
            "more": more and more.group(2), "more_open": bool(more and more.group(1)),
            "checked": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"[^>]* checked>', body),
            "chosen": re.search(r'<span class="facet-chosen">([^<]*)</span>', body)}
    return groups


def test_each_vocabulary_folds_and_opens_when_it_has_a_selection(demo_site):
    html = demo_site.test_client().get("/tools/?technologies=computer-vision").get_data(as_text=True)
    groups = vocabularies(html)
    assert {"Purpose", "Technology", "Deployment"} <= set(groups)
    assert [title for title, group in groups.items() if group["open"]] == ["Technology"]
    assert groups["Technology"]["chosen"].group(1) == "1 selected"
    assert not groups["Purpose"]["chosen"]
    assert re.search(r'<fieldset class="facet-values">\s*<legend>Technology</legend>', html)  # the checkboxes' group


def test_a_vocabulary_shows_six_values_and_the_rest_behind_show_all(demo_site):
    client = demo_site.test_client()
    purpose = vocabularies(client.get("/tools/").get_data(as_text=True))["Purpose"]
    assert len(purpose["shown"]) == 6 and purpose["folded"]
    assert purpose["more"] == f"Show all {len(purpose['shown']) + len(purpose['folded'])}"
    assert not purpose["more_open"]

    folded_value = purpose["folded"][-1]
    chosen = vocabularies(client.get(f"/tools/?purposes={folded_value}").get_data(as_text=True))["Purpose"]
    assert chosen["open"] and chosen["more_open"]  # a chosen value is never hidden
    assert chosen["checked"] == [folded_value]
    small = [group for group in vocabularies(client.get("/tools/").get_data(as_text=True)).values()
             if len(group["shown"]) < 6]
    assert small and all(not group["folded"] and group["more"] is None for group in small)
