"""The trainings journey in Chromium, without JavaScript: a member opens the trainings list, opens a training,
enrols, finds it in My trainings, and gives the seat back."""

from __future__ import annotations

import pytest

from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD

TITLE = "Protecting your wellbeing when reviewing abuse material"  # a demo webinar, in Europe/London


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_copy(tmp_path_factory, demo_data_dir, "trainings-live",
                               ("member@harbour-police.example", "Mira Member"))


def test_a_member_enrols_from_the_list_and_finds_it_in_my_trainings(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, site.base, "member@harbour-police.example", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning Centre").click()
    page.get_by_role("heading", name="Trainings").get_by_role("link", name="Trainings").click()
    assert page.get_by_role("heading", name="Trainings", exact=True).is_visible()
    page.get_by_label("Kind").select_option("webinar")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=TITLE).click()
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert page.get_by_text("(Europe/London, UTC+0").first.is_visible()  # the training's zone and its offset
    page.get_by_role("button", name="Enrol").click()
    assert page.get_by_text("You are enrolled. The training is in My trainings").is_visible()
    assert page.get_by_role("button", name="Cancel my seat").is_visible()

    page.get_by_role("link", name="My trainings").first.click()
    enrolled = page.locator("section", has=page.get_by_role("heading", name="Enrolled"))
    assert enrolled.get_by_role("link", name=TITLE).is_visible()
    assert page.get_by_role("link", name="Download my calendar (.ics)").is_visible()

    enrolled.get_by_role("button", name="Cancel my seat").click()
    assert page.get_by_text("Your seat is cancelled.").is_visible()
    assert page.get_by_text("You are not enrolled in any upcoming training.").is_visible()
