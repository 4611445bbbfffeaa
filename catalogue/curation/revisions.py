"""Revisions: a full snapshot of an entry (tool or guidance page) after every save, compared field by field and
restorable."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import func, select

from catalogue import sources
from catalogue.curation.kinds import TOOL, Kind, kind_of
from catalogue.extensions import db
from catalogue.guidance.content import TOPIC_LABELS
from catalogue.languages.formatting import wording
from catalogue.models import GuidancePage, User, Vocabulary
from catalogue.taxonomy import term_index


def field_labels(kind: Kind = TOOL) -> dict[str, str]:
    """Labels for every snapshot field; term fields are named after their vocabulary (its name only: every curation
    page asks, and loading the vocabularies with their terms cost more than the rest of some pages)."""
    named = db.session.execute(select(Vocabulary.slug, Vocabulary.label).order_by(Vocabulary.position))
    return {**kind.content.FIELD_LABELS, **{slug: wording(label) for slug, label in named}}


def snapshot(entry) -> dict[str, Any]:
    return kind_of(entry).content.snapshot(entry)


def apply_content(entry, values: dict[str, Any]) -> bool:
    return kind_of(entry).content.apply_content(entry, values)


def _of(entry):
    revision = kind_of(entry).revision
    return revision, revision.entry_id == entry.id


def record_revision(entry, action: str, author: User | None, note: str = ""):
    """Store the entry as it is now (flushing first, so its id and version are final). The caller commits."""
    db.session.flush()
    revision, mine = _of(entry)
    latest = db.session.scalar(select(func.max(revision.number)).where(mine)) or 0
    saved = revision(entry_id=entry.id, number=latest + 1, entry_version=entry.version, action=action,
                     note=note.strip(), snapshot=snapshot(entry), author=author)
    db.session.add(saved)
    return saved


def history(entry) -> list:
    revision, mine = _of(entry)
    return list(db.session.scalars(select(revision).where(mine).order_by(revision.number.desc())))


def latest_revision(entry):
    revision, mine = _of(entry)
    return db.session.scalar(select(revision).where(mine).order_by(revision.number.desc()).limit(1))


def revision_at_version(entry, version: int):
    """The revision a form loaded at ``version`` was showing: the last one saved at or before that version."""
    revision, mine = _of(entry)
    return db.session.scalar(select(revision).where(mine, revision.entry_version <= version)
                             .order_by(revision.number.desc()).limit(1))


def revisions_after(entry, number: int) -> list:
    revision, mine = _of(entry)
    return list(db.session.scalars(select(revision).where(mine, revision.number > number)
                                   .order_by(revision.number)))


def get_revision(entry, number: int):
    if not 0 < number < 2**31:
        return None
    revision, mine = _of(entry)
    return db.session.scalar(select(revision).where(mine, revision.number == number))


@dataclass
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any
    diff: Markup | None = None  # word-level marking for long text
    removed: list[str] | None = None  # list fields: what left and what came
    added: list[str] | None = None


def compare(old: dict[str, Any], new: dict[str, Any], kind: Kind = TOOL) -> list[FieldChange]:
    """Fields that differ between two snapshots, in display order, with a readable diff for text and lists."""
    labels = field_labels(kind)
    content = kind.content
    changes = []
    for name in content.SNAPSHOT_FIELDS:
        before, after = old.get(name), new.get(name)
        if name in content.SOURCE_FIELDS:  # one readable line per source, compared in order
            before, after = _described(before), _described(after)
        if _same(before, after):
            continue
        change = FieldChange(name, str(labels.get(name, name.replace("_", " ").capitalize())), before, after)
        if name in content.LIST_FIELDS or name in content.SOURCE_FIELDS:
            change.removed = [v for v in before or [] if v not in (after or [])]
            change.added = [v for v in after or [] if v not in (before or [])]
        elif name in content.LONG_TEXT_FIELDS:
            change.diff = word_diff(before or "", after or "")
        changes.append(change)
    return changes


def _described(items: Any) -> list[str]:
    return [sources.describe(source) for source in sources.normalise(items)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(a) == sorted(b)
    return (a or None) == (b or None)


WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> Markup:
    """The new text with removed words in ``<del>`` and added words in ``<ins>``; everything escaped."""
    a, b = WORDS.findall(before), WORDS.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
    return Markup("").join(out)


def term_labels() -> dict[str, dict[str, str]]:
    """``{field: {slug: label}}`` so comparisons can show names rather than slugs: terms per vocabulary, guidance
    titles for related pages and topic names."""
    labels = {v: {slug: wording(term.label) for slug, term in terms.items()} for v, terms in term_index(True).items()}
    labels["related"] = dict(db.session.execute(select(GuidancePage.slug, GuidancePage.title)).all())
    labels["topic"] = {slug: str(label) for slug, label in TOPIC_LABELS.items()}
    return labels


