"""Curation pages: the dashboard, the editor, the workflow actions and the history of each entry."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import NotFound

from catalogue.accounts.views import me
from catalogue.choices import options
from catalogue.curation import dashboard, editing, kept, revisions, settings, workflow
from catalogue.curation import forms as f
from catalogue.errors import render_error
from catalogue.extensions import db
from catalogue.markdown import render_markdown, strip_markup
from catalogue.policy import requires
from catalogue.tools.taxonomy import vocabularies

blueprint = Blueprint("curation", __name__, url_prefix="/curation")
PER_PAGE = 50


def keeps_edits(view: Callable) -> Callable:
    """Outside ``@requires``: an editor POST from an ended session is kept, then the curator signs in again."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method == "POST" and not current_user.is_authenticated and kept.keep_request_form():
            flash(_("Your session had ended, so nothing was saved yet. What you typed has been kept: sign in "
                    "again and you can restore it."), "info")
            return redirect(url_for("account.sign_in", next=request.path), 303)
        return view(*args, **kwargs)

    return guarded


@blueprint.context_processor
def curation_labels():
    return {"status_labels": f.STATUS_LABELS, "action_labels": f.ACTION_LABELS,
            "field_labels": revisions.field_labels()}


@blueprint.errorhandler(CSRFError)
def expired_form(error: CSRFError):
    if kept.keep_request_form():
        flash(_("The form had expired, so nothing was saved yet. What you typed has been kept: restore it below."),
              "info")
        return redirect(request.path, 303)
    return render_error(400, _("The form had expired or did not come from this site, so nothing was changed. "
                               "Go back, reload the page and send it again.")), 400


@blueprint.get("/")
@requires("tools.curate")
def dashboard_page():
    user = me()
    return render_template("curation/dashboard.html", drafts=dashboard.my_drafts(user),
                           waiting=dashboard.waiting_for_review(user), stale=dashboard.stale_tools(),
                           counts=dashboard.status_counts(), recent=dashboard.recent_changes(),
                           stale_before=settings.stale_before())


@blueprint.get("/tools")
@requires("tools.curate")
def entries():
    form = f.EntriesForm(request.args)
    form.status.choices = options([("", _("Any status")), *f.STATUS_LABELS.items()])
    status = request.args.get("status") if request.args.get("status") in dashboard.LIST_FILTERS else None
    page = db.paginate(dashboard.entries(status, request.args.get("q", "")[:200]), per_page=PER_PAGE,
                       error_out=False, max_per_page=PER_PAGE)
    return render_template("curation/entries.html", form=form, page=page, status=status,
                           counts=dashboard.status_counts())


def _editor(form: f.ToolForm, tool=None, status: int = 200, **context):
    preview = None
    if request.form.get("action") == "preview":
        preview = {"summary": form.summary.data or "",
                   "description": render_markdown(strip_markup(form.description.data)),
                   "responsible_use": render_markdown(strip_markup(form.responsible_use.data))}
    restorable = kept.kept_for(request.path) if request.method == "GET" else None
    return render_template("curation/editor.html", form=form, tool=tool, preview=preview, restorable=restorable,
                           **context), status


def _restored_form(tool=None) -> f.ToolForm | None:
    """The editor filled with kept input, when the curator asked to restore it."""
    restorable = kept.kept_for(request.path)
    if restorable is None or request.args.get("restore") != restorable.key:
        return None
    form = f.tool_form(vocabularies(), tool, formdata=MultiDict(
        [(key, value) for key, values in restorable.form.items() for value in values]))
    kept.forget(restorable)
    flash(_("Your kept input is back in the form. Check it, then save."), "info")
    return form


@blueprint.route("/tools/new", methods=["GET", "POST"])
@keeps_edits
@requires("tools.curate")
def new_tool():
    if request.method == "GET" and request.args.get("discard"):
        _discard_kept()
    form = _restored_form() or f.tool_form(vocabularies())
    if request.method == "GET" or request.form.get("action") == "preview" or not form.validate_on_submit():
        return _editor(form, status=400 if form.errors else 200)
    try:
        tool = editing.create_tool(form.values(), me(), form.note.data or "", form.not_duplicate.data)
    except editing.SlugTaken:
        form.slug.errors = [_("Another entry already uses this address. Choose a different one.")]
        return _editor(form, status=409)
    except editing.LikelyDuplicates as found:
        return _editor(form, status=409, duplicates=found.tools)
    flash(_("Draft “%(name)s” created.", name=tool.name), "success")
    return redirect(url_for("curation.entry", tool_id=tool.id), 303)


@blueprint.route("/tools/<int:tool_id>/edit", methods=["GET", "POST"])
@keeps_edits
@requires("tools.curate")
def edit_tool(tool_id: int):
    tool = editing.get_tool(tool_id)
    if request.method == "GET" and request.args.get("discard"):
        _discard_kept()
    restored = _restored_form(tool)
    form = restored or f.tool_form(vocabularies(), tool)
    if request.method == "GET":
        if restored is None:
            f.fill_from(form, tool)
        return _editor(form, tool)
    if request.form.get("action") == "preview" or not form.validate_on_submit():
        return _editor(form, tool, status=400 if form.errors else 200)
    try:
        changed = editing.save_tool(tool, form.values(), me(), form.loaded_version(), form.note.data or "",
                                    form.not_duplicate.data)
    except editing.EditConflict as conflict:
        form.version.data = str(conflict.tool.version)
        return render_template("curation/conflict.html", form=form, tool=conflict.tool, conflict=conflict,
                               labels=revisions.term_labels()), 409
    except editing.SlugTaken:
        form.slug.errors = [_("Another entry already uses this address. Choose a different one.")]
        return _editor(form, tool, status=409)
    except editing.LikelyDuplicates as found:
        return _editor(form, tool, status=409, duplicates=found.tools)
    flash(_("Changes saved.") if changed else _("Nothing had changed, so no new revision was made."),
          "success" if changed else "info")
    return redirect(url_for("curation.entry", tool_id=tool.id), 303)


def _discard_kept() -> None:
    restorable = kept.kept_for(request.path)
    if restorable is not None and request.args.get("discard") == restorable.key:
        kept.forget(restorable)
        flash(_("The kept input was discarded."), "info")


@blueprint.get("/tools/<int:tool_id>")
@requires("tools.curate")
def entry(tool_id: int):
    return _entry_page(editing.get_tool(tool_id))


def _entry_page(tool, status: int = 200, **forms):
    version = str(tool.version)
    defaults = {
        "submit_form": f.NoteForm(version=version, formdata=None),
        "return_form": f.ReturnForm(version=version, formdata=None),
        "unpublish_form": f.ReasonForm(version=version, formdata=None, prefix="unpublish"),
        "archive_form": f.ReasonForm(version=version, formdata=None, prefix="archive"),
        "reopen_form": f.NoteForm(version=version, formdata=None, prefix="reopen"),
    }
    defaults.update(forms)
    return render_template("curation/entry.html", tool=tool, approval_block=workflow.may_approve(tool, me()),
                           latest=revisions.latest_revision(tool), stale_before=settings.stale_before(),
                           criteria=current_app.config["INCLUSION_CRITERIA"], **defaults), status


def _transition(tool_id: int, form, action: Callable, done: str, form_name: str, **kwargs):
    tool = editing.get_tool(tool_id)
    if not form.validate_on_submit():
        return _entry_page(tool, 400, **{form_name: form})
    try:
        action(tool, me(), form.loaded_version(), **kwargs)
    except editing.EditConflict as conflict:
        return _changed(conflict)
    except workflow.WorkflowRefused as refused:
        flash(refused.message, "error")
        return _entry_page(tool, 409, **{form_name: form})
    flash(done, "success")
    return redirect(url_for("curation.entry", tool_id=tool.id), 303)


def _changed(conflict: editing.EditConflict):
    """A workflow step or restore refused because the entry moved on since the page was loaded."""
    return render_template("curation/changed.html", tool=conflict.tool, conflict=conflict,
                           labels=revisions.term_labels()), 409


@blueprint.post("/tools/<int:tool_id>/submit")
@requires("tools.curate")
def submit(tool_id: int):
    form = f.NoteForm()
    return _transition(tool_id, form, workflow.submit, _("Submitted for review. Another curator will check it."),
                       "submit_form", note=form.note.data or "")


@blueprint.post("/tools/<int:tool_id>/return")
@requires("tools.review")
def return_entry(tool_id: int):
    form = f.ReturnForm()
    return _transition(tool_id, form, workflow.return_to_draft, _("Returned to draft with your comments."),
                       "return_form", comments=form.note.data or "")


@blueprint.post("/tools/<int:tool_id>/unpublish")
@requires("tools.curate")
def unpublish(tool_id: int):
    form = f.ReasonForm(prefix="unpublish")
    return _transition(tool_id, form, workflow.unpublish, _("Unpublished: the entry is a draft again and has left "
                                                            "the catalogue."), "unpublish_form",
                       reason=form.note.data or "")


@blueprint.post("/tools/<int:tool_id>/archive")
@requires("tools.curate")
def archive(tool_id: int):
    form = f.ReasonForm(prefix="archive")
    return _transition(tool_id, form, workflow.archive, _("Archived. Its history is kept."), "archive_form",
                       reason=form.note.data or "")


@blueprint.post("/tools/<int:tool_id>/reopen")
@requires("tools.curate")
def reopen(tool_id: int):
    form = f.NoteForm(prefix="reopen")
    return _transition(tool_id, form, workflow.reopen, _("Reopened as a draft."), "reopen_form",
                       note=form.note.data or "")


@blueprint.route("/tools/<int:tool_id>/review", methods=["GET", "POST"])
@requires("tools.review")
def review(tool_id: int):
    return _verification(tool_id, workflow.approve, "in_review",
                         _("Published. The entry is in the catalogue and in search."))


@blueprint.route("/tools/<int:tool_id>/verify", methods=["GET", "POST"])
@requires("tools.review")
def verify(tool_id: int):
    return _verification(tool_id, workflow.verify, "published", _("Verification recorded."))


def _verification(tool_id: int, action: Callable, status: str, done: str):
    tool = editing.get_tool(tool_id)
    criteria = current_app.config["INCLUSION_CRITERIA"]
    form = f.VerificationForm(criteria)
    if request.method == "GET":
        form.version.data = str(tool.version)
    elif form.validate_on_submit():
        verification = workflow.Verification(len(form.criteria.data or []), form.sources.data or "",
                                             form.verified_on.data)
        try:
            action(tool, me(), form.loaded_version(), verification, len(criteria), note=form.note.data or "")
        except editing.EditConflict as conflict:
            return _changed(conflict)
        except workflow.WorkflowRefused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(done, "success")
            return redirect(url_for("curation.entry", tool_id=tool.id), 303)
    blocked = workflow.may_approve(tool, me()) if status == "in_review" else None
    code = 200 if request.method == "GET" else 409 if form.form_errors else 400
    return render_template("curation/verify.html", tool=tool, form=form, status=status, blocked=blocked,
                           return_form=f.ReturnForm(version=str(tool.version), formdata=None),
                           wrong_status=tool.status != status), code


@blueprint.get("/tools/<int:tool_id>/history")
@requires("tools.curate")
def history(tool_id: int):
    tool = editing.get_tool(tool_id)
    return render_template("curation/history.html", tool=tool, revisions=revisions.history(tool))


@blueprint.get("/tools/<int:tool_id>/compare")
@requires("tools.curate")
def compare(tool_id: int):
    tool = editing.get_tool(tool_id)
    form = f.CompareForm(request.args)
    listed = revisions.history(tool)
    if not listed:
        raise NotFound()
    newest = listed[0].number
    chosen = form.validate()
    old_number = form.old.data if chosen and form.old.data else max(newest - 1, 1)
    new_number = form.new.data if chosen and form.new.data else newest
    old, new = revisions.get_revision(tool, old_number), revisions.get_revision(tool, new_number)
    if old is None or new is None:
        flash(_("There is no such revision; showing the latest change instead."), "info")
        old, new = revisions.get_revision(tool, max(newest - 1, 1)), listed[0]
    changes = revisions.compare(old.snapshot, new.snapshot)
    return render_template("curation/compare.html", tool=tool, old=old, new=new, changes=changes,
                           revisions=listed, labels=revisions.term_labels())


@blueprint.get("/tools/<int:tool_id>/revisions/<int:number>")
@requires("tools.curate")
def revision(tool_id: int, number: int):
    tool = editing.get_tool(tool_id)
    found = revisions.get_revision(tool, number)
    if found is None:
        raise NotFound()
    return render_template("curation/revision.html", tool=tool, revision=found, labels=revisions.term_labels(),
                           form=f.VersionedForm(version=str(tool.version), formdata=None))


@blueprint.post("/tools/<int:tool_id>/revisions/<int:number>/restore")
@requires("tools.curate")
def restore(tool_id: int, number: int):
    tool = editing.get_tool(tool_id)
    form = f.VersionedForm()
    try:
        new_number = editing.restore_revision(tool, number, me(), form.loaded_version())
    except editing.EditConflict as conflict:
        return _changed(conflict)
    flash(_("Revision %(old)s restored as revision %(new)s.", old=number, new=new_number), "success")
    return redirect(url_for("curation.history", tool_id=tool.id), 303)


@blueprint.route("/settings", methods=["GET", "POST"])
@requires("curation.configure")
def settings_page():
    form = f.SettingsForm()
    if form.validate_on_submit():
        settings.set_self_approval(form.allow_self_approval.data, me())
        flash(_("Curation settings saved."), "success")
        return redirect(url_for("curation.settings_page"), 303)
    if request.method == "GET":
        form.allow_self_approval.data = settings.self_approval_allowed()
    return render_template("curation/settings.html", form=form,
                           months=current_app.config["CATALOGUE_STALE_AFTER_MONTHS"]), 400 if form.errors else 200
