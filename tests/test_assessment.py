"""The readiness self-assessment: content, scoring, the questionnaire, results, saved assessments and their privacy."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import func, select

from catalogue import create_app
from catalogue.assessment import chart, scoring
from catalogue.assessment import questionnaire as qn
from catalogue.assessment.questionnaire import PRINCIPLE_SLUGS, QuestionnaireError
from catalogue.curation.demo import DEMO_DIR
from catalogue.extensions import db
from catalogue.models import Assessment, AuditEvent, User
from tests.auth import csrf_token, signed_in
from tests.conftest import make_app

#: The demo guidance pages: the questionnaire may recommend only pages that exist.
GUIDANCE_SLUGS = {path.stem for path in DEMO_DIR.glob("*.json")}

QUESTIONNAIRE = qn.load()


def answers_by_principle(**values: list[int]) -> dict[str, int]:
    """Answers given per principle (keyword = slug with underscores), in the questionnaire's question order."""
    answers = {}
    for principle in QUESTIONNAIRE.principles:
        given = values[principle.slug.replace("-", "_")]
        assert len(given) == len(principle.questions), principle.slug
        answers.update(zip((q.id for q in principle.questions), given, strict=True))
    return answers


def every(value: int) -> dict[str, int]:
    return {q.id: value for q in QUESTIONNAIRE.questions}


def form_data(answers: dict[str, int], token: str, name: str = "", **extra) -> dict[str, str]:
    return {"csrf_token": token, "name": name, **{key: str(value) for key, value in answers.items()}, **extra}


def count(app, model=Assessment) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


MIXED = answers_by_principle(
    lawfulness=[4, 4, 4, 4, 4, 4],  # 24 / 24 → 100
    minimisation_of_harm=[0, 1, 2, 3, 4, 2],  # 12 / 24 → 50
    human_autonomy=[1, 1, 1, 1, 1, 1],  # 6 / 24 → 25
    fairness=[3, 3, 3, 3, 3, 2],  # 17 / 24 → 70.83 → 71
    good_governance=[4, 4, 4, 4, 4, 4, 3],  # 27 / 28 → 96.43 → 96
)


# Content ------------------------------------------------------------------------------------------------------------

def test_the_questionnaire_covers_exactly_the_five_principles_with_enough_questions():
    assert tuple(p.slug for p in QUESTIONNAIRE.principles) == PRINCIPLE_SLUGS
    assert len(QUESTIONNAIRE.questions) >= 30
    assert all(len(p.questions) >= 6 for p in QUESTIONNAIRE.principles)
    ids = [q.id for q in QUESTIONNAIRE.questions]
    assert len(ids) == len(set(ids))
    assert [point.value for point in QUESTIONNAIRE.scale] == [0, 1, 2, 3, 4]
    assert QUESTIONNAIRE.scale_label(0) == "Not in place" and QUESTIONNAIRE.scale_label(4) == "Fully in place"
    for question in QUESTIONNAIRE.questions:
        assert question.text.endswith("?") and question.help.startswith("Fully in place:"), question.id
        assert len(question.recommendation) > 40, question.id


def test_every_guidance_slug_is_a_page_that_exists():
    used = {slug for p in QUESTIONNAIRE.principles for slug in p.guidance}
    used |= {slug for q in QUESTIONNAIRE.questions for slug in q.guidance}
    assert used <= GUIDANCE_SLUGS
    assert set(QUESTIONNAIRE.guidance_titles) <= GUIDANCE_SLUGS
    assert all(p.guidance[0] == f"principle-{p.slug}" for p in QUESTIONNAIRE.principles)


@pytest.mark.parametrize(("damage", "message"), [
    (lambda d: d["principles"].pop(), "principles must be exactly"),
    (lambda d: d["principles"][0]["questions"].pop(), "at least 6 questions"),
    (lambda d: d["principles"][1]["questions"][0].update(id="law-1"), "used twice"),
    (lambda d: d["principles"][0]["questions"][0].update(guidance=["no-such-page"]), "not declared"),
    (lambda d: d["principles"][0]["questions"][0].update(recommendation=""), "'recommendation' must be"),
    (lambda d: d["scale"].pop(), "scale values"),
    (lambda d: d.pop("version"), "'version'"),
])
def test_a_malformed_questionnaire_is_refused_with_a_clear_message(damage, message):
    data = json.loads(qn.DATA_FILE.read_text(encoding="utf-8"))
    damage(data)
    with pytest.raises(QuestionnaireError, match=message):
        qn.parse(data)


def test_a_malformed_questionnaire_file_stops_the_app_from_starting(tmp_path, monkeypatch):
    broken = tmp_path / "assessment.json"
    broken.write_text('{"version": "x", "scale": [', encoding="utf-8")
    monkeypatch.setattr(qn, "DATA_FILE", broken)
    with pytest.raises(QuestionnaireError, match="cannot be read as JSON"):
        create_app({"TESTING": True, "CATALOGUE_DATA_DIR": tmp_path / "data"})


# Scoring ------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "expected", "overall", "level"), [
    (every(0), dict.fromkeys(PRINCIPLE_SLUGS, 0), 0, "early"),
    (every(4), dict.fromkeys(PRINCIPLE_SLUGS, 100), 100, "established"),
    (every(2), dict.fromkeys(PRINCIPLE_SLUGS, 50), 50, "developing"),
    (MIXED, {"lawfulness": 100, "minimisation-of-harm": 50, "human-autonomy": 25, "fairness": 71,
             "good-governance": 96}, 68, "developing"),  # (100 + 50 + 25 + 71 + 96) / 5 = 68.4
    (answers_by_principle(lawfulness=[3, 3, 3, 2, 2, 2], minimisation_of_harm=[0, 0, 0, 0, 0, 1],
                          human_autonomy=[4, 4, 4, 4, 3, 3], fairness=[1, 2, 1, 2, 1, 2],
                          good_governance=[0, 1, 2, 3, 4, 0, 1]),
     {"lawfulness": 63, "minimisation-of-harm": 4, "human-autonomy": 92, "fairness": 38, "good-governance": 39},
     47, "developing"),  # 15/24 = 62.5 rounds up; 1/24 = 4.17; 22/24 = 91.67; 9/24 = 37.5; 11/28 = 39.29
])
def test_each_principle_is_scored_exactly(answers, expected, overall, level):
    scores = scoring.score(QUESTIONNAIRE, answers)
    assert {p.slug: p.score for p in scores.principles} == expected
    assert (scores.overall, scores.level) == (overall, level)
    assert scoring.Scores.from_json(json.loads(json.dumps(scores.to_json()))) == scores


def test_levels_change_at_40_and_70():
    assert [scoring.level_for(v) for v in (0, 39, 40, 69, 70, 100)] == [
        "early", "early", "developing", "developing", "established", "established"]
    levels = {p.slug: p.level for p in scoring.score(QUESTIONNAIRE, MIXED).principles}
    assert levels == {"lawfulness": "established", "minimisation-of-harm": "developing",
                      "human-autonomy": "early", "fairness": "established", "good-governance": "established"}


def test_unknown_ids_do_not_count_and_a_principle_without_answers_has_no_score():
    answers = {**{q.id: 4 for q in QUESTIONNAIRE.principle("lawfulness").questions}, "zzz-1": 0}
    scores = scoring.score(QUESTIONNAIRE, answers)
    assert scores.of("lawfulness").score == 100 and scores.of("fairness").score is None
    assert scores.overall == 100


# The questionnaire page ---------------------------------------------------------------------------------------------

def test_the_questionnaire_is_accessible_and_has_no_inline_styles(client):
    response = client.get("/assessment/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200  # anonymous visitors may take it while public browsing is on
    assert html.count('<fieldset class="principle"') == 5
    assert html.count('<fieldset class="question') == len(QUESTIONNAIRE.questions)
    assert 'aria-describedby="law-1-help"' in html and 'id="law-1-help"' in html
    assert '<label for="law-1-4">Fully in place</label>' in html
    assert 'type="radio"' in html and "style=" not in html and "<style" not in html and "<script" not in html


def test_missing_answers_keep_the_others_and_are_listed_with_links(client):
    answers = {key: value for key, value in MIXED.items() if key not in ("law-3", "gov-7")}
    response = client.post("/assessment/", data=form_data(answers, csrf_token(client, "/assessment/"),
                                                          name="Cyber unit"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "2 questions are not answered yet" in html
    assert 'href="#law-3-0"' in html and 'href="#gov-7-0"' in html and 'href="#law-1-0"' not in html
    assert 'id="law-3-error"' in html and 'aria-describedby="law-3-help law-3-error"' in html
    checked = set(re.findall(r'<input checked id="([a-z]+-\d+)-\d"', html))
    assert checked == set(answers)
    assert re.search(r"<input checked id=\"harm-1-0\"", html)  # an answer of 0 is kept too
    assert 'value="Cyber unit"' in html


@pytest.mark.parametrize("forged", ["7", "-1", "abc", "", "2.5", "４", " 4", "04"])
def test_forged_values_are_refused_without_failing_and_nothing_is_stored(app, forged):
    client = signed_in(app)
    token = csrf_token(client, "/assessment/")
    data = form_data({**MIXED, "zzz-99": 3}, token)
    data["law-2"] = forged
    for path in ("/assessment/", "/assessment/save", "/assessment/download"):
        response = client.post(path, data={**data, "format": "csv"})
        html = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert 'href="#law-2-0"' in html and "Choose one of the five answers." in html
        assert "zzz-99" not in html
    assert count(app) == 0


def test_unknown_question_ids_are_ignored(client):
    response = client.post("/assessment/", data=form_data({**every(4), "zzz-99": 0, "law-1x": 0},
                                                          csrf_token(client, "/assessment/")))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and '<span class="score-number">100%</span>' in html
    assert "zzz-99" not in html


# The result ---------------------------------------------------------------------------------------------------------

def test_the_result_shows_scores_chart_table_and_weakest_first_recommendations_without_storing(app, client):
    response = client.post("/assessment/", data=form_data(MIXED, csrf_token(client, "/assessment/"),
                                                          name="Cyber unit, before procurement"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Cyber unit, before procurement</h1>" in html
    assert '<span class="score-number">68%</span>' in html
    chart = html.index("<svg", html.index('<main id="main"'))  # the chart, not the site's own header mark
    svg = html[chart:html.index("</svg>", chart)]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "Fairness: 71% (Established)" in svg
    assert "style" not in svg and "<script" not in html and "style=" not in html
    table = html[html.index('<table class="data-table score-table">'):]
    assert re.search(r'<th scope="row">Human autonomy</th>\s*<td>25%</td>\s*<td>Early</td>', table)
    weakest = html.index('id="start-human-autonomy"')
    assert weakest < html.index('id="start-minimisation-of-harm"') < html.index('id="start-fairness"') < html.index(
        'id="start-good-governance"') < html.index('id="start-lawfulness"')
    autonomy = QUESTIONNAIRE.principle("human-autonomy")
    for question in autonomy.questions:  # all answered 1: weak, each with its recommendation
        assert question.recommendation.replace("'", "&#39;") in html
    assert QUESTIONNAIRE.question("law-1").recommendation not in html  # fully in place: nothing to do
    assert 'href="/guidance/principle-human-autonomy"' in html
    assert 'href="/guidance/human-oversight-of-automated-results"' in html
    assert 'href="/guidance/principle-lawfulness"' not in html  # lawfulness has no weak answers
    assert "This result is not stored anywhere" in html
    assert count(app) == 0


def test_the_chart_has_a_fixed_percent_scale_and_bars_coloured_by_level(app):
    with app.test_request_context():
        drawing = chart.bar_chart(["Fairness", "Lawfulness"], [[(71, "established"), (None, None)]])
    assert [(tick.text, tick.x) for tick in drawing.ticks] == [
        ("0%", 200), ("25%", 290), ("50%", 380), ("75%", 470), ("100%", 560)]
    fairness, lawfulness = (row.bars[0] for row in drawing.rows)
    assert (fairness.width, fairness.text, fairness.css_class) == (255.6, "71%", "chart-level-established")
    assert (lawfulness.value, lawfulness.width, lawfulness.text) == (None, 0, "no answers")


def test_the_result_page_carries_the_answers_to_save_download_print_and_change(client):
    html = client.post("/assessment/", data=form_data(MIXED, csrf_token(client, "/assessment/"))).get_data(
        as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z]+-\d+)" value="(\d)">', html))
    assert hidden == {key: str(value) for key, value in MIXED.items()}
    assert 'formaction="/assessment/download" name="format" value="csv"' in html
    assert 'formaction="/assessment/" name="layout" value="print"' in html
    assert 'formaction="/assessment/" name="layout" value="edit"' in html
    token = csrf_token(client, "/assessment/")
    printed = client.post("/assessment/", data=form_data(MIXED, token, layout="print")).get_data(as_text=True)
    assert re.search(r'href="/static/css/print.css\?v=\w+" media="all"', printed)
    assert '<details class="answer-details" open>' in printed
    edit = client.post("/assessment/", data=form_data(MIXED, token, layout="edit"))
    assert edit.status_code == 200 and re.search(r'<input checked id="law-1-4"', edit.get_data(as_text=True))


def test_an_unsaved_result_downloads_as_csv_and_json_without_storing(app, client):
    token = csrf_token(client, "/assessment/")
    response = client.post("/assessment/download", data=form_data(MIXED, token, name="=Cyber", format="csv"))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="readiness-self-assessment')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["kind"] == "assessment" and rows[0]["text"] == "'=Cyber" and rows[0]["score_percent"] == "68"
    assert [r["id"] for r in rows if r["kind"] == "question"] == [q.id for q in QUESTIONNAIRE.questions]
    document = client.post("/assessment/download", data=form_data(MIXED, token, format="json")).get_json()
    assert document["overall"] == {"score_percent": 68, "level": "developing"} and document["created_at"] is None
    refused = client.post("/assessment/download", data=form_data(MIXED, token, format="xlsx"))
    assert refused.status_code == 400
    assert count(app) == 0


# Never losing answers -----------------------------------------------------------------------------------------------

def test_an_expired_form_gives_the_answers_back_and_changes_nothing(app):
    client = signed_in(app)
    response = client.post("/assessment/save", data=form_data(MIXED, "expired-token", name="Kept"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "nothing was changed" in html
    assert 'name="gov-7" value="3"' in html and 'value="Kept"' in html  # the result page again, ready to save
    partial = client.post("/assessment/", data=form_data({"law-1": 2}, "expired-token"))
    assert partial.status_code == 400 and re.search(r'<input checked id="law-1-2"', partial.get_data(as_text=True))
    assert count(app) == 0


def test_answers_sent_after_the_session_ended_come_back_instead_of_being_lost(closed_app):
    client = closed_app.test_client()
    token = csrf_token(client)
    response = client.post("/assessment/", data=form_data({"law-1": 3, "law-2": 1}, token))
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "or your session has ended), so nothing was done yet" in html
    assert re.search(r'<input checked id="law-1-3"', html) and 'target="_blank"' in html
    assert client.get("/assessment/").status_code == 302  # nothing else opens for anonymous visitors
    assert client.post("/assessment/save", data={"csrf_token": token}).status_code == 302
    assert count(closed_app) == 0


def test_anonymous_visitors_may_take_it_but_must_sign_in_to_save(app, client):
    token = csrf_token(client, "/assessment/")
    result = client.post("/assessment/", data=form_data(MIXED, token)).get_data(as_text=True)
    assert "Sign in first (in a new tab)" in result
    response = client.post("/assessment/save", data=form_data(MIXED, token))
    assert response.status_code == 401 and 'name="law-1" value="4"' in response.get_data(as_text=True)
    assert count(app) == 0


# Saved assessments --------------------------------------------------------------------------------------------------

def save(client, answers, name=""):
    response = client.post("/assessment/save", data=form_data(answers, csrf_token(client, "/assessment/"), name=name))
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def test_save_list_open_compare_and_delete_my_own(app):
    client = signed_in(app)
    first = save(client, every(1), name="Cyber unit,\n before procurement")
    assert re.fullmatch(r"/assessment/mine/\d+", first)
    with app.app_context():
        stored = db.session.scalars(select(Assessment)).one()
        assert (stored.user_id, stored.name, stored.questionnaire_version) == (
            client.user_id, "Cyber unit, before procurement", QUESTIONNAIRE.version)
        assert stored.answers == every(1) and stored.scores["overall"] == 25
        assert stored.scores["principles"]["fairness"] == {"score": 25, "level": "early", "answered": 6,
                                                           "questions": 6}
    opened = client.get(first).get_data(as_text=True)
    assert "<h1>Cyber unit, before procurement</h1>" in opened and '<span class="score-number">25%</span>' in opened
    assert "Saved to “My assessments”" in opened
    second = save(client, MIXED, name="After training")
    listing = client.get("/assessment/mine").get_data(as_text=True)
    assert listing.index("After training") < listing.index("Cyber unit, before procurement")
    first_id, second_id = first.rsplit("/", 1)[1], second.rsplit("/", 1)[1]
    compared = client.get(f"/assessment/compare?first={second_id}&second={first_id}")
    html = compared.get_data(as_text=True)
    assert compared.status_code == 200
    assert html.count('<rect class="chart-bar score-series-0" x=') == 5
    assert html.count('<rect class="chart-bar score-series-1" x=') == 5
    assert re.search(r'<th scope="row">Lawfulness</th>\s*<td>25%</td>\s*<td>100%</td>\s*<td><span class="change-up">'
                     r'\+75</span></td>', html)  # the earlier one first, whatever order they were chosen in
    assert re.search(r"<td>[^<]*which law allows you[^<]*</td>\s*<td>Planned</td>\s*<td>Fully in place</td>\s*"
                     r'<td><span class="change-up">\+3</span></td>', html)
    assert client.get(f"/assessment/compare?first={first_id}&second={first_id}").status_code == 400
    assert client.get("/assessment/compare?first=x&second=1").status_code == 400
    assert client.get(f"/assessment/compare?first={first_id}").status_code == 200  # choosing the second one
    confirm = client.get(f"{first}/delete")
    assert confirm.status_code == 200 and "Delete “Cyber unit, before procurement”?" in confirm.get_data(as_text=True)
    deleted = client.post(f"{first}/delete", data={"csrf_token": csrf_token(client, f"{first}/delete")})
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/assessment/mine"
    assert client.get(first).status_code == 404 and count(app) == 1
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.action)).all()
    assert not [action for action in events if "assess" in action]  # nothing about assessments is audited


def test_a_new_assessment_can_start_from_an_earlier_one(app):
    client = signed_in(app)
    saved = save(client, MIXED, name="Before")
    html = client.get(f"{saved}/again").get_data(as_text=True)
    assert "The answers of “Before”" in html and 'value="Before"' in html
    assert set(re.findall(r'<input checked id="([a-z]+-\d+-\d)"', html)) == {
        f"{key}-{value}" for key, value in MIXED.items()}
    assert count(app) == 1  # nothing new until it is saved


def test_a_saved_assessment_exports_as_csv_and_json_and_prints(app):
    client = signed_in(app)
    saved = save(client, MIXED, name="@risk unit")
    response = client.get(f"{saved}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert re.fullmatch(r'attachment; filename="readiness-self-assessment-\d+-\d{4}-\d\d-\d\d\.csv"',
                        response.headers["Content-Disposition"])
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == {"kind": "assessment", "principle": "", "id": QUESTIONNAIRE.version, "text": "'@risk unit",
                       "answer": "", "answer_label": "", "score_percent": "68", "level": "developing",
                       "recommendation": ""}
    principles = {r["principle"]: r["score_percent"] for r in rows if r["kind"] == "principle"}
    assert principles == {"lawfulness": "100", "minimisation-of-harm": "50", "human-autonomy": "25",
                          "fairness": "71", "good-governance": "96"}
    harm_1 = next(r for r in rows if r["id"] == "harm-1")
    assert (harm_1["answer"], harm_1["answer_label"]) == ("0", "Not in place")
    assert harm_1["recommendation"] == QUESTIONNAIRE.question("harm-1").recommendation
    assert next(r for r in rows if r["id"] == "law-1")["recommendation"] == ""
    document = client.get(f"{saved}.json").get_json()
    assert document["format"] == "readiness-self-assessment" and document["name"] == "@risk unit"
    assert document["questionnaire_version"] == QUESTIONNAIRE.version and document["created_at"].endswith("Z")
    assert [p["slug"] for p in document["principles"]] == list(PRINCIPLE_SLUGS)
    fairness = document["principles"][3]
    assert (fairness["score_percent"], fairness["level"]) == (71, "established")
    assert {a["id"]: a["answer"] for p in document["principles"] for a in p["answers"]} == MIXED
    printed = client.get(f"{saved}/print").get_data(as_text=True)
    assert re.search(r'href="/static/css/print.css\?v=\w+" media="all"', printed) and "Keep this result" not in printed


@pytest.mark.parametrize("role", ["member", "curator", "admin"])
def test_someone_elses_assessment_is_not_found_on_every_route(app, role):
    owner = signed_in(app, email="owner@harbour-police.example")
    theirs = save(owner, MIXED, name="Private to the owner").rsplit("/", 1)[1]
    other = signed_in(app, role, email=f"other-{role}@harbour-police.example")
    mine = save(other, every(2)).rsplit("/", 1)[1]
    token = csrf_token(other, "/assessment/")
    for path in (f"/assessment/mine/{theirs}", f"/assessment/mine/{theirs}/print", f"/assessment/mine/{theirs}.csv",
                 f"/assessment/mine/{theirs}.json", f"/assessment/mine/{theirs}/again",
                 f"/assessment/mine/{theirs}/delete", f"/assessment/compare?first={theirs}&second={mine}",
                 f"/assessment/compare?first={mine}&second={theirs}", "/assessment/mine/99999999999"):
        assert other.get(path).status_code == 404, path
    assert other.post(f"/assessment/mine/{theirs}/delete", data={"csrf_token": token}).status_code == 404
    assert "Private to the owner" not in other.get("/assessment/mine").get_data(as_text=True)
    assert count(app) == 2 and owner.get(f"/assessment/mine/{theirs}").status_code == 200


def test_assessments_appear_on_no_administration_page(app):
    owner = signed_in(app, email="owner@harbour-police.example")
    save(owner, MIXED, name="Cyber unit secret plans")
    admin = signed_in(app, "admin")
    for path in ("/admin/users", f"/admin/users/{owner.user_id}", "/admin/audit", "/admin/audit.csv",
                 "/curation/"):
        response = admin.get(path)
        assert response.status_code == 200, path
        assert "Cyber unit secret plans" not in response.get_data(as_text=True), path
        assert "/assessment/mine/" not in response.get_data(as_text=True), path


def test_pending_applicants_cannot_take_it_and_members_find_it_on_the_home_page(app, closed_app):
    pending = signed_in(closed_app, "pending")
    assert pending.get("/assessment/").status_code == 403
    assert "Readiness self-assessment" not in pending.get("/").get_data(as_text=True)
    member = signed_in(app)
    home = member.get("/").get_data(as_text=True)
    assert 'href="/assessment/"' in home and 'href="/assessment/mine"' in home
    public = app.test_client().get("/").get_data(as_text=True)
    assert 'href="/assessment/"' in public and 'href="/assessment/mine"' not in public
    assert 'href="/assessment/"' not in closed_app.test_client().get("/").get_data(as_text=True)


def test_saved_assessments_go_with_the_account(app):
    client = signed_in(app)
    save(client, MIXED)
    with app.app_context():
        db.session.delete(db.session.get(User, client.user_id))
        db.session.commit()
    assert count(app) == 0


def test_migration_creates_the_assessments_table(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import inspect

    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        columns = {c["name"] for c in inspect(db.engine).get_columns("assessments")}
        db.engine.dispose()
    assert columns == {"id", "user_id", "name", "questionnaire_version", "answers", "scores", "created_at"}
