"""The trainings journey in Chromium, without JavaScript: a member opens the trainings list, opens a training,
enrols, finds it in My trainings, and gives the seat back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

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
    expect(page.get_by_role("heading", name="Trainings", exact=True)).to_be_visible()
    page.get_by_label("Kind").select_option("webinar")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("(Europe/London, UTC+0").first).to_be_visible()  # the training's zone and its offset
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled. The training is in My trainings")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel my seat")).to_be_visible()

    page.get_by_role("link", name="My trainings").first.click()
    enrolled = page.locator("section", has=page.get_by_role("heading", name="Enrolled"))
    expect(enrolled.get_by_role("link", name=TITLE)).to_be_visible()
    expect(page.get_by_role("link", name="Download my calendar (.ics)")).to_be_visible()

    enrolled.get_by_role("button", name="Cancel my seat").click()
    expect(page.get_by_text("Your seat is cancelled.")).to_be_visible()
    expect(page.get_by_text("You are not enrolled in any upcoming training.")).to_be_visible()
