from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from catalogue.policy import me, requires
from catalogue.vocabularies import forms, services
from catalogue.vocabularies import synonyms as synonym_groups

blueprint = Blueprint("vocabularies", __name__, url_prefix="/admin/vocabularies")


def back_to(term):
    return redirect(url_for("vocabularies.vocabulary", vocabulary=term.vocabulary.slug, _anchor=f"term-{term.id}"),
                    303)


@blueprint.get("/")
@requires("vocabularies.manage")
def index():
    return render_template("vocabularies/index.html", summaries=services.summaries())


@blueprint.get("/<vocabulary>")
@requires("vocabularies.manage")
def vocabulary(vocabulary: str):
    return show_vocabulary(services.get_vocabulary(vocabulary), forms.AddTermForm())


def show_vocabulary(found, add_form, status: int = 200):
    return render_template("vocabularies/vocabulary.html", vocabulary=found, rows=services.term_rows(found),
                           add_form=add_form), status


@blueprint.post("/<vocabulary>/terms")
@requires("vocabularies.manage")
def add_term(vocabulary: str):
    found = services.get_vocabulary(vocabulary)
    form = forms.AddTermForm()
    if form.validate_on_submit():
        try:
            term = services.add_term(found, form.slug.data, form.label.data, form.description.data or "", me())
        except services.RefusedChange as refusal:
            form.slug.errors.append(str(refusal))
        else:
            flash(_("“%(label)s” was added to %(vocabulary)s.", label=term.label, vocabulary=found.label), "success")
            return back_to(term)
    return show_vocabulary(found, form, 400)


@blueprint.route("/<vocabulary>/terms/<int:term_id>", methods=["GET", "POST"])
@requires("vocabularies.manage")
def edit_term(vocabulary: str, term_id: int):
    term = services.get_term(vocabulary, term_id)
    form = forms.TermForm(obj=term)
    if form.validate_on_submit():
        if services.relabel_term(term, form.label.data, form.description.data or "", me()):
            flash(_("“%(label)s” was saved.", label=term.label), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return back_to(term)
    tools = services.tool_counts(term.vocabulary).get(term.id, 0)
    return render_template("vocabularies/term.html", term=term, form=form, tools=tools), 400 if form.errors else 200


@blueprint.post("/<vocabulary>/terms/<int:term_id>/move")
@requires("vocabularies.manage")
def move_term(vocabulary: str, term_id: int):
    term = services.get_term(vocabulary, term_id)
    form = forms.MoveForm()
    if not form.validate_on_submit():
        flash(_("Choose whether to move the term up or down."), "error")
        return back_to(term)
    try:
        services.move_term(term, form.direction.data, me())
    except services.RefusedChange as refusal:
        flash(str(refusal), "error")
    else:
        moved = _("“%(label)s” was moved up.", label=term.label) if form.direction.data == "up" \
            else _("“%(label)s” was moved down.", label=term.label)
        flash(moved, "success")
    return back_to(term)


@blueprint.route("/<vocabulary>/terms/<int:term_id>/merge", methods=["GET", "POST"])
@requires("vocabularies.manage")
def merge_term(vocabulary: str, term_id: int):
    """GET with ``into`` shows what the merge would do; POST does it."""
    source = services.get_term(vocabulary, term_id)
    if source.merged_into_id is not None:
        flash(_("“%(label)s” was already merged into another term.", label=source.label), "error")
        return back_to(source)
    targets = services.merge_targets(source)
    posted = request.method == "POST"
    form = forms.MergeForm(targets) if posted else forms.MergeForm(targets, formdata=request.args or None,
                                                                  meta={"csrf": False})
    preview = None
    if (posted or "into" in request.args) and form.validate():
        try:
            target = services.merge_target(source, form.into.data)
        except services.RefusedChange as refusal:
            form.into.errors.append(str(refusal))
        else:
            if posted:
                moved = services.merge_term(source, target, me())
                flash(ngettext("“%(source)s” was merged into “%(target)s”; %(num)s tool moved.",
                               "“%(source)s” was merged into “%(target)s”; %(num)s tools moved.",
                               moved, source=source.label, target=target.label), "success")
                return back_to(target)
            preview = services.merge_preview(source, target)
    return render_template("vocabularies/merge.html", source=source, form=form, preview=preview,
                           tools=services.tool_counts(source.vocabulary).get(source.id, 0),
                           has_targets=bool(targets)), 400 if form.errors else 200


@blueprint.post("/<vocabulary>/terms/<int:term_id>/retire")
@requires("vocabularies.manage")
def retire_term(vocabulary: str, term_id: int):
    term = services.get_term(vocabulary, term_id)
    try:
        services.retire_term(term, me())  # CSRFProtect has checked the token before the view runs
    except services.RefusedChange as refusal:
        flash(str(refusal), "error")
    else:
        flash(_("“%(label)s” is retired: it stays on the tools that carry it but is no longer offered to curators.",
                label=term.label), "success")
    return back_to(term)


@blueprint.post("/<vocabulary>/terms/<int:term_id>/reinstate")
@requires("vocabularies.manage")
def reinstate_term(vocabulary: str, term_id: int):
    term = services.get_term(vocabulary, term_id)
    try:
        services.reinstate_term(term, me())
    except services.RefusedChange as refusal:
        flash(str(refusal), "error")
    else:
        flash(_("“%(label)s” is offered to curators again.", label=term.label), "success")
    return back_to(term)


# Search synonyms ------------------------------------------------------------------------------------------------------

def back_to_synonyms(key: str | None = None):
    return redirect(url_for("vocabularies.synonyms", _anchor=f"group-{key}" if key else None), 303)


def synonym_form(group=None, **kwargs) -> forms.SynonymGroupForm:
    """The group's form: what was posted, else the group as it is."""
    if group is None:
        return forms.SynonymGroupForm(data={"version": "0"}, **kwargs)
    return forms.SynonymGroupForm(data={"phrases": "\n".join(group.phrases), "language": group.language or "",
                                        "version": str(group.version)}, **kwargs)


def show_group(form, group=None, status: int = 200, **context):
    """The add page (no ``group``) or the group's edit page, with its delete form at the group's current version."""
    delete_form = forms.DeleteSynonymGroupForm(prefix="delete", formdata=None,
                                               data={"version": str(group.version if group else 0)})
    shipped = synonym_groups.shipped_version(group.key) if group is not None else None
    return render_template("vocabularies/synonym_group.html", form=form, group=group, shipped=shipped,
                           delete_form=delete_form, **context), status


@blueprint.get("/synonyms/")
@requires("vocabularies.manage")
def synonyms():
    groups, deleted = synonym_groups.listing()
    return render_template("vocabularies/synonyms.html", groups=groups, deleted=deleted)


@blueprint.route("/synonyms/new", methods=["GET", "POST"])
@requires("vocabularies.manage")
def add_synonyms():
    form = synonym_form()
    if form.validate_on_submit():
        try:
            group = synonym_groups.add_group(synonym_groups.phrases_from(form.phrases.data), form.chosen_language(),
                                             me())
        except synonym_groups.GroupRefused as refused:
            form.phrases.errors.extend(refused.problems)
        else:
            flash(_("The group “%(key)s” was added. Searches use it from now on.", key=group.key), "success")
            return back_to_synonyms(group.key)
    return show_group(form, status=400 if form.errors else 200)


@blueprint.route("/synonyms/<slug>/edit", methods=["GET", "POST"])
@requires("vocabularies.manage")
def edit_synonyms(slug: str):
    group = synonym_groups.find_group(slug)
    if group is None:
        if request.method == "GET" or not synonym_groups.was_deleted(slug):
            abort(404)
        return show_group(forms.SynonymGroupForm(), None, 409, deleted_meanwhile=slug)
    form = synonym_form(group)
    if form.validate_on_submit():
        try:
            changed = synonym_groups.edit_group(slug, synonym_groups.phrases_from(form.phrases.data),
                                                form.chosen_language(), form.loaded_version(), me())
        except synonym_groups.GroupConflict as conflict:
            if conflict.current is None:
                return show_group(form, None, 409, deleted_meanwhile=slug)
            form.version.data = str(conflict.current.version)
            return show_group(form, conflict.current, 409, conflict=conflict)
        except synonym_groups.GroupRefused as refused:
            form.phrases.errors.extend(refused.problems)
        else:
            flash(_("The group “%(key)s” was saved. Searches use it from now on.", key=slug) if changed
                  else _("Nothing was changed."), "success" if changed else "info")
            return back_to_synonyms(slug)
    return show_group(form, group, 400 if form.errors else 200)


@blueprint.post("/synonyms/<slug>/delete")
@requires("vocabularies.manage")
def delete_synonyms(slug: str):
    form = forms.DeleteSynonymGroupForm(prefix="delete")
    form.validate_on_submit()  # CSRFProtect has checked the token before the view runs
    try:
        synonym_groups.delete_group(slug, form.loaded_version(), me())
    except synonym_groups.GroupConflict as conflict:
        if conflict.current is None:
            flash(_("The group “%(key)s” had already been deleted.", key=slug), "info")
            return back_to_synonyms()
        return show_group(synonym_form(conflict.current, formdata=None), conflict.current, 409,
                          delete_conflict=True)
    flash(_("The group “%(key)s” was deleted. Searches no longer use it.", key=slug), "success")
    return back_to_synonyms()
