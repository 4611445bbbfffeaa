"""What administrators do to the search's synonym groups: add, edit and delete them.

The shipped file stays as it is; each change is a row of ``synonym_groups`` keyed like the group it changes (see
``catalogue/search/synonyms.py``), so it applies to the next search in every worker without reindexing. Each action
checks the group as the file is checked, writes one audit event and commits once; ``version`` stops two
administrators from overwriting each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.conflicts import unit_of_work
from catalogue.extensions import db
from catalogue.models import SynonymGroup, User
from catalogue.models.base import utcnow
from catalogue.search import synonyms
from catalogue.search.synonyms import Group
from catalogue.slugs import slugify, unique_slug

ALL_LANGUAGES = "all languages"


class GroupRefused(Exception):
    """The group cannot be saved as asked; ``problems`` are messages for the administrator."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class GroupConflict(Exception):
    """Someone changed or deleted the group since the form was loaded; ``current`` is the group now (None: gone)."""

    def __init__(self, current: Group | None):
        super().__init__("the synonym group changed")
        self.current = current


@dataclass
class GroupRow:
    group: Group
    updated_at: datetime | None = None
    updated_by: str = ""


@dataclass
class DeletedRow:
    key: str
    phrases: list[str]
    language: str | None
    shipped: bool
    updated_at: datetime
    updated_by: str


def target_of(key: str) -> str:
    return f"synonyms:{key}"


# Looking up ---------------------------------------------------------------------------------------------------------

def overrides() -> dict[str, SynonymGroup]:
    return {row.key: row for row in db.session.scalars(select(SynonymGroup).order_by(SynonymGroup.id))}


def listing() -> tuple[list[GroupRow], list[DeletedRow]]:
    """The groups in force, in file order then as added, with who last changed them; and the deleted ones."""
    rows = overrides()
    shipped = {group.key for group in synonyms.shipped_groups()}

    def who(row: SynonymGroup | None) -> str:
        if row is None or row.updated_by is None:
            return ""
        return row.updated_by.name or row.updated_by.email

    current = [GroupRow(group, getattr(rows.get(group.key), "updated_at", None), who(rows.get(group.key)))
               for group in synonyms.effective_groups()]
    deleted = [DeletedRow(row.key, list(row.phrases), row.language, row.key in shipped, row.updated_at, who(row))
               for row in rows.values() if row.deleted]
    return current, deleted


def find_group(key: str) -> Group | None:
    return next((group for group in synonyms.effective_groups() if group.key == key), None)


def get_group(key: str) -> Group:
    group = find_group(key)
    if group is None:
        raise NotFound()
    return group


def was_deleted(key: str) -> bool:
    return db.session.scalar(select(SynonymGroup.id).filter_by(key=key, deleted=True)) is not None


def shipped_version(key: str) -> Group | None:
    return next((group for group in synonyms.shipped_groups() if group.key == key), None)


# Checking -----------------------------------------------------------------------------------------------------------

def phrases_from(text: str) -> list[str]:
    """One phrase per line, as typed; blank lines are left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check(phrases: list[str], language: str | None, key: str | None) -> None:
    """Refuse what the synonym file would refuse, and a phrase that another group of the same readers has (naming
    that group)."""
    problems = synonyms.group_problems(phrases, language) if phrases else \
        [_("The group is empty: give at least two phrases, one per line.")]
    if not problems:
        candidate = Group(key or "", tuple(phrases), language)
        by_normalised = {synonyms.normalise(p): p for p in phrases}
        problems = [_("“%(phrase)s” is already in the group “%(key)s” (%(phrases)s). A phrase can be in only one "
                      "group for the same readers: remove it here or from that group first.",
                      phrase=by_normalised[phrase], key=other.key, phrases=synonyms.describe(other))
                    for phrase, other in synonyms.shared_phrases(candidate, synonyms.effective_groups())]
    if problems:
        raise GroupRefused(problems)


def what_changed(before: Group, phrases: list[str], language: str | None) -> str:
    """The audit detail of an edit: phrases added and removed, and a new language."""
    old, new = synonyms.distinct_normalised(before.phrases), synonyms.distinct_normalised(phrases)
    parts = []
    added = [p for p in phrases if synonyms.normalise(p) not in old]
    removed = [p for p in before.phrases if synonyms.normalise(p) not in new]
    if added:
        parts.append("added: " + "; ".join(added))
    if removed:
        parts.append("removed: " + "; ".join(removed))
    if language != before.language:
        parts.append(f"language: {before.language or ALL_LANGUAGES} → {language or ALL_LANGUAGES}")
    return ", ".join(parts) or "spelling of phrases changed: " + "; ".join(phrases)


# Changing -----------------------------------------------------------------------------------------------------------

def add_group(phrases: list[str], language: str | None, actor: User) -> Group:
    """A new group of the administrators' own, with a key made from its first phrase."""
    check(phrases, language, None)
    taken = {group.key for group in synonyms.shipped_groups()} | set(overrides())
    key = unique_slug(slugify(phrases[0], "group", synonyms.MAX_KEY_LENGTH - 4), taken.__contains__,
                      synonyms.MAX_KEY_LENGTH)
    # Another administrator's group taking the same key a moment ago is refused with a message.
    with unit_of_work(lambda _error: GroupRefused([_("Another group was added at the same moment. Send the form "
                                                     "again.")])):
        db.session.add(SynonymGroup(key=key, language=language, phrases=phrases, updated_at=utcnow(),
                                    updated_by_id=actor.id))
        audit.record("synonyms.add", target=target_of(key), actor=actor,
                     detail=f"{language or ALL_LANGUAGES}: " + "; ".join(phrases))
    return get_group(key)


def edit_group(key: str, phrases: list[str], language: str | None, loaded_version: int | None,
               actor: User) -> bool:
    """Save the group's new phrases and language; returns whether anything changed. Raises GroupConflict when the
    group is no longer the version the form was loaded with, GroupRefused when the new group cannot be used."""
    before = current_or_conflict(key, loaded_version)
    check(phrases, language, key)
    if list(before.phrases) == phrases and before.language == language:
        return False
    row = row_at(key, loaded_version) or SynonymGroup(key=key)
    row.phrases, row.language, row.deleted = phrases, language, False
    save(row, actor, "synonyms.edit", what_changed(before, phrases, language))
    return True


def delete_group(key: str, loaded_version: int | None, actor: User) -> Group:
    """Delete the group in force (a shipped one is remembered as deleted); returns it as it was."""
    before = current_or_conflict(key, loaded_version)
    row = row_at(key, loaded_version) or SynonymGroup(key=key, language=before.language, phrases=list(before.phrases))
    row.deleted = True
    save(row, actor, "synonyms.delete", f"{before.language or ALL_LANGUAGES}: " + "; ".join(before.phrases))
    return before


def current_or_conflict(key: str, loaded_version: int | None) -> Group:
    current = find_group(key)
    if current is None:
        if db.session.scalar(select(SynonymGroup.id).filter_by(key=key)) is None:
            raise NotFound()
        raise GroupConflict(None)  # deleted since the form was loaded
    if current.version != loaded_version:
        raise GroupConflict(current)
    return current


def row_at(key: str, loaded_version: int | None) -> SynonymGroup | None:
    """The group's row (None for a shipped group no one changed yet), if it is still at ``loaded_version``."""
    row = db.session.scalar(select(SynonymGroup).filter_by(key=key))
    if (row.version if row is not None else 0) != loaded_version:
        raise GroupConflict(find_group(key))
    return row


def save(row: SynonymGroup, actor: User, action: str, detail: str) -> None:
    """Commit the row with the audit event. Another administrator's save in between (a newer version, or the first
    row for a shipped group) makes this one a conflict, never an overwrite."""
    key = row.key
    with unit_of_work(lambda _error: GroupConflict(find_group(key))):
        row.updated_at, row.updated_by_id = utcnow(), actor.id
        db.session.add(row)
        audit.record(action, target=target_of(key), actor=actor, detail=detail)
