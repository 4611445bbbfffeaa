"""Reading guidance: published pages, the pages that apply to a tool, and the tools a page concerns."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import lazyload
from werkzeug.exceptions import NotFound

from catalogue.extensions import db
from catalogue.guidance.content import TOOL_VOCABULARIES, TOPIC_LABELS
from catalogue.models import FormerSlug, GuidancePage, Term, Tool, Vocabulary, guidance_terms, tool_terms
from catalogue.redirects import moved_to


def published():
    return select(GuidancePage).where(GuidancePage.status == "published")


def get_published(slug: str, light: bool = False) -> GuidancePage:
    """The published page at ``slug`` (404, or a redirect from a former slug). ``light``: its terms, related pages
    and translations are read only if asked for (a page kept rendered needs its id and version)."""
    query = published().where(GuidancePage.slug == slug)
    if light:
        query = query.options(lazyload(GuidancePage.terms), lazyload(GuidancePage.related),
                              lazyload(GuidancePage.translations))
    page = db.session.scalar(query)
    if page is None:
        moved_to(FormerSlug.entry_kind == "guidance", GuidancePage, slug)
        raise NotFound()
    return page


def published_by_slug(slugs) -> dict[str, GuidancePage]:
    """The published pages among ``slugs``, by slug (pages that are missing or unpublished are left out)."""
    return {page.slug: page for page in db.session.scalars(published().where(GuidancePage.slug.in_(list(slugs))))}


@dataclass
class Topic:
    slug: str
    label: str
    pages: list[GuidancePage] = field(default_factory=list)


def by_topic(topic: str | None = None) -> list[Topic]:
    """Published pages grouped by topic in the topics' order; one topic only when ``topic`` is known."""
    topics = {slug: Topic(slug, str(label)) for slug, label in TOPIC_LABELS.items() if topic in (None, slug)}
    for page in db.session.scalars(published().order_by(GuidancePage.title)):
        if page.topic in topics:
            topics[page.topic].pages.append(page)
    return [t for t in topics.values() if t.pages]


def count_published() -> int:
    return db.session.scalar(select(func.count()).select_from(published().subquery())) or 0


@dataclass
class Applying:
    page: GuidancePage
    because: list[Term]  # the tool's terms the page applies to


def applying_terms(page: GuidancePage) -> list[Term]:
    """The page's terms that attach it to tools (workflow steps only place it on the workflow page)."""
    return [term for term in page.terms if term.vocabulary.slug in TOOL_VOCABULARIES]


def for_tool(tool: Tool) -> list[Applying]:
    """Published guidance that applies to any of the tool's terms, principles first, then by title."""
    mine = {term.id: term for term in tool.terms if term.vocabulary.slug in TOOL_VOCABULARIES}
    if not mine:
        return []
    pages = db.session.scalars(published().where(GuidancePage.id.in_(applying_to(mine))))
    found = [Applying(page, [mine[t.id] for t in page.terms if t.id in mine]) for page in pages]
    order = list(TOPIC_LABELS)
    return sorted(found, key=lambda a: (order.index(a.page.topic) if a.page.topic in order else 99, a.page.title))


def tools_for(page: GuidancePage) -> list:
    """Published tools holding any of the page's terms, by name, as (slug, name, demo) rows."""
    term_ids = [term.id for term in applying_terms(page)]
    if not term_ids:
        return []
    tagged = select(tool_terms.c.tool_id).where(tool_terms.c.term_id.in_(term_ids))
    return list(db.session.execute(select(Tool.slug, Tool.name, Tool.demo)
                                   .where(Tool.status == "published", Tool.id.in_(tagged))
                                   .order_by(func.lower(Tool.name), Tool.slug)))


def for_terms(term_ids: list[int]) -> list[GuidancePage]:
    """Published pages applying to any of these terms, by title."""
    if not term_ids:
        return []
    return list(db.session.scalars(published().where(GuidancePage.id.in_(applying_to(term_ids)))
                                   .order_by(GuidancePage.title)))


def applying_to(term_ids):
    """Ids of the pages holding any of these terms: a subquery, not DISTINCT over the pages' rows, which PostgreSQL
    cannot compare (they have JSON columns)."""
    return select(guidance_terms.c.guidance_id).where(guidance_terms.c.term_id.in_(term_ids))


def facet_terms() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    """Each published page (slug, title, summary) with its terms as (vocabulary, term) slugs: what the catalogue's
    guidance facet ORs. Asked on every catalogue page, so one query of the columns it needs, not the pages' rows."""
    rows = db.session.execute(
        select(GuidancePage.slug, GuidancePage.title, GuidancePage.summary, Vocabulary.slug, Term.slug)
        .outerjoin(guidance_terms, guidance_terms.c.guidance_id == GuidancePage.id)
        .outerjoin(Term, Term.id == guidance_terms.c.term_id)
        .outerjoin(Vocabulary, (Vocabulary.id == Term.vocabulary_id) & Vocabulary.slug.in_(TOOL_VOCABULARIES))
        .where(GuidancePage.status == "published")
        .order_by(GuidancePage.title, GuidancePage.slug, Vocabulary.position, Term.position))
    pages: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {}
    for slug, title, summary, vocabulary, term in rows:
        page = pages.setdefault(slug, (slug, title, summary, []))
        if vocabulary is not None:
            page[3].append((vocabulary, term))
    return list(pages.values())


def tool_terms_of_pages(slugs: list[str]):
    """A subquery of the term ids through which these published pages apply to tools (for database filtering)."""
    return (select(guidance_terms.c.term_id).join(GuidancePage).join(Term, Term.id == guidance_terms.c.term_id)
            .join(Vocabulary, Vocabulary.id == Term.vocabulary_id)
            .where(GuidancePage.slug.in_(slugs), GuidancePage.status == "published",
                   Vocabulary.slug.in_(TOOL_VOCABULARIES)))
