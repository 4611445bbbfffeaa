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

from catalogue.choices import options
from catalogue.curation import dashboard, editing, kept, proposals, revisions, settings, workflow
from catalogue.curation import forms as f
from catalogue.curation.kinds import KINDS, Kind, kind_of
from catalogue.curation.pages import ENTRY, KIND, curation_labels, entry_url
from catalogue.errors import render_error
from catalogue.extensions import db
from catalogue.markdown import render_markdown, strip_markup
from catalogue.paging import page_number
from catalogue.policy import can, me, requires
from catalogue.taxonomy import vocabularies

blueprint = Blueprint("curation", __name__, url_prefix="/curation")
PER_PAGE = 50


def _entry(kind: str, entry_id: int):
    return editing.get_entry(KINDS[kind], entry_id)


def _form(kind: Kind, entry=None, **kwargs):
    """The editor form of a kind, empty or (with ``formdata``) filled from a request."""
    return kind.editor_form(vocabularies(), entry, **kwargs)


def keeps_edits(view: Callable) -> Callable:
    """Outside ``@requires``: an editor POST whose curator's session timed out is kept for them (``kept``: only when
    its form token was valid and the session was theirs), then they sign in again and restore it."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if request.method == "POST" and not current_user.is_authenticated and kept.keep_request_form():
            flash(_("Your session had ended, so nothing was saved yet. What you typed has been kept: sign in "
                    "again and you can restore it."), "info")
            return redirect(url_for("account.sign_in", next=request.path), 303)
        return view(*args, **kwargs)

    return guarded


blueprint.context_processor(curation_labels)


@blueprint.errorhandler(CSRFError)
def expired_form(error: CSRFError):
    """Nothing is stored for a request whose form token failed: anyone can send one. The editor's text is shown back
    (to this site's own pages only), to copy into the editor opened again."""
    message = _("The form had expired or did not come from this site, so nothing was changed. Go back, reload the "
                "page and send it again.")
    if request.endpoint not in kept.KEEPABLE_ENDPOINTS or not kept.same_site() or not can("tools.curate"):
        return render_error(400, message), 400
    form = _form(KINDS[request.view_args["kind"]])
    typed = {str(field.label.text): field.data for field in form
             if field.type in ("StringField", "TextAreaField") and isinstance(field.data, str) and field.data.strip()}
    return render_template("curation/expired_form.html", description=message, kept=typed), 400


@blueprint.get("/")
@requires("tools.curate")
def dashboard_page():
    user = me()
    return render_template("curation/dashboard.html", drafts=dashboard.my_drafts(user),
                           proposed=proposals.waiting(user), returned_changes=proposals.returned_recently(user),
                           waiting=dashboard.waiting_for_review(user), stale=dashboard.stale_entries(),
                           counts={kind: dashboard.status_counts(kind) for kind in KINDS.values()},
                           recent=dashboard.recent_changes(),
                           stale_before=settings.stale_before())


@blueprint.get(f"/{KIND}")
@requires("tools.curate")
def entries(kind: str):
    form = f.EntriesForm(request.args)
    form.status.choices = options([("", _("Any status")), *f.STATUS_LABELS.items()])
    status = request.args.get("status") if request.args.get("status") in dashboard.LIST_FILTERS else None
    page = db.paginate(dashboard.entries(KINDS[kind], status, request.args.get("q", "")[:200]), page=page_number(),
                       per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    return render_template("curation/entries.html", form=form, page=page, status=status,
                           counts=dashboard.status_counts(KINDS[kind]))


def _editor(form, kind: Kind, entry=None, status: int = 200, **context):
    preview = None
    if request.form.get("action") == "preview":
        preview = {"summary": form.summary.data or ""}
        for name in kind.content.MARKDOWN_FIELDS:
            preview[name] = render_markdown(strip_markup(form[name].data))
    restorable = kept.kept_for(request.path) if request.method == "GET" else None
    return render_template("curation/editor.html", form=form, entry=entry, preview=preview, restorable=restorable,
                           **context), status


def _restored_form(kind: Kind, entry=None):
    """The editor filled with kept input, when the curator asked to restore it."""
    restorable = kept.kept_for(request.path)
    if restorable is None or request.args.get("restore") != restorable.key:
        return None
    form = _form(kind, entry, formdata=MultiDict(
        [(key, value) for key, values in restorable.form.items() for value in values]))
    kept.forget(restorable)
    flash(_("Your kept input is back in the form. Check it, then save."), "info")
    return form


def _not_duplicate(form) -> bool:
    return bool("not_duplicate" in form and form.not_duplicate.data)


@blueprint.route(f"/{KIND}/new", methods=["GET", "POST"])
@keeps_edits
@requires("tools.curate")
def new_entry(kind: str):
    entry_kind = KINDS[kind]
    if request.method == "GET" and request.args.get("discard"):
        _discard_kept()
    form = _restored_form(entry_kind) or _form(entry_kind)
    if request.method == "GET" or request.form.get("action") == "preview" or not form.validate_on_submit():
        return _editor(form, entry_kind, status=400 if form.errors else 200)
    try:
        entry = editing.create_entry(entry_kind, form.values(), me(), form.note.data or "", _not_duplicate(form))
    except editing.SlugTaken:
        form.slug.errors = [_("Another entry already uses this address. Choose a different one.")]
        return _editor(form, entry_kind, status=409)
    except editing.LikelyDuplicates as found:
        return _editor(form, entry_kind, status=409, duplicates=found.tools)
    flash(_("Draft “%(name)s” created.", name=entry.name), "success")
    return redirect(entry_url("entry", entry), 303)


@blueprint.route(f"{ENTRY}/edit", methods=["GET", "POST"])
@keeps_edits
@requires("tools.curate")
def edit_entry(kind: str, entry_id: int):
    entry_kind, entry = KINDS[kind], _entry(kind, entry_id)
    if request.method == "GET" and request.args.get("discard"):
        _discard_kept()
    restored = _restored_form(entry_kind, entry)
    form = restored or _form(entry_kind, entry)
    change = proposals.open_change(entry) if proposals.is_live(entry) else None
    if request.method == "GET":
        if restored is None:
            entry_kind.fill_form(form, entry)
            if change is not None:
                _fill_from_change(form, change)
        return _editor(form, entry_kind, entry, change=change)
    if request.form.get("action") == "preview" or not form.validate_on_submit():
        return _editor(form, entry_kind, entry, status=400 if form.errors else 200, change=change)
    try:
        edited = editing.edit_entry(entry, form.values(), me(), form.loaded_version(), form.note.data or "",
                                    _not_duplicate(form), form.loaded_change_version())
    except proposals.ProposalOpen as found:
        return _editor(form, entry_kind, entry, status=409, change_open=found.change)
    except proposals.ProposalRefused as refused:
        form.form_errors.append(refused.message)
        return _editor(form, entry_kind, entry, status=409)
    except editing.EditConflict as conflict:
        form.version.data = str(conflict.entry.version)
        return render_template("curation/conflict.html", form=form, entry=conflict.entry, conflict=conflict,
                               labels=revisions.term_labels()), 409
    except editing.SlugTaken:
        form.slug.errors = [_("Another entry already uses this address. Choose a different one.")]
        return _editor(form, entry_kind, entry, status=409)
    except editing.LikelyDuplicates as found:
        return _editor(form, entry_kind, entry, status=409, duplicates=found.tools)
    if edited.proposed is not None:
        flash(_("Your change is proposed for review. Readers see the published text until another curator "
                "approves it."), "success")
        return redirect(url_for("curation.change", change_id=edited.proposed.id), 303)
    flash(_("Changes saved.") if edited.changed else _("Nothing had changed, so no new revision was made."),
          "success" if edited.changed else "info")
    return redirect(entry_url("entry", entry), 303)


def _fill_from_change(form, change) -> None:
    """The editor shows the open proposed change, so a second curator continues it instead of starting over."""
    for name, value in change.values.items():
        if name == "sources":
            form.sources.fill(value)
        elif name in form and name not in ("version", "csrf_token", "note"):
            form[name].data = value
    form.change_version.data = str(change.version)


def _discard_kept() -> None:
    restorable = kept.kept_for(request.path)
    if restorable is not None and request.args.get("discard") == restorable.key:
        kept.forget(restorable)
        flash(_("The kept input was discarded."), "info")


@blueprint.get(ENTRY)
@requires("tools.curate")
def entry(kind: str, entry_id: int):
    return _entry_page(_entry(kind, entry_id))


def _entry_page(entry, status: int = 200, **forms):
    version = str(entry.version)
    defaults = {
        "submit_form": f.NoteForm(version=version, formdata=None),
        "return_form": f.ReturnForm(version=version, formdata=None),
        "unpublish_form": f.ReasonForm(version=version, formdata=None, prefix="unpublish"),
        "archive_form": f.ReasonForm(version=version, formdata=None, prefix="archive"),
        "reopen_form": f.NoteForm(version=version, formdata=None, prefix="reopen"),
    }
    defaults.update(forms)
    return render_template("curation/entry.html", entry=entry, approval_block=workflow.may_approve(entry, me()),
                           open_changes=proposals.open_changes(entry), returned=proposals.returned_to(entry, me()),
                           latest=revisions.latest_revision(entry), stale_before=settings.stale_before(),
                           **defaults), status


def _transition(kind: str, entry_id: int, form, action: Callable, done: str, form_name: str, **kwargs):
    entry = _entry(kind, entry_id)
    if not form.validate_on_submit():
        return _entry_page(entry, 400, **{form_name: form})
    try:
        action(entry, me(), form.loaded_version(), **kwargs)
    except editing.EditConflict as conflict:
        return _changed(conflict)
    except workflow.WorkflowRefused as refused:
        flash(refused.message, "error")
        return _entry_page(entry, 409, **{form_name: form})
    flash(done, "success")
    return redirect(entry_url("entry", entry), 303)


def _changed(conflict: editing.EditConflict):
    """A workflow step or restore refused because the entry moved on since the page was loaded."""
    return render_template("curation/changed.html", entry=conflict.entry, conflict=conflict,
                           labels=revisions.term_labels()), 409


@blueprint.post(f"{ENTRY}/submit")
@requires("tools.curate")
def submit(kind: str, entry_id: int):
    form = f.NoteForm()
    return _transition(kind, entry_id, form, workflow.submit, _("Submitted for review. Another curator will check it."),
                       "submit_form", note=form.note.data or "")


@blueprint.post(f"{ENTRY}/return")
@requires("tools.review")
def return_entry(kind: str, entry_id: int):
    form = f.ReturnForm()
    return _transition(kind, entry_id, form, workflow.return_to_draft, _("Returned to draft with your comments."),
                       "return_form", comments=form.note.data or "")


@blueprint.post(f"{ENTRY}/unpublish")
@requires("tools.curate")
def unpublish(kind: str, entry_id: int):
    form = f.ReasonForm(prefix="unpublish")
    done = _("Unpublished: the entry is a draft again and has left the catalogue.")
    return _transition(kind, entry_id, form, workflow.unpublish, done, "unpublish_form", reason=form.note.data or "")


@blueprint.post(f"{ENTRY}/archive")
@requires("tools.curate")
def archive(kind: str, entry_id: int):
    form = f.ReasonForm(prefix="archive")
    return _transition(kind, entry_id, form, workflow.archive, _("Archived. Its history is kept."), "archive_form",
                       reason=form.note.data or "")


@blueprint.post(f"{ENTRY}/reopen")
@requires("tools.curate")
def reopen(kind: str, entry_id: int):
    form = f.NoteForm(prefix="reopen")
    return _transition(kind, entry_id, form, workflow.reopen, _("Reopened as a draft."), "reopen_form",
                       note=form.note.data or "")


@blueprint.route(f"{ENTRY}/review", methods=["GET", "POST"])
@requires("tools.review")
def review(kind: str, entry_id: int):
    return _verification(kind, entry_id, workflow.approve, "in_review",
                         _("Published. The entry is in the catalogue and in search."))


@blueprint.route(f"{ENTRY}/verify", methods=["GET", "POST"])
@requires("tools.review")
def verify(kind: str, entry_id: int):
    return _verification(kind, entry_id, workflow.verify, "published", _("Verification recorded."))


def _verification(kind: str, entry_id: int, action: Callable, status: str, done: str):
    entry = _entry(kind, entry_id)
    form = f.VerificationForm(KINDS[kind].criteria())
    if request.method == "GET":
        form.version.data = str(entry.version)
    elif form.validate_on_submit():
        verification = workflow.Verification(len(set(form.criteria.data or [])), form.sources.data or "",
                                             form.verified_on.data)
        try:
            action(entry, me(), form.loaded_version(), verification, note=form.note.data or "")
        except editing.EditConflict as conflict:
            return _changed(conflict)
        except workflow.WorkflowRefused as refused:
            form.form_errors.append(refused.message)
        else:
            flash(done, "success")
            return redirect(entry_url("entry", entry), 303)
    blocked = workflow.may_approve(entry, me()) if status == "in_review" else None
    code = 200 if request.method == "GET" else 409 if form.form_errors else 400
    return render_template("curation/verify.html", entry=entry, form=form, status=status, blocked=blocked,
                           return_form=f.ReturnForm(version=str(entry.version), formdata=None),
                           wrong_status=entry.status != status), code


@blueprint.get(f"{ENTRY}/history")
@requires("tools.curate")
def history(kind: str, entry_id: int):
    entry = _entry(kind, entry_id)
    return render_template("curation/history.html", entry=entry, revisions=revisions.history(entry))


@blueprint.get(f"{ENTRY}/compare")
@requires("tools.curate")
def compare(kind: str, entry_id: int):
    entry = _entry(kind, entry_id)
    form = f.CompareForm(request.args)
    listed = revisions.history(entry)
    if not listed:
        raise NotFound()
    newest = listed[0].number
    chosen = form.validate()
    old_number = form.old.data if chosen and form.old.data else max(newest - 1, 1)
    new_number = form.new.data if chosen and form.new.data else newest
    old, new = revisions.get_revision(entry, old_number), revisions.get_revision(entry, new_number)
    if old is None or new is None:
        flash(_("There is no such revision; showing the latest change instead."), "info")
        old, new = revisions.get_revision(entry, max(newest - 1, 1)), listed[0]
    changes = revisions.compare(old.snapshot, new.snapshot, KINDS[kind])
    return render_template("curation/compare.html", entry=entry, old=old, new=new, changes=changes,
                           revisions=listed, labels=revisions.term_labels())


@blueprint.get(f"{ENTRY}/revisions/<int:number>")
@requires("tools.curate")
def revision(kind: str, entry_id: int, number: int):
    entry = _entry(kind, entry_id)
    found = revisions.get_revision(entry, number)
    if found is None:
        raise NotFound()
    return render_template("curation/revision.html", entry=entry, revision=found, labels=revisions.term_labels(),
                           form=f.VersionedForm(version=str(entry.version), formdata=None))


@blueprint.post(f"{ENTRY}/revisions/<int:number>/restore")
@requires("tools.curate")
def restore(kind: str, entry_id: int, number: int):
    entry = _entry(kind, entry_id)
    form = f.VersionedForm()
    try:
        new_number = editing.restore_revision(entry, number, me(), form.loaded_version())
    except editing.EditConflict as conflict:
        return _changed(conflict)
    except proposals.ProposalOpen as found:
        flash(_("This entry already has a proposed change waiting for review; there can be one at a time. Continue "
                "it, or ask its author to withdraw it."), "error")
        return redirect(url_for("curation.change", change_id=found.change.id) if found.change
                        else entry_url("entry", entry), 303)
    if new_number is None:
        flash(_("Restoring revision %(old)s is proposed for review. Readers see the published text until another "
                "curator approves it.", old=number), "success")
        return redirect(url_for("curation.change", change_id=proposals.open_change(entry).id), 303)
    flash(_("Revision %(old)s restored as revision %(new)s.", old=number, new=new_number), "success")
    return redirect(entry_url("history", entry), 303)


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


@blueprint.get("/changes/<int:change_id>")
@requires("tools.curate")
def change(change_id: int):
    return _change_page(proposals.get_change(change_id))


def _change_page(change, status: int = 200, **forms):
    entry = proposals.entry_of(change)
    version = str(change.version)
    defaults = {"approve_form": f.ApproveChangeForm(version=version, formdata=None),
                "return_form": f.ReturnForm(version=version, formdata=None, prefix="return"),
                "withdraw_form": f.VersionedForm(version=version, formdata=None, prefix="withdraw")}
    defaults.update(forms)
    return render_template("curation/change.html", change=change, entry=entry, kind=kind_of(entry),
                           diff=proposals.diff(change, entry), facts=proposals.changes_facts(change, entry),
                           authors=proposals.authors_of(change), blocked=proposals.may_approve(change, me()),
                           labels=revisions.term_labels(), field_labels=revisions.field_labels(kind_of(entry)),
                           **defaults), status


def _decide(change_id: int, form, form_name: str, action: Callable, done: str, **kwargs):
    change = proposals.get_change(change_id)
    if not form.validate_on_submit():
        return _change_page(change, 400, **{form_name: form})
    try:
        action(change, me(), form.loaded_version(), **kwargs)
    except proposals.ProposalOpen:
        flash(_("This change was changed or decided since you opened it. Look at it as it is now."), "error")
        return redirect(url_for("curation.change", change_id=change_id), 303)
    except proposals.ProposalRefused as refused:
        form.form_errors.append(refused.message)
        return _change_page(proposals.get_change(change_id), 409, **{form_name: form})
    flash(done, "success")
    return redirect(entry_url("entry", proposals.entry_of(change)), 303)


@blueprint.post("/changes/<int:change_id>/approve")
@requires("tools.review")
def approve_change(change_id: int):
    form = f.ApproveChangeForm()
    return _decide(change_id, form, "approve_form", proposals.approve,
                   _("Approved: readers see the change now, and search finds it."),
                   reverifies=bool(form.reverifies.data), note=form.note.data or "")


@blueprint.post("/changes/<int:change_id>/return")
@requires("tools.review")
def return_change(change_id: int):
    form = f.ReturnForm(prefix="return")
    return _decide(change_id, form, "return_form", proposals.return_change,
                   _("Returned to its author with your reason. The published entry is unchanged."),
                   reason=form.note.data or "")


@blueprint.post("/changes/<int:change_id>/withdraw")
@requires("tools.curate")
def withdraw_change(change_id: int):
    form = f.VersionedForm(prefix="withdraw")
    return _decide(change_id, form, "withdraw_form", proposals.withdraw,
                   _("Your proposed change was withdrawn. The published entry is unchanged."))
