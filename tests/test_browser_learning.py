"""The Learning Centre journey in Chromium without JavaScript: from the workflow page to a filtered catalogue, a
tool, the guidance it needs, a short self-assessment and a training."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalogue.assessment import questionnaire
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD

QUESTIONNAIRE = questionnaire.load()


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_copy(tmp_path_factory, demo_data_dir, "learning-live",
                               ("learner@harbour-police.example", "Learner"))


def test_workflow_to_tool_to_guidance_to_assessment_to_training(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, site.base, "learner@harbour-police.example", PASSWORD)

    page.get_by_role("link", name="Learning Centre").click()
    page.get_by_role("link", name="The investigative workflow").click()
    step = page.locator("#step-victim-identification")
    count_link = step.get_by_role("link", name=re.compile(r"^\d+ tools?$"))
    count = int(count_link.inner_text().split()[0])
    count_link.click()
    assert re.search(rf"of {count} tools?\b", page.locator(".result-count").inner_text())  # the catalogue's count
    assert page.locator("#f-workflow_steps-victim-identification").is_checked()

    page.goto(site.base + "/tools/?workflow_steps=victim-identification&technologies=face-analysis")
    page.locator(".tool-card-title a").first.click()
    before = page.locator(".before-use")
    expect(before.get_by_role("heading", name="Before you use this tool")).to_be_visible()
    before.get_by_role("link", name=re.compile("^Face analysis")).click()
    expect(page.get_by_role("heading", level=1, name=re.compile("^Face analysis"))).to_be_visible()
    expect(page.get_by_role("heading", name="Tools this guidance concerns")).to_be_visible()

    page.get_by_role("link", name="Learning Centre").click()
    page.get_by_role("link", name="Readiness self-assessment").click()
    scale = {point.value: point.label for point in QUESTIONNAIRE.scale}
    for question in QUESTIONNAIRE.questions:
        page.locator(f"#question-{question.id}").get_by_label(scale[2], exact=True).check()
    page.get_by_role("button", name="See my result").click()
    expect(page.get_by_role("img", name="Readiness score per principle, in percent")).to_be_visible()
    expect(page.locator(".score-table").get_by_role("row", name=re.compile("^Lawfulness 50%"))).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learning Centre").click()
    page.get_by_role("heading", name="Trainings").get_by_role("link", name="Trainings").click()
    open_cards = page.locator(".training-card").filter(has_text=re.compile("seats? free")).filter(
        has_not_text=re.compile("Registration closed|Already started"))
    title = open_cards.first.locator(".training-card-title a").inner_text()
    open_cards.first.locator(".training-card-title a").click()
    page.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("You are enrolled. The training is in My trainings")).to_be_visible()
    page.get_by_role("link", name="My trainings").first.click()
    enrolled = page.locator("section", has=page.get_by_role("heading", name="Enrolled"))
    expect(enrolled.get_by_role("link", name=title)).to_be_visible()
