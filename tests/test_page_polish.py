"""What a person sees on every page, checked in the HTML (issue 21, items 11–16); the browser journeys are in
``tests/test_browser_header.py`` and ``tests/test_browser_polish.py``."""

from __future__ import annotations

import re


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
