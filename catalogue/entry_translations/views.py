"""Curators' pages for translations: one page per (entry, language) to add, change or delete it, beside the
original. The list of languages and their state sits on each entry's curation page (``curation/entry.html``)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template
from flask_babel import gettext as _

from catalogue.curation import revisions
from catalogue.curation.kinds import KINDS
from catalogue.curation.pages import ENTRY, curation_labels, entry_url
from catalogue.entry_translations import reading, services
from catalogue.entry_translations.forms import DeleteForm, translation_form
from catalogue.entry_translations.kinds import translated_of
from catalogue.languages import LANGUAGES, direction
from catalogue.policy import me, requires
from catalogue.templating import language_name

blueprint = Blueprint("entry_translations", __name__, url_prefix="/curation")
#: The pages sit among the curation pages: the same navigation, labels and kind of entry (from the address).
blueprint.context_processor(curation_labels)
TRANSLATION = f"{ENTRY}/translations/<language>"


@blueprint.app_template_global("shown")
@blueprint.app_template_filter("shown")
def shown_global(entry, language: str | None = None):
    """``shown(entry)`` in templates: the entry's text in the reader's language where curators translated it."""
    return reading.shown(entry, language)


@blueprint.app_template_global("translation_states")
def translation_states(entry):
    return reading.states(entry)


def _page(entry, language: str, form, delete_form=None, status: int = 200, **context):
    described = translated_of(entry)
    translation = context.pop("translation", None) or services.get_translation(entry, language)
    changes = []
    if translation is not None and reading.is_stale(translation, entry, described):
        changes = revisions.compare(translation.source or {}, described.originals(entry), described.kind)
    return render_template(
        "entry_translations/edit.html", entry=entry, language=language, native_name=LANGUAGES[language],
        text_direction=direction(language),
        form=form, translation=translation, described=described, originals=described.originals(entry),
        changes=changes,
        delete_form=delete_form or _delete_form(entry, language, translation),
        **context), status


def _delete_form(entry, language: str, translation) -> DeleteForm:
    change = services.open_change(entry, language)
    return DeleteForm(version=str(translation.version if translation else 0), formdata=None, prefix="delete",
                      change_version=str(change.version) if change is not None else "")


def _refused(entry, refused: services.TranslationRefused):
    return render_template("entry_translations/refused.html", entry=entry, message=refused.message), 400


def _entry_for(kind: str, entry_id: int, language: str):
    """The entry (404 when unknown), its description, and the refusal page for a language it cannot have."""
    entry = services.get_entry(KINDS[kind], entry_id)
    try:
        services.check_language(language)
    except services.TranslationRefused as refused:
        return entry, None, _refused(entry, refused)
    return entry, translated_of(entry), None


@blueprint.route(TRANSLATION, methods=["GET", "POST"])
@requires("tools.curate")
def edit(kind: str, entry_id: int, language: str):
    entry, described, refusal = _entry_for(kind, entry_id, language)
    if refusal:
        return refusal
    translation = services.get_translation(entry, language)
    form = translation_form(described, described.originals(entry), obj=translation,
                            version=str(translation.version if translation else 0))
    change = services.open_change(entry, language)
    if change is not None and not form.is_submitted():
        form.change_version.data = str(change.version)
        for name, value in change.values.items() if change.action == "translate" else ():
            if name in form:
                form[name].data = value
    if not form.validate_on_submit():
        return _page(entry, language, form, status=400 if form.errors else 200, translation=translation)
    try:
        changed = services.save_translation(entry, language, form.values(), me(), form.loaded_version(),
                                            form.loaded_change_version())
    except services.TranslationChangeOpen as found:
        form.change_version.data = str(found.change.version) if found.change else ""
        return _page(entry, language, form, status=409, change_open=found.change, translation=translation)
    except services.TranslationConflict as conflict:
        form.version.data = str(conflict.current.version if conflict.current else 0)
        return _page(entry, language, form, status=409, conflict=conflict, translation=conflict.current)
    except services.TranslationRefused as refused:
        form.form_errors.append(refused.message)
        return _page(entry, language, form, status=400, translation=translation)
    if changed and services.open_change(entry, language) is not None:
        flash(_("Your translation into %(language)s is proposed for review. Readers see it once another curator "
                "approves it.", language=language_name(language)), "success")
        return redirect(entry_url("entry", entry, _anchor="translations"), 303)
    flash(_("Translation into %(language)s saved.", language=language_name(language)) if changed
          else _("Nothing had changed, so nothing was saved."), "success" if changed else "info")
    return redirect(entry_url("entry", entry, _anchor="translations"), 303)


@blueprint.post(f"{TRANSLATION}/delete")
@requires("tools.curate")
def delete(kind: str, entry_id: int, language: str):
    entry, described, refusal = _entry_for(kind, entry_id, language)
    if refusal:
        return refusal
    delete_form = DeleteForm(prefix="delete")
    if not delete_form.validate_on_submit():
        form = translation_form(described, described.originals(entry), obj=services.get_translation(entry, language))
        return _page(entry, language, form, delete_form, status=400)
    try:
        services.delete_translation(entry, language, me(), delete_form.loaded_version(),
                                    delete_form.loaded_change_version())
    except services.TranslationChangeOpen as found:
        form = translation_form(described, described.originals(entry), obj=services.get_translation(entry, language))
        return _page(entry, language, form, status=409, change_open=found.change)
    except services.TranslationRefused as refused:
        return _refused(entry, refused)
    except services.TranslationConflict as conflict:
        form = translation_form(described, described.originals(entry), obj=conflict.current,
                                version=str(conflict.current.version if conflict.current else 0), formdata=None)
        return _page(entry, language, form, status=409, delete_conflict=True, translation=conflict.current)
    if services.open_change(entry, language) is not None:
        flash(_("Deleting the translation into %(language)s is proposed for review.",
                language=language_name(language)), "success")
        return redirect(entry_url("entry", entry, _anchor="translations"), 303)
    flash(_("Translation into %(language)s deleted. Readers of %(language)s see the English original again.",
            language=language_name(language)), "success")
    return redirect(entry_url("entry", entry, _anchor="translations"), 303)
