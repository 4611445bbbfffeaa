"""Pieces shared by every kind of curated entry's content: its terms."""

from __future__ import annotations

from typing import Any

from catalogue.extensions import db
from catalogue.tools.taxonomy import term_index


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
