"""Training pages for members: the list, one training, enrolling and leaving, my trainings, calendar files."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from catalogue import times
from catalogue.paging import page_number
from catalogue.policy import me, requires
from catalogue.redirects import safe_target
from catalogue.trainings import calendar, enrolment, services
from catalogue.trainings import forms as f
from catalogue.trainings.labels import ENROLMENT_LABELS, FORMAT_LABELS, KIND_LABELS, STATUS_LABELS
from catalogue.trainings.manage import blueprint as manage

blueprint = Blueprint("trainings", __name__, url_prefix="/trainings")
blueprint.register_blueprint(manage)

def guidance_href(page) -> str:
    return url_for("guidance.page", slug=page.slug)


@blueprint.app_context_processor
def training_helpers():
    """Shared by the trainings pages and the e-mails and account pages that mention trainings."""
    return {"format_labels": FORMAT_LABELS, "kind_labels": KIND_LABELS, "training_status_labels": STATUS_LABELS,
            "enrolment_labels": ENROLMENT_LABELS, "when_text": times.when_text, "moment_text": times.moment_text,
            "reader_when_text": times.reader_when_text,
            "guidance_href": guidance_href}


@blueprint.get("/")
@requires("trainings.view")
def index():
    wanted = services.ListFilters(format=f.chosen(request.args, "format", FORMAT_LABELS),
                                  kind=f.chosen(request.args, "kind", KIND_LABELS),
                                  language=request.args.get("language", "")[:3],
                                  past=request.args.get("when") == "past")
    found = services.listing(wanted, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("trainings/index.html", listing=found, wanted=wanted,
                           form=f.filter_form(request.args, found.languages),
                           places=services.my_places(me(), found.page.items))


@blueprint.get("/mine")
@requires("trainings.enrol")
def mine():
    return render_template("trainings/mine.html", mine=services.my_trainings(me()), form=f.ActionForm())


@blueprint.get("/mine.ics")
@requires("trainings.enrol")
def mine_calendar():
    return calendar_response(calendar.member_calendar(me()), "my-trainings.ics")


@blueprint.get("/<slug>")
@requires("trainings.view")
def detail(slug: str):
    return render_template("trainings/detail.html", page=services.training_page(slug, current_user),
                           form=f.ActionForm())


@blueprint.get("/<slug>.ics")
@requires("trainings.view")
def training_calendar(slug: str):
    training, body = calendar.training_calendar(slug, current_user)
    return calendar_response(body, f"{training.slug}.ics")


def calendar_response(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


@blueprint.post("/<slug>/enrol")
@requires("trainings.enrol")
def enrol(slug: str):
    try:
        outcome = enrolment.enrol(slug, me())
    except enrolment.EnrolmentRefused as refused:
        flash(refused.message, "error")
    else:
        messages = {
            "enrolled": (_("You are enrolled. The training is in My trainings and in your calendar file."),
                         "success"),
            "waitlisted": (_("The training is full, so you are on the waiting list, number %(position)s. If a seat "
                             "becomes free, it goes to the first person on the list and we will e-mail you.",
                             position=outcome.position), "info"),
            "already_enrolled": (_("You were already enrolled; nothing was changed."), "info"),
            "already_waitlisted": (_("You were already on the waiting list (number %(position)s); nothing was "
                                     "changed.", position=outcome.position), "info"),
        }
        flash(*messages[outcome.status])
    return redirect(url_for("trainings.detail", slug=slug), 303)


@blueprint.post("/<slug>/leave")
@requires("trainings.enrol")
def leave(slug: str):
    try:
        outcome = enrolment.leave(slug, me())
    except enrolment.EnrolmentRefused as refused:
        flash(refused.message, "error")
    else:
        flash(_("Your seat is cancelled and has gone to the next person waiting.") if outcome.promoted else
              _("Your seat is cancelled.") if outcome.status == "enrolled" else
              _("You have left the waiting list."), "success")
    return redirect(safe_target(request.form.get("next"), url_for("trainings.detail", slug=slug)), 303)
