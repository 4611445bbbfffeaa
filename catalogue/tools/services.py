"""Reading the catalogue: listing, filtering, detail, related tools and statistics."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import lazyload
from werkzeug.exceptions import NotFound

from catalogue.extensions import db
from catalogue.models import STATUSES, FormerSlug, Term, Tool, Vocabulary, tool_terms
from catalogue.redirects import moved_to
from catalogue.rows import contains
from catalogue.search.registry import REGISTRY
from catalogue.search.service import published_per_term as indexed_counts
from catalogue.taxonomy import term_counts, vocabularies


def published() -> Select:
    return select(Tool).where(Tool.status == "published")


def database_search(words: list[str], filters: dict[str, list[str]], page: int, per_page: int
                    ) -> tuple[list[Tool], int]:
    """Plain database matching, used only while the search index is being rebuilt.

    Every word must appear in the name, summary or description; filter values OR within a vocabulary and AND
    across vocabularies, as in the index.
    """
    query = published()
    for word in words:
        query = query.where(or_(*(contains(column, word) for column in (Tool.name, Tool.summary, Tool.description))))
    for vocabulary, slugs in filters.items():
        if vocabulary in REGISTRY.facets:  # the tools holding any term of the chosen values (guidance pages…)
            term_ids = REGISTRY.facets[vocabulary].term_ids(slugs)
            tagged = select(tool_terms.c.tool_id).where(tool_terms.c.term_id.in_(term_ids))
        else:
            tagged = (select(tool_terms.c.tool_id).join(Term, Term.id == tool_terms.c.term_id)
                      .join(Vocabulary, Vocabulary.id == Term.vocabulary_id)
                      .where(Vocabulary.slug == vocabulary, Term.slug.in_(slugs)))
        query = query.where(Tool.id.in_(tagged))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(page, 1), max(1, -(-total // per_page)))
    tools = db.session.scalars(query.order_by(func.lower(Tool.name), Tool.slug)
                               .limit(per_page).offset((page - 1) * per_page))
    return list(tools), total


def get_published(slug: str, light: bool = False) -> Tool:
    """The published tool at ``slug`` (404, or a redirect from a former slug). ``light``: its terms and translations
    are read only if asked for (a page kept rendered needs its name and id)."""
    query = published().where(Tool.slug == slug)
    if light:
        query = query.options(lazyload(Tool.terms), lazyload(Tool.translations))
    tool = db.session.scalar(query)
    if tool is None:
        moved_to(FormerSlug.entry_kind == "tool", Tool, slug)
        raise NotFound()
    return tool


def published_by_slugs(slugs: list[str]) -> tuple[list[Tool], list[str]]:
    """Published tools in the order asked for, and the slugs that are not published tools."""
    found = {t.slug: t for t in db.session.scalars(published().where(Tool.slug.in_(slugs)))}
    return [found[s] for s in slugs if s in found], [s for s in slugs if s not in found]


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


def published_per_term(vocabulary_slug: str) -> list[tuple[Term, int]]:
    """Every term of a vocabulary with its number of published tools, in display order. From the search index
    (the catalogue's filter counts; a database count grows with the catalogue: about 100 ms at 10,000 tools), or
    from the database while the index cannot answer."""
    counts = indexed_counts(vocabulary_slug)
    if counts is None:
        return term_counts(vocabulary_slug)
    terms = db.session.scalars(select(Term).join(Vocabulary, Vocabulary.id == Term.vocabulary_id)
                               .where(Vocabulary.slug == vocabulary_slug).order_by(Term.position))
    return [(term, counts.get(term.slug, 0)) for term in terms]


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
