"""Curators' training pages under /trainings/manage/: the list, the editor, publishing, cancelling, attendees."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue import times
from catalogue.choices import options
from catalogue.paging import page_number
from catalogue.policy import me, requires
from catalogue.trainings import attendees, editing, services
from catalogue.trainings import forms as f
from catalogue.trainings.labels import STATUS_LABELS

blueprint = Blueprint("manage", __name__, url_prefix="/manage")

PER_PAGE = 50


@blueprint.get("/")
@requires("trainings.manage")
def index():
    status = f.chosen(request.args, "status", STATUS_LABELS)
    page = page_number()
    statuses = options([("", _("Any status")), *STATUS_LABELS.items()])
    return render_template("trainings/manage/index.html", listing=services.managed(status, page, PER_PAGE),
                           status=status, statuses=statuses)


def _editor(form: f.TrainingForm, training=None, status: int = 200, conflict=None):
    rows = conflict_rows(form, conflict) if conflict else []
    return render_template("trainings/manage/editor.html", form=form, training=training, conflict=conflict,
                           conflict_rows=rows, offered_zones=times.offered_zones()), status


def conflict_rows(form: f.TrainingForm, conflict: editing.EditConflict) -> list[tuple[str, str, str]]:
    """(field label, what is saved now, what the curator typed) for every field where the two differ."""
    saved = editing.content_of(conflict.training)
    typed = form.values()

    def shown(name: str, value) -> str:
        field = form[name]
        if isinstance(value, list):
            labels = {choice.value: choice.label for choice in field.choices}
            return ", ".join(str(labels.get(item, item)) for item in value) or "—"
        if hasattr(field, "choices") and field.choices:
            return str({choice.value: choice.label for choice in field.choices}.get(value, value))
        if hasattr(value, "strftime"):
            return value.strftime("%Y-%m-%d %H:%M")
        return str(value) if value not in (None, "") else "—"

    return [(str(form[name].label.text), shown(name, saved[name]), shown(name, typed.get(name)))
            for name in conflict.differences]


@blueprint.route("/new", methods=["GET", "POST"])
@requires("trainings.manage")
def new():
    form = f.training_form()
    if request.method == "GET":
        form.kind.data, form.format.data, form.language.data = "course", "online", "en"
        return _editor(form)
    if not form.validate_on_submit():
        return _editor(form, status=400)
    try:
        training = editing.create_training(form.values(), me())
    except editing.SlugTaken:
        form.slug.errors = [_("Another training already uses this address, or it is reserved. Choose a different "
                              "one.")]
        return _editor(form, status=409)
    flash(_("Draft “%(title)s” created. Publish it when it is ready for members.", title=training.title), "success")
    return redirect(url_for("trainings.manage.training", training_id=training.id), 303)


@blueprint.route("/<int:training_id>/edit", methods=["GET", "POST"])
@requires("trainings.manage")
def edit(training_id: int):
    training = editing.get_training(training_id)
    form = f.training_form(training)
    if request.method == "GET":
        f.fill_from(form, training)
        return _editor(form, training)
    if not form.validate_on_submit():
        return _editor(form, training, status=400)
    try:
        changed = editing.save_training(training, form.values(), me(), form.loaded_version())
    except editing.EditConflict as conflict:
        form.version.data = str(conflict.training.version)
        return _editor(form, conflict.training, status=409, conflict=conflict)
    except editing.SlugTaken:
        form.slug.errors = [_("Another training already uses this address, or it is reserved. Choose a different "
                              "one.")]
        return _editor(form, training, status=409)
    except editing.CapacityTooLow as low:
        form.capacity.errors = [ngettext(
            "%(num)s member is already enrolled, so the capacity cannot be lower. Ask members to leave first.",
            "%(num)s members are already enrolled, so the capacity cannot be lower. Ask members to leave first.",
            low.enrolled)]
        return _editor(form, training, status=409)
    flash(_("Changes saved.") if changed else _("Nothing had changed, so nothing was saved."),
          "success" if changed else "info")
    return redirect(url_for("trainings.manage.training", training_id=training_id), 303)


@blueprint.get("/<int:training_id>")
@requires("trainings.manage")
def training(training_id: int):
    return _training_page(attendees.overview(training_id))


def _training_page(found, status: int = 200, **forms):
    version = str(found.training.version)
    context = {"publish_form": f.PublishForm(version=version, formdata=None),
               "cancel_form": f.CancelForm(version=version, formdata=None, prefix="cancel"), **forms}
    return render_template("trainings/manage/training.html", overview=found, **context), status


@blueprint.post("/<int:training_id>/publish")
@requires("trainings.manage")
def publish(training_id: int):
    form = f.PublishForm()
    training = editing.get_training(training_id)
    try:
        editing.publish(training, me(), form.loaded_version())
    except editing.TransitionRefused as refused:
        flash(refused.message, "error")
        return _training_page(attendees.overview(training_id), 409)
    flash(_("Published: members can see the training and enrol."), "success")
    return redirect(url_for("trainings.manage.training", training_id=training_id), 303)


@blueprint.post("/<int:training_id>/cancel")
@requires("trainings.manage")
def cancel(training_id: int):
    form = f.CancelForm(prefix="cancel")
    training = editing.get_training(training_id)
    if not form.validate_on_submit():
        return _training_page(attendees.overview(training_id), 400, cancel_form=form)
    try:
        told = editing.cancel(training, me(), form.loaded_version(), form.message.data or "")
    except editing.TransitionRefused as refused:
        flash(refused.message, "error")
        return _training_page(attendees.overview(training_id), 409, cancel_form=form)
    flash(ngettext("Cancelled. %(num)s member was told by e-mail.", "Cancelled. %(num)s members were told by e-mail.",
                   told), "success")
    return redirect(url_for("trainings.manage.training", training_id=training_id), 303)


@blueprint.get("/<int:training_id>/attendees.csv")
@requires("trainings.manage")
def attendees_csv(training_id: int):
    training = editing.get_training(training_id)
    body = attendees.attendees_csv(training, me())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="attendees-{training.slug}.csv"'})
