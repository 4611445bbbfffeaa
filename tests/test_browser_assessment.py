"""The readiness self-assessment in Chromium, without JavaScript: a member answers the questionnaire (one question
forgotten at first, the other answers kept), sees the chart and the recommendations, saves the result and finds it
under My assessments."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from catalogue.assessment import questionnaire
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD

QUESTIONNAIRE = questionnaire.load()
LABELS = {point.value: point.label for point in QUESTIONNAIRE.scale}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_copy(tmp_path_factory, demo_data_dir, "assessment-live",
                               ("member@harbour-police.example", "Member"))


def answer(page, question_id: str, value: int) -> None:
    page.locator(f"#question-{question_id}").get_by_label(LABELS[value], exact=True).check()


def test_a_member_completes_the_questionnaire_sees_the_result_and_saves_it(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, site.base, "member@harbour-police.example", PASSWORD)
    page.get_by_role("link", name="Readiness self-assessment").click()
    page.get_by_label("Name of this assessment (optional)").fill("Cyber unit, before procurement")
    fairness = {q.id for q in QUESTIONNAIRE.principle("fairness").questions}
    for question in QUESTIONNAIRE.questions:
        if question.id != "gov-2":  # forgotten
            answer(page, question.id, 1 if question.id in fairness else 3)
    page.get_by_role("button", name="See my result").click()

    expect(page.get_by_role("heading", name="1 question is not answered yet")).to_be_visible()
    assert page.locator("#question-law-1").get_by_label("Mostly in place").is_checked()  # the others are kept
    assert page.get_by_label("Name of this assessment (optional)").input_value() == "Cyber unit, before procurement"
    page.get_by_role("link", name=QUESTIONNAIRE.question("gov-2").text).click()
    answer(page, "gov-2", 0)
    page.get_by_role("button", name="See my result").click()

    expect(page.get_by_role("heading", name="Cyber unit, before procurement")).to_be_visible()
    chart = page.get_by_role("img", name="Readiness score per principle, in percent")
    expect(chart).to_be_visible()
    assert page.locator(".score-chart rect.chart-bar").count() == 5
    expect(page.locator(".score-table").get_by_role("row", name="Fairness 25% Early")).to_be_visible()
    recommendations = page.locator(".recommendations")
    assert recommendations.locator("h3").first.inner_text().startswith("Fairness")  # the weakest first
    expect(recommendations.get_by_text(QUESTIONNAIRE.question("fair-1").recommendation)).to_be_visible()
    expect(recommendations.get_by_text(QUESTIONNAIRE.question("gov-2").recommendation)).to_be_visible()
    expect(recommendations.get_by_role("link", name="Bias and accuracy testing")).to_be_visible()

    page.get_by_role("button", name="Save to my assessments").click()
    expect(page.get_by_text("Saved to “My assessments”. Only you can see it.")).to_be_visible()
    page.get_by_role("link", name="My assessments").first.click()
    row = page.get_by_role("row", name="Cyber unit, before procurement")
    expect(row).to_be_visible()
    assert "Early" not in row.inner_text()
    row.get_by_role("link", name="Cyber unit, before procurement", exact=True).click()
    expect(page.get_by_role("img", name="Readiness score per principle, in percent")).to_be_visible()
