"""Vocabularies as data: seeded from ``catalogue/data/vocabularies.json`` so terms change without a migration."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Term, Vocabulary

SEED_FILE = Path(__file__).resolve().parent.parent / "data" / "vocabularies.json"


@dataclass
class SyncResult:
    vocabularies_added: int = 0
    terms_added: int = 0
    terms_updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.vocabularies_added or self.terms_added or self.terms_updated)


def sync_vocabularies(path: Path = SEED_FILE, *, commit: bool = True) -> SyncResult:
    """Add new vocabularies and terms from the seed file and refresh labels, descriptions and order.

    Terms missing from the file are kept: tools may still use them, and removing one is a curator's decision.
    """
    seed = json.loads(path.read_text(encoding="utf-8"))
    result = SyncResult()
    existing = {v.slug: v for v in db.session.scalars(select(Vocabulary))}
    for v_position, v_data in enumerate(seed["vocabularies"]):
        vocabulary = existing.get(v_data["slug"])
        if vocabulary is None:
            vocabulary = Vocabulary(slug=v_data["slug"])
            db.session.add(vocabulary)
            result.vocabularies_added += 1
        _assign(vocabulary, label=v_data["label"], description=v_data.get("description", ""),
                multiple=bool(v_data.get("multiple", True)), position=v_position)
        terms = {t.slug: t for t in vocabulary.terms}
        for t_position, t_data in enumerate(v_data["terms"]):
            term = terms.get(t_data["slug"])
            if term is None:
                vocabulary.terms.append(Term(slug=t_data["slug"], label=t_data["label"],
                                             description=t_data.get("description", ""), position=t_position))
                result.terms_added += 1
            elif _assign(term, label=t_data["label"], description=t_data.get("description", ""),
                         position=t_position):
                result.terms_updated += 1
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return result


def _assign(obj, **values) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def vocabularies() -> list[Vocabulary]:
    """All vocabularies in display order, with their terms loaded."""
    return list(db.session.scalars(select(Vocabulary).order_by(Vocabulary.position)).unique())


def term_index() -> dict[str, dict[str, Term]]:
    """``{vocabulary slug: {term slug: Term}}`` for validation and look-ups."""
    return {v.slug: {t.slug: t for t in v.terms} for v in vocabularies()}
