"""Adding, changing and deleting curators' translations of an entry: checked, cleaned, audited, never overwriting.

Each translation carries a version counter. A form remembers the version it was loaded with (0 for a translation
that did not exist yet); saving or deleting from a form that is no longer current raises ``TranslationConflict``
and writes nothing, and so does a save that another curator's save of the same language beats by a moment (the
version counter, or the unique (entry, language) for two new ones). Saving a translation re-indexes its entry
through the search outbox (see ``catalogue.search.outbox``), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.conflicts import unit_of_work
from catalogue.curation import proposals, revisions
from catalogue.curation.kinds import Kind, target_of
from catalogue.entry_translations.kinds import ORIGINAL, Translated, translated_of
from catalogue.extensions import db
from catalogue.forms import MARKDOWN_LIMIT
from catalogue.markdown import strip_markup
from catalogue.models import User
from catalogue.models.base import utcnow
from catalogue.rows import get_or_404


class TranslationRefused(Exception):
    """The request cannot be carried out as sent; ``message`` says why, for the curator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class TranslationChangeOpen(Exception):
    """Another curator's proposed change to this translation is open, or it moved on since the form was loaded (the
    curator is offered to continue it). Nothing was written."""

    change: Any


@dataclass
class TranslationConflict(Exception):
    """Someone saved or deleted this translation after the form was loaded. Nothing was written."""

    current: Any  # the translation as it is now, or None if it was deleted


def get_entry(kind: Kind, entry_id: int):
    return get_or_404(kind.model, entry_id)


def check_language(language: str) -> str:
    """``language`` if entries can be translated into it. An unknown code is no page at all (404); the original's
    language is a mistake worth explaining."""
    if language == ORIGINAL:
        raise TranslationRefused(_("Entries are written in English: change the English text in the editor, and add "
                                   "translations into the other languages."))
    if language not in current_app.config["LANGUAGES"]:
        raise NotFound()
    return language


def get_translation(entry, language: str):
    described = translated_of(entry)
    model = described.model
    return db.session.scalar(select(model).where(model.entry_id == entry.id, model.language == language))


def clean_values(described: Translated, values: dict[str, str]) -> dict[str, str]:
    """Trimmed text for every translated field; Markdown cleaned as the editor cleans it."""
    cleaned = {}
    for name in described.fields:
        value = (values.get(name) or "").strip()
        cleaned[name] = strip_markup(value) if name in described.markdown else value
    return cleaned


def check_lengths(described: Translated, values: dict[str, str]) -> None:
    """The form checks lengths for people; this keeps other callers from reaching the database with too much."""
    for name, text in values.items():
        limit = described.limits[name] or MARKDOWN_LIMIT
        if len(text) > limit:
            raise TranslationRefused(_("A translated text is longer than the original's field allows (%(limit)s "
                                       "characters).", limit=limit))


def save_translation(entry, language: str, values: dict[str, str], author: User | None,
                     loaded_version: int | None, loaded_change_version: int | None = None) -> bool:
    """Add or change the translation of ``entry`` into ``language`` if nobody saved it since ``loaded_version``
    (0 or None: the form was loaded when there was none). Returns whether anything changed; saving an unchanged
    translation of an original that changed since marks it as up to date.
    """
    language = check_language(language)
    described = translated_of(entry)
    values = clean_values(described, values)
    check_lengths(described, values)
    existing = get_translation(entry, language)
    if (existing.version if existing else 0) != (loaded_version or 0):
        raise TranslationConflict(existing)
    if existing is not None and all(getattr(existing, name) == value for name, value in values.items()) \
            and existing.source == described.originals(entry):
        return False
    if needs_review(entry):
        _propose(entry, "translate", values, author, existing.version if existing else 0, language,
                 loaded_change_version)
        return True
    with unit_of_work(lambda _error: TranslationConflict(get_translation(entry, language))):
        store(entry, language, values, author, existing)
        audit.record(f"{described.kind.name}.translate", target=target_of(entry), actor=author,
                     detail=f"{language}: {'changed' if existing else 'added'}")
    return True


def store(entry, language: str, values: dict[str, str], author: User | None, existing=None, demo: bool = False,
          source: dict[str, str] | None = None, source_version: int | None = None):
    """Write checked, cleaned ``values`` as the translation (``existing`` or a new one); the caller commits.
    ``source`` and ``source_version`` say what it was translated from: by default the original as it is now."""
    described = translated_of(entry)
    now = utcnow()
    translation = existing or described.model(entry_id=entry.id, language=language, created_at=now, demo=demo)
    for name, value in values.items():
        setattr(translation, name, value)
    translation.source = dict(source if source is not None else described.originals(entry))
    translation.source_version = source_version if source_version is not None else entry.version
    translation.translated_by_id = author.id if author else None
    translation.updated_at = now
    db.session.add(translation)
    return translation


def delete_translation(entry, language: str, author: User | None, loaded_version: int | None,
                       loaded_change_version: int | None = None) -> None:
    """Delete the translation the form showed. Raises NotFound if there is none, TranslationConflict if it changed."""
    language = check_language(language)
    described = translated_of(entry)
    existing = get_translation(entry, language)
    if existing is None:
        raise NotFound()
    if existing.version != loaded_version:
        raise TranslationConflict(existing)
    if needs_review(entry):
        _propose(entry, "untranslate", {}, author, existing.version, language, loaded_change_version)
        return
    with unit_of_work(lambda _error: TranslationConflict(get_translation(entry, language))):
        db.session.delete(existing)
        audit.record(f"{described.kind.name}.untranslate", target=target_of(entry), actor=author, detail=language)


def needs_review(entry) -> bool:
    """Whether readers see the entry, so a change to its translations waits for another curator."""
    return proposals.is_live(entry)


def open_change(entry, language: str):
    """The open proposed change to the entry's translation into ``language``, if any."""
    return proposals.open_change(entry, language)


def _propose(entry, action: str, values: dict[str, str], author: User | None, base_version: int, language: str,
             loaded_change_version: int | None) -> None:
    """A change to a published entry's translation waits for another curator. The form carries the version of the
    open change it showed (if any), so two translators at once never overwrite each other's proposal."""
    try:
        proposals.propose(entry, action, values, author, base_version, language=language,
                          loaded_change_version=loaded_change_version)
    except proposals.ProposalOpen as found:
        raise TranslationChangeOpen(found.change) from None
    except proposals.ProposalRefused as refused:
        raise TranslationRefused(refused.message) from None


def _apply_translation(entry, change, reviewer: User) -> None:
    """Approving a proposed translation: store it as its translator wrote it (the caller commits)."""
    existing = get_translation(entry, change.language)
    if (existing.version if existing else 0) != change.base_version:
        raise proposals.ProposalRefused(_("The translation was changed since this change was proposed. Return it, "
                                          "so its author can start again from the translation as it is now."))
    author = change.author or reviewer
    store(entry, change.language, dict(change.values), author, existing)
    audit.record(f"{translated_of(entry).kind.name}.translate", target=target_of(entry), actor=author,
                 detail=f"{change.language}: {'changed' if existing else 'added'}")


def _apply_untranslation(entry, change, reviewer: User) -> None:
    existing = get_translation(entry, change.language)
    if existing is None or existing.version != change.base_version:
        raise proposals.ProposalRefused(_("The translation was changed since this change was proposed. Return it, "
                                          "so its author can start again from the translation as it is now."))
    db.session.delete(existing)
    audit.record(f"{translated_of(entry).kind.name}.untranslate", target=target_of(entry),
                 actor=change.author or reviewer, detail=change.language)


def _translation_diff(entry, change) -> list:
    """The proposed translation against the one readers of that language see now (empty when there is none)."""
    described = translated_of(entry)
    existing = get_translation(entry, change.language)
    before = {name: getattr(existing, name) if existing else "" for name in described.fields}
    return revisions.compare(before, {**before, **change.values}, described.kind)


proposals.APPLIERS.update(translate=_apply_translation, untranslate=_apply_untranslation)
proposals.DIFFERS.update(translate=_translation_diff)
