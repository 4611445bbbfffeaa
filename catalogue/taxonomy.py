"""The taxonomy: which vocabularies classify tools, and their terms as data, seeded from
``catalogue/data/vocabularies.json`` so terms change without a migration."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from catalogue.extensions import db
from catalogue.models import Term, Tool, Vocabulary, tool_terms

SEED_FILE = Path(__file__).resolve().parent / "data" / "vocabularies.json"

#: The vocabularies that classify tools, in the order forms, facets and exports list them. Each may hold many terms
#: per tool, or one.
MULTI_TERM_FIELDS = (
    "purposes", "technologies", "crime_phases", "workflow_steps", "data_types", "deployment", "intended_users",
)
SINGLE_TERM_FIELDS = ("cost_model", "availability", "maturity", "exposure_reduction")
TERM_FIELDS = MULTI_TERM_FIELDS + SINGLE_TERM_FIELDS


@dataclass
class SyncResult:
    vocabularies_added: int = 0
    terms_added: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.vocabularies_added or self.terms_added)


def sync_vocabularies(path: Path = SEED_FILE, *, commit: bool = True) -> SyncResult:
    """Add vocabularies and terms from the seed file that the database does not have yet.

    Existing ones are left alone: administrators relabel, reorder, merge and retire terms in the interface, and a
    term merged away stays in the database (marked) so the seed file never brings it back.
    """
    seed = json.loads(path.read_text(encoding="utf-8"))
    result = SyncResult()
    existing = {v.slug: v for v in db.session.scalars(select(Vocabulary))}
    for v_position, v_data in enumerate(seed["vocabularies"]):
        vocabulary = existing.get(v_data["slug"])
        if vocabulary is None:
            vocabulary = Vocabulary(slug=v_data["slug"], label=v_data["label"],
                                    description=v_data.get("description", ""),
                                    multiple=bool(v_data.get("multiple", True)), position=v_position)
            db.session.add(vocabulary)
            result.vocabularies_added += 1
        known = {t.slug for t in vocabulary.terms}
        next_position = max((t.position for t in vocabulary.terms), default=-1) + 1
        for t_data in v_data["terms"]:
            if t_data["slug"] in known:
                continue
            vocabulary.terms.append(Term(slug=t_data["slug"], label=t_data["label"],
                                         description=t_data.get("description", ""), position=next_position))
            next_position += 1
            result.terms_added += 1
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return result


def vocabularies() -> list[Vocabulary]:
    """All vocabularies in display order, with their terms loaded."""
    # Two queries, not one per vocabulary; each term's vocabulary is then found in the session, not joined again.
    loading = selectinload(Vocabulary.terms).lazyload(Term.vocabulary)
    return list(db.session.scalars(select(Vocabulary).options(loading).order_by(Vocabulary.position)).unique())


def term_index(include_merged: bool = False) -> dict[str, dict[str, Term]]:
    """``{vocabulary slug: {term slug: Term}}`` for validation and look-ups; merged-away terms only if asked."""
    return {v.slug: {t.slug: t for t in v.terms if include_merged or t.merged_into_id is None}
            for v in vocabularies()}


def current_terms(vocabulary: Vocabulary, keep: list[Term] | tuple[Term, ...] = ()) -> list[Term]:
    """Terms a curator may choose now: not retired, plus any retired ones the entry already carries."""
    return [t for t in vocabulary.terms if not t.retired or t in keep]


def apply_terms(entry, values: dict[str, Any], vocabularies) -> bool:
    """Give ``entry`` the terms named in ``values`` (per vocabulary slug); returns whether they changed.

    Terms that no longer exist are skipped; a term merged into another counts as the surviving term.
    """
    terms = term_index(include_merged=True)
    wanted = []
    for vocabulary in vocabularies:
        slugs = values.get(vocabulary) or []
        for slug in ([slugs] if isinstance(slugs, str) else slugs):
            term = terms.get(vocabulary, {}).get(slug)
            while term is not None and term.merged_into_id is not None:
                term = db.session.get(type(term), term.merged_into_id)
            if term is not None and term not in wanted:
                wanted.append(term)
    if {t.id for t in entry.terms} != {t.id for t in wanted}:
        entry.terms = wanted
        return True
    return False


def term_counts(vocabulary_slug: str, status: str | None = "published") -> list[tuple[Term, int]]:
    """Every term of a vocabulary with the number of tools that carry it (zero included), in display order."""
    count = func.count(Tool.id)
    query = (
        select(Term, count)
        .join(Vocabulary, Term.vocabulary_id == Vocabulary.id)
        .outerjoin(tool_terms, tool_terms.c.term_id == Term.id)
        .outerjoin(Tool, (Tool.id == tool_terms.c.tool_id) & (Tool.status == status if status else true()))
        .where(Vocabulary.slug == vocabulary_slug)
        .group_by(Term.id)
        .order_by(Term.position)
    )
    return [(term, n) for term, n in db.session.execute(query)]
