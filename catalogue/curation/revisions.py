"""Revisions: a full snapshot of a tool after every save, compared field by field and restorable."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.interchange.fields import MULTI_TERM_FIELDS, TERM_FIELDS
from catalogue.interchange.records import tool_to_record
from catalogue.models import Tool, ToolRevision, User
from catalogue.tools.taxonomy import term_index, vocabularies

#: Fields a curator writes; restoring a revision brings back exactly these.
CONTENT_FIELDS = ("name", "organisation", "country", "website", "summary", "description", *TERM_FIELDS,
                  "languages", "responsible_use")
#: Everything a snapshot holds, in the order a comparison shows it.
SNAPSHOT_FIELDS = ("slug", *CONTENT_FIELDS, "status", "last_reviewed", "verification_sources", "demo")
LONG_TEXT_FIELDS = ("summary", "description", "responsible_use", "verification_sources")

FIELD_LABELS = {
    "slug": _l("Address (slug)"), "name": _l("Name"), "organisation": _l("Organisation"),
    "country": _l("Country"), "website": _l("Website"), "summary": _l("Summary"),
    "description": _l("Description"), "languages": _l("Languages"), "responsible_use": _l("Responsible use"),
    "status": _l("Status"), "last_reviewed": _l("Last verified"), "verification_sources": _l("Verification sources"),
    "demo": _l("Demonstration entry"),
}


def field_labels() -> dict[str, str]:
    """Labels for every snapshot field; term fields are named after their vocabulary."""
    return {**FIELD_LABELS, **{v.slug: v.label for v in vocabularies()}}


def snapshot(tool: Tool) -> dict[str, Any]:
    record = tool_to_record(tool)
    record["verification_sources"] = tool.verification_sources or ""
    return {name: record.get(name) for name in SNAPSHOT_FIELDS}


def record_revision(tool: Tool, action: str, author: User | None, note: str = "") -> ToolRevision:
    """Store the tool as it is now (flushing first, so its id and version are final). The caller commits."""
    db.session.flush()
    latest = db.session.scalar(select(func.max(ToolRevision.number)).where(ToolRevision.tool_id == tool.id)) or 0
    revision = ToolRevision(tool_id=tool.id, number=latest + 1, tool_version=tool.version, action=action,
                            note=note.strip(), snapshot=snapshot(tool), author=author)
    db.session.add(revision)
    return revision


def history(tool: Tool) -> list[ToolRevision]:
    return list(db.session.scalars(select(ToolRevision).where(ToolRevision.tool_id == tool.id)
                                   .order_by(ToolRevision.number.desc())))


def latest_revision(tool: Tool) -> ToolRevision | None:
    return db.session.scalar(select(ToolRevision).where(ToolRevision.tool_id == tool.id)
                             .order_by(ToolRevision.number.desc()).limit(1))


def revision_at_version(tool: Tool, version: int) -> ToolRevision | None:
    """The revision a form loaded at ``version`` was showing: the last one saved at or before that version."""
    return db.session.scalar(select(ToolRevision).where(ToolRevision.tool_id == tool.id,
                                                        ToolRevision.tool_version <= version)
                             .order_by(ToolRevision.number.desc()).limit(1))


def get_revision(tool: Tool, number: int) -> ToolRevision | None:
    if not 0 < number < 2**31:
        return None
    return db.session.scalar(select(ToolRevision).where(ToolRevision.tool_id == tool.id,
                                                        ToolRevision.number == number))


def apply_content(tool: Tool, values: dict[str, Any]) -> bool:
    """Copy content fields (as in a snapshot) onto a tool; returns whether anything changed.

    Terms that no longer exist are skipped; a term merged into another counts as the surviving term.
    """
    changed = False
    for name in CONTENT_FIELDS:
        if name in TERM_FIELDS:
            continue
        value = values.get(name)
        if name == "languages":
            value = list(value or [])
        elif name in ("description", "responsible_use"):
            value = value or ""
        if getattr(tool, name) != value:
            setattr(tool, name, value)
            changed = True
    terms = term_index(include_merged=True)
    wanted = []
    for vocabulary in TERM_FIELDS:
        slugs = values.get(vocabulary) or []
        for slug in ([slugs] if isinstance(slugs, str) else slugs):
            term = terms.get(vocabulary, {}).get(slug)
            while term is not None and term.merged_into_id is not None:
                term = db.session.get(type(term), term.merged_into_id)
            if term is not None and term not in wanted:
                wanted.append(term)
    if {t.id for t in tool.terms} != {t.id for t in wanted}:
        tool.terms = wanted
        changed = True
    return changed


@dataclass
class FieldChange:
    field: str
    label: str
    before: Any
    after: Any
    diff: Markup | None = None  # word-level marking for long text
    removed: list[str] | None = None  # list fields: what left and what came
    added: list[str] | None = None


def compare(old: dict[str, Any], new: dict[str, Any], labels: dict[str, str] | None = None) -> list[FieldChange]:
    """Fields that differ between two snapshots, in display order, with a readable diff for text and lists."""
    labels = {**field_labels(), **(labels or {})}
    changes = []
    for name in SNAPSHOT_FIELDS:
        before, after = old.get(name), new.get(name)
        if _same(before, after):
            continue
        change = FieldChange(name, str(labels.get(name, name.replace("_", " ").capitalize())), before, after)
        if name in MULTI_TERM_FIELDS or name == "languages":
            change.removed = [v for v in before or [] if v not in (after or [])]
            change.added = [v for v in after or [] if v not in (before or [])]
        elif name in LONG_TEXT_FIELDS:
            change.diff = word_diff(before or "", after or "")
        changes.append(change)
    return changes


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
    """``{vocabulary: {slug: label}}`` so comparisons can show names rather than slugs."""
    return {v: {slug: term.label for slug, term in terms.items()} for v, terms in term_index(True).items()}


