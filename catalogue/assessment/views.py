"""The readiness self-assessment: the questionnaire, its result, downloads, and a member's own saved assessments.

A result that is not saved is shown straight from the POST and stored nowhere; the result page re-posts the answers
(hidden fields) to save, download or print them. Answers are never lost: missing ones re-render the page with the
others kept, and answers posted after the session ended or with an expired form come back in the page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from catalogue.assessment import chart, exports, forms, questionnaire, report, scoring, services
from catalogue.assessment.questionnaire import guidance_url
from catalogue.errors import render_error
from catalogue.guidance import services as guidance_services
from catalogue.languages.formatting import wording
from catalogue.models.base import utcnow
from catalogue.policy import ANONYMOUS, can, me, requires, role_of

blueprint = Blueprint("assessment", __name__, url_prefix="/assessment")

EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@blueprint.record_once
def load_questionnaire(state) -> None:
    questionnaire.init_app(state.app)


@blueprint.context_processor
def assessment_helpers():
    return {"guidance_url": guidance_url, "level_labels": forms.LEVEL_LABELS,
            "strength_labels": forms.STRENGTH_LABELS, "questionnaire": questionnaire.current()}


def posted_answers() -> bool:
    return request.method == "POST" and any(q.id in request.form for q in questionnaire.current().questions)


def keeps_answers(view: Callable) -> Callable:
    """Outside ``@requires``: answers posted after the session ended come back in the page instead of being lost
    on the way to the sign-in page. Nothing is stored; the visitor signs in (in another tab) and sends them again."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if role_of() == ANONYMOUS and not can(view.permission) and posted_answers():
            return kept_answers(401, _("You are not signed in (or your session has ended), so nothing was done "
                                       "yet. Your answers are kept on this page: sign in in a new tab, then come "
                                       "back here and send them again."))
        return view(*args, **kwargs)

    return guarded


@blueprint.errorhandler(CSRFError)
def expired_form(error: CSRFError):
    if posted_answers():
        return kept_answers(400, _("The form had expired, so nothing was changed. Your answers are kept on this "
                                   "page: check them and send them again."))
    return render_error(400, _("The form had expired or did not come from this site, so nothing was changed. Go "
                               "back, reload the page and send it again.")), 400


def kept_answers(status: int, notice: str):
    """The page the answers came from, filled with them again: the result page when they were complete and came
    from it (save, download), else the questionnaire."""
    form = forms.questionnaire_form(questionnaire.current())
    if request.endpoint != "assessment.questionnaire_page" and form.complete():
        return result_page(form, status=status, notice=notice, kept=True)
    return questionnaire_page_for(form, status=status, notice=notice)


def questionnaire_page_for(form: forms.AssessmentForm, status: int = 200, notice: str | None = None,
                           based_on=None):
    missing = [questionnaire.current().question(question_id) for question_id in form.unanswered()]
    return render_template("assessment/questionnaire.html", form=form, missing=missing, notice=notice,
                           based_on=based_on), status


def result_page(form: forms.AssessmentForm, status: int = 200, notice: str | None = None, kept: bool = False,
                print_view: bool = False):
    current = questionnaire.current()
    answers = form.answers()
    result = report.build(current, answers, scoring.score(current, answers))
    return render_result(result, form=form, name=form.name.data or "", saved=None, notice=notice, kept=kept,
                         print_view=print_view), status


def render_result(result: report.Result, **context) -> str:
    """The result page; guidance linked from it is named as readers see the published page (in their language)."""
    pages = guidance_services.published_by_slug(questionnaire.current().guidance_titles)
    return render_template("assessment/result.html", result=result, chart=score_chart(result),
                           guidance_pages=pages, **context)


def score_chart(result: report.Result) -> chart.Chart:
    rows = result.in_order
    return chart.bar_chart([wording(r.principle.label) for r in rows],
                           [[(r.score.score, r.score.level) if r.score else (None, None) for r in rows]])


@blueprint.route("/", methods=["GET", "POST"])
@keeps_answers
@requires("assessment.take")
def questionnaire_page():
    form = forms.questionnaire_form(questionnaire.current())
    if request.method == "GET" or request.form.get("layout") == "edit":  # "Change answers" on the result page
        return questionnaire_page_for(form)
    if not form.validate_on_submit():
        return questionnaire_page_for(form, status=400)
    return result_page(form, print_view=request.form.get("layout") == "print")


@blueprint.post("/download")
@keeps_answers
@requires("assessment.take")
def download():
    form = forms.questionnaire_form(questionnaire.current())
    if not form.validate_on_submit():
        return questionnaire_page_for(form, status=400)
    kind = request.form.get("format", "")
    if kind not in EXPORT_TYPES:
        abort(400, description=_("Choose CSV or JSON."))
    current = questionnaire.current()
    answers = form.answers()
    document = exports.as_document(current, form.name.data or "", answers, scoring.score(current, answers))
    return file_response(document, kind, exports.filename(kind, utcnow()))


def file_response(document: dict, kind: str, filename: str) -> Response:
    body = exports.as_csv(document) if kind == "csv" else exports.as_json(document)
    return Response(body, mimetype=EXPORT_TYPES[kind],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.post("/save")
@keeps_answers
@requires("assessment.keep")
def save():
    form = forms.questionnaire_form(questionnaire.current())
    if not form.validate_on_submit():
        return questionnaire_page_for(form, status=400)
    assessment = services.save_assessment(me(), form.name.data or "", form.answers(), questionnaire.current())
    flash(_("Saved to “My assessments”. Only you can see it."), "success")
    return redirect(url_for("assessment.view", assessment_id=assessment.id), 303)


@blueprint.get("/mine")
@requires("assessment.keep")
def mine():
    assessments = services.my_assessments(me())
    return render_template("assessment/mine.html", assessments=assessments,
                           compare_form=forms.compare_form(assessments, None), scores_of=saved_scores)


def saved_scores(assessment) -> scoring.Scores:
    return scoring.Scores.from_json(assessment.scores)


def saved_result(assessment) -> report.Result:
    return report.build(questionnaire.current(), assessment.answers, saved_scores(assessment))


def saved_page(assessment, print_view: bool):
    result = saved_result(assessment)
    return render_result(result, form=None, name=assessment.name, saved=assessment, notice=None, kept=False,
                         print_view=print_view)


@blueprint.get("/mine/<int:assessment_id>")
@requires("assessment.keep")
def view(assessment_id: int):
    return saved_page(services.own_assessment(me(), assessment_id), print_view=False)


@blueprint.get("/mine/<int:assessment_id>/print")
@requires("assessment.keep")
def print_view(assessment_id: int):
    return saved_page(services.own_assessment(me(), assessment_id), print_view=True)


def saved_file(assessment_id: int, kind: str) -> Response:
    assessment = services.own_assessment(me(), assessment_id)
    document = exports.as_document(questionnaire.current(), assessment.name, assessment.answers,
                                   saved_scores(assessment), assessment.created_at, assessment.questionnaire_version)
    return file_response(document, kind, exports.filename(kind, assessment.created_at, assessment.id))


@blueprint.get("/mine/<int:assessment_id>.csv")
@requires("assessment.keep")
def export_csv(assessment_id: int):
    return saved_file(assessment_id, "csv")


@blueprint.get("/mine/<int:assessment_id>.json")
@requires("assessment.keep")
def export_json(assessment_id: int):
    return saved_file(assessment_id, "json")


@blueprint.get("/mine/<int:assessment_id>/again")
@requires("assessment.keep")
def again(assessment_id: int):
    """A new questionnaire filled with an earlier assessment's answers; the earlier one stays as it was."""
    earlier = services.own_assessment(me(), assessment_id)
    form = forms.questionnaire_form(questionnaire.current(), formdata=None,
                                    data={"name": earlier.name, **earlier.answers})
    return questionnaire_page_for(form, based_on=earlier)


@blueprint.route("/mine/<int:assessment_id>/delete", methods=["GET", "POST"])
@requires("assessment.keep")
def delete(assessment_id: int):
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        deleted = services.delete_assessment(me(), assessment_id)
        flash(_("“%(name)s” was deleted.", name=deleted.name or _("Untitled assessment")), "success")
        return redirect(url_for("assessment.mine"), 303)
    assessment = services.own_assessment(me(), assessment_id)
    return render_template("assessment/delete.html", assessment=assessment, form=form,
                           scores=saved_scores(assessment)), 400 if form.errors else 200


@blueprint.get("/compare")
@requires("assessment.keep")
def compare():
    assessments = services.my_assessments(me())
    form = forms.compare_form(assessments, request.args)
    if not ("first" in request.args and "second" in request.args):  # choosing (perhaps one given, from a result)
        return render_template("assessment/compare.html", form=form, assessments=assessments, pair=None)
    if not form.validate():
        return render_template("assessment/compare.html", form=form, assessments=assessments, pair=None), 400
    pair = services.own_pair(me(), form.first.data, form.second.data)
    current = questionnaire.current()
    comparison = report.compare(current, (pair.earlier.answers, saved_scores(pair.earlier)),
                                (pair.later.answers, saved_scores(pair.later)))
    labels = [wording(p.principle.principle.label) for p in comparison.principles]
    drawing = chart.bar_chart(labels, [[(p.principle.before, scoring.level_for(p.principle.before))
                                        for p in comparison.principles],
                                       [(p.principle.after, scoring.level_for(p.principle.after))
                                        for p in comparison.principles]])
    return render_template("assessment/compare.html", form=form, assessments=assessments, pair=pair,
                           comparison=comparison, chart=drawing)
