"""What administrators do to vocabularies. Each action checks its objects, writes one audit event and commits once.

Changing a term through the ORM is enough for search: the outbox re-indexes the tools of a modified term, and a tool
whose ``terms`` change is itself modified, so merges move tools one by one rather than rewriting ``tool_terms``.

Terms carry no version counter. A relabel or a merge therefore locks the terms' rows first and reads them again
(``lock_rows``): when another administrator changed them a moment before, the second one is told (``TermChanged``,
answered 409 with what they typed) instead of silently overwriting it or merging a term that is already gone.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.conflicts import ConcurrentChange, lock_rows, unit_of_work
from catalogue.curation.revisions import record_revision
from catalogue.extensions import db
from catalogue.models import Term, Tool, User, Vocabulary, tool_terms
from catalogue.rows import get_row, whole_number
from catalogue.taxonomy import vocabularies


class RefusedChange(Exception):
    """A change that cannot be made as asked; the message is for the administrator."""


class TermChanged(RefusedChange, ConcurrentChange):
    """Another administrator changed the term at the same moment; nothing was written. Views that show refusals in
    place show it too; elsewhere it is the 409 page with ``kept``."""


@dataclass
class VocabularySummary:
    vocabulary: Vocabulary
    current: int
    retired: int
    merged: int


@dataclass
class TermRow:
    term: Term
    tools: int
    merged_into: Term | None
    first: bool = False  # among the terms not merged away, which are the ones that can move
    last: bool = False


@dataclass
class MergePreview:
    source: Term
    target: Term
    tools: int
    already: int  # tools that carry both terms and only lose the source


def target_of(term: Term) -> str:
    return f"term:{term.vocabulary.slug}/{term.slug}"


# Looking up ---------------------------------------------------------------------------------------------------------

def summaries() -> list[VocabularySummary]:
    found = []
    for vocabulary in vocabularies():
        merged = sum(1 for t in vocabulary.terms if t.merged_into_id is not None)
        retired = sum(1 for t in vocabulary.terms if t.retired and t.merged_into_id is None)
        found.append(VocabularySummary(vocabulary, len(vocabulary.terms) - retired - merged, retired, merged))
    return found


def get_vocabulary(slug: str) -> Vocabulary:
    vocabulary = db.session.scalar(select(Vocabulary).filter_by(slug=slug))
    if vocabulary is None:
        raise NotFound()
    return vocabulary


def get_term(vocabulary_slug: str, term_id: int) -> Term:
    vocabulary = get_vocabulary(vocabulary_slug)
    term = get_row(Term, term_id)
    if term is None or term.vocabulary_id != vocabulary.id:
        raise NotFound()
    return term


def ordered_terms(vocabulary: Vocabulary) -> list[Term]:
    return sorted(vocabulary.terms, key=lambda t: (t.position, t.id))


def tool_counts(vocabulary: Vocabulary) -> dict[int, int]:
    """Tools of any status carrying each term of the vocabulary, by term id."""
    query = (select(tool_terms.c.term_id, func.count(tool_terms.c.tool_id))
             .join(Term, Term.id == tool_terms.c.term_id).where(Term.vocabulary_id == vocabulary.id)
             .group_by(tool_terms.c.term_id))
    return {term_id: count for term_id, count in db.session.execute(query)}


def term_rows(vocabulary: Vocabulary) -> list[TermRow]:
    counts = tool_counts(vocabulary)
    by_id = {t.id: t for t in vocabulary.terms}
    rows = [TermRow(t, counts.get(t.id, 0), by_id.get(t.merged_into_id)) for t in ordered_terms(vocabulary)]
    movable = [row for row in rows if row.term.merged_into_id is None]
    if movable:
        movable[0].first = movable[-1].last = True
    return rows


def tools_with(term: Term) -> list[Tool]:
    query = select(Tool).join(tool_terms, tool_terms.c.tool_id == Tool.id).where(tool_terms.c.term_id == term.id)
    return list(db.session.scalars(query.order_by(Tool.id)))


# Adding and relabelling ---------------------------------------------------------------------------------------------

def add_term(vocabulary: Vocabulary, slug: str, label: str, description: str, actor: User) -> Term:
    existing = next((t for t in vocabulary.terms if t.slug == slug), None)
    if existing is not None:
        raise RefusedChange(_("The term “%(label)s” already has the address “%(slug)s”. Choose another address.",
                              label=existing.label, slug=slug))
    position = max((t.position for t in vocabulary.terms), default=-1) + 1
    just_added = _("A term with the address “%(slug)s” was just added. Choose another address.", slug=slug)
    with unit_of_work(lambda _error: TermChanged(just_added)):  # another administrator added it a moment ago
        term = Term(slug=slug, label=label.strip(), description=description.strip(), position=position)
        vocabulary.terms.append(term)
        db.session.flush()
        audit.record("vocabulary.term_add", target=target_of(term), detail=term.label, actor=actor)
    return term


def relabel_term(term: Term, label: str, description: str, actor: User) -> bool:
    """Returns whether anything changed; the outbox re-indexes the term's tools, whose text includes labels."""
    label, description = label.strip(), description.strip()
    seen = (term.label, term.description or "")
    if (label, description) == seen:
        return False
    with unit_of_work():
        lock_rows(Term, [term.id])
        db.session.refresh(term)
        if (term.label, term.description or "") != seen:
            raise TermChanged(_("Someone else changed “%(label)s” at the same moment, so your wording was not saved. "
                                "It is shown below: compare it with the term as it is now, then save it again if it "
                                "is still needed.", label=term.label),
                              kept={_("Your label"): label, _("Your description"): description})
        detail = f"“{term.label}” → “{label}”" if label != term.label else "description changed"
        term.label, term.description = label, description
        audit.record("vocabulary.term_relabel", target=target_of(term), detail=detail, actor=actor)
    return True


# Ordering -----------------------------------------------------------------------------------------------------------

def move_term(term: Term, direction: str, actor: User) -> None:
    """Swap the term with its neighbour among the terms not merged away, then number the vocabulary 0, 1, 2…"""
    if direction not in ("up", "down"):
        raise RefusedChange(_("Choose whether to move the term up or down."))
    if term.merged_into_id is not None:
        raise RefusedChange(_("“%(label)s” was merged into another term and has no place in the list.",
                              label=term.label))
    ordered = ordered_terms(term.vocabulary)
    shown = [t for t in ordered if t.merged_into_id is None]
    index = shown.index(term)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(shown):
        raise RefusedChange(_("“%(label)s” is already the first term.", label=term.label) if direction == "up"
                            else _("“%(label)s” is already the last term.", label=term.label))
    a, b = ordered.index(term), ordered.index(shown[other])
    ordered[a], ordered[b] = ordered[b], ordered[a]
    for position, each in enumerate(ordered):
        each.position = position
    audit.record("vocabulary.term_reorder", target=target_of(term), detail=f"{direction} to {other + 1}",
                 actor=actor)
    db.session.commit()


# Retiring -----------------------------------------------------------------------------------------------------------

def retire_term(term: Term, actor: User) -> None:
    if term.retired:
        raise RefusedChange(_("“%(label)s” is already retired.", label=term.label))
    term.retired = True
    audit.record("vocabulary.term_retire", target=target_of(term), actor=actor)
    db.session.commit()


def reinstate_term(term: Term, actor: User) -> None:
    if term.merged_into_id is not None:
        raise RefusedChange(_("“%(label)s” was merged into another term and cannot be reinstated.", label=term.label))
    if not term.retired:
        raise RefusedChange(_("“%(label)s” is not retired.", label=term.label))
    term.retired = False
    audit.record("vocabulary.term_reinstate", target=target_of(term), actor=actor)
    db.session.commit()


# Merging ------------------------------------------------------------------------------------------------------------

def merge_targets(source: Term) -> list[Term]:
    return [t for t in ordered_terms(source.vocabulary)
            if t.id != source.id and not t.retired and t.merged_into_id is None]


def merge_target(source: Term, chosen: object) -> Term:
    """The term ``source`` may be merged into, from the id an administrator chose; RefusedChange says why not."""
    if source.merged_into_id is not None:
        raise RefusedChange(_("“%(label)s” was already merged into another term.", label=source.label))
    text = str(chosen or "")
    target = get_row(Term, whole_number(text))
    if target is None or target.vocabulary_id != source.vocabulary_id:
        raise RefusedChange(_("Choose a term from the list: only terms of %(vocabulary)s can be merged into.",
                              vocabulary=source.vocabulary.label))
    if target.id == source.id:
        raise RefusedChange(_("A term cannot be merged into itself. Choose another term."))
    if target.retired or target.merged_into_id is not None:
        raise RefusedChange(_("“%(label)s” is retired or merged itself. Choose a term in use.", label=target.label))
    return target


def merge_preview(source: Term, target: Term) -> MergePreview:
    tools = tools_with(source)
    return MergePreview(source, target, len(tools), sum(1 for tool in tools if target in tool.terms))


def merge_term(source: Term, target: Term, actor: User) -> int:
    """Move every tool from ``source`` to ``target`` and mark ``source`` merged; returns how many tools moved.

    The target takes the source's place in each tool's list, so a single-choice vocabulary keeps one term; a tool
    that already carries the target just loses the source. Each changed tool gets a revision.

    Raises TermChanged when another administrator merged, retired or changed one of the two terms, or a curator
    saved one of the tools, at the same moment; nothing is merged then.
    """
    tool_changed = _("A tool carrying “%(label)s” was saved at the same moment, so nothing was merged. Try again.",
                     label=source.label)
    with unit_of_work(lambda _error: TermChanged(tool_changed)):
        lock_rows(Term, [source.id, target.id])
        db.session.refresh(source)
        db.session.refresh(target)
        try:
            target = merge_target(source, target.id)
        except RefusedChange as refused:
            raise TermChanged(_("%(reason)s It changed at the same moment; nothing was merged.",
                                reason=str(refused))) from None
        tools = tools_with(source)
        note = f"Term “{source.label}” merged into “{target.label}”"
        for tool in tools:
            terms = [target if t.id == source.id else t for t in tool.terms]
            tool.terms = [t for i, t in enumerate(terms) if t not in terms[:i]]
            record_revision(tool, "vocabulary", actor, note)
        source.retired = True
        source.merged_into_id = target.id
        audit.record("vocabulary.term_merge", target=target_of(source),
                     detail=f"into {target.slug}; {len(tools)} tools moved", actor=actor)
    return len(tools)
