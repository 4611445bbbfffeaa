"""Reading the catalogue: listing, filtering, detail, related tools and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select, true
from werkzeug.exceptions import NotFound

from catalogue.extensions import db
from catalogue.models import STATUSES, Term, Tool, Vocabulary, tool_terms
from catalogue.tools.taxonomy import vocabularies

SORTS = {
    "name": (func.lower(Tool.name), Tool.slug),
    "updated": (Tool.updated_at.desc(), Tool.slug),
}
DEFAULT_SORT = "name"


@dataclass
class ListingRequest:
    page: int = 1
    sort: str = DEFAULT_SORT
    filters: dict[str, list[str]] = field(default_factory=dict)  # vocabulary slug -> term slugs


@dataclass
class ActiveFilter:
    vocabulary: Vocabulary
    term: Term


def published() -> Select:
    return select(Tool).where(Tool.status == "published")


def resolve_filters(filters: dict[str, list[str]]) -> tuple[list[ActiveFilter], list[str]]:
    """Match requested term slugs against the vocabularies; return the active ones and the ignored values."""
    active, ignored = [], []
    by_slug = {v.slug: v for v in vocabularies()}
    for vocabulary_slug, term_slugs in filters.items():
        vocabulary = by_slug.get(vocabulary_slug)
        terms = {t.slug: t for t in vocabulary.terms} if vocabulary else {}
        for slug in dict.fromkeys(term_slugs):
            if slug in terms:
                active.append(ActiveFilter(vocabulary, terms[slug]))
            else:
                ignored.append(slug)
    return active, ignored


def list_published(request: ListingRequest, per_page: int) -> tuple[Pagination, list[ActiveFilter], list[str]]:
    """One page of published tools; values OR within a vocabulary, AND across vocabularies."""
    active, ignored = resolve_filters(request.filters)
    query = published()
    by_vocabulary: dict[int, list[int]] = {}
    for item in active:
        by_vocabulary.setdefault(item.vocabulary.id, []).append(item.term.id)
    for term_ids in by_vocabulary.values():
        query = query.where(Tool.id.in_(select(tool_terms.c.tool_id).where(tool_terms.c.term_id.in_(term_ids))))
    query = query.order_by(*SORTS.get(request.sort, SORTS[DEFAULT_SORT]))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last_page = max(1, -(-total // per_page))
    page = min(max(request.page, 1), last_page)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True), active, ignored


def get_published(slug: str) -> Tool:
    tool = db.session.scalar(published().where(Tool.slug == slug))
    if tool is None:
        raise NotFound()
    return tool


def related_tools(tool: Tool, limit: int = 4) -> list[Tool]:
    """Published tools sharing the most purposes with ``tool``, then the most recently updated."""
    purpose_ids = [t.id for t in tool.terms_in("purposes")]
    if not purpose_ids:
        return []
    shared = func.count(tool_terms.c.term_id).label("shared")
    ranked = (
        select(Tool, shared)
        .join(tool_terms, tool_terms.c.tool_id == Tool.id)
        .where(Tool.status == "published", Tool.id != tool.id, tool_terms.c.term_id.in_(purpose_ids))
        .group_by(Tool.id)
        .order_by(shared.desc(), Tool.updated_at.desc(), Tool.slug)
        .limit(limit)
    )
    return [row[0] for row in db.session.execute(ranked)]


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


def recently_updated(limit: int = 6) -> list[Tool]:
    return list(db.session.scalars(published().order_by(Tool.updated_at.desc(), Tool.slug).limit(limit)))


def count_published() -> int:
    return db.session.scalar(select(func.count()).select_from(Tool).where(Tool.status == "published")) or 0


def catalogue_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(Tool)) == 0


def catalogue_stats() -> dict:
    """Tools by status and tools per term of every vocabulary, whatever the tools' status."""
    by_status = dict(db.session.execute(select(Tool.status, func.count()).group_by(Tool.status)).all())
    tools = {status: by_status.get(status, 0) for status in STATUSES}
    tools["total"] = sum(tools.values())
    return {
        "tools": tools,
        "vocabularies": {
            v.slug: {term.slug: n for term, n in term_counts(v.slug, status=None)} for v in vocabularies()
        },
    }
