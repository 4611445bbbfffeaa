"""What the read API answers: the catalogue's own searches and pages as plain JSON records.

Every list is the same service the pages call (``search.service.search`` for tools, the guidance and trainings
services); labels are in the language asked for, as the pages show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import and_, or_, select

from catalogue import sources
from catalogue.agencies import services as agencies
from catalogue.api import cursors
from catalogue.api.problems import Problem
from catalogue.extensions import db
from catalogue.guidance import services as guidance
from catalogue.guidance.content import TOPIC_LABELS
from catalogue.languages import ORIGINAL, translation_in
from catalogue.languages.formatting import wording
from catalogue.models import GuidancePage, Tool, ToolRevision
from catalogue.records import TIMESTAMP_FORMAT, tool_to_record
from catalogue.search import walk
from catalogue.search.query import QueryError
from catalogue.search.service import SearchRequest, search
from catalogue.taxonomy import MULTI_TERM_FIELDS, SINGLE_TERM_FIELDS, vocabularies
from catalogue.tools import services as tools
from catalogue.trainings import services as trainings

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SORTS = ("relevance", "name", "updated")
TERM_FIELDS = MULTI_TERM_FIELDS + SINGLE_TERM_FIELDS


def stamp(value: datetime | None) -> str | None:
    return value.strftime(TIMESTAMP_FORMAT) if value else None


def tool_url(slug: str) -> str:
    return url_for("api.tool", slug=slug)


def in_language(entry, language: str, *fields: str) -> dict[str, str]:
    """``fields`` of ``entry`` in ``language``: the curators' published translation where there is one."""
    translation = translation_in(entry, language) if language != ORIGINAL else None
    return {name: (getattr(translation, name, "") if translation is not None else "") or getattr(entry, name) or ""
            for name in fields}


def tool_summary(tool: Tool, language: str) -> dict[str, Any]:
    return {"slug": tool.slug, "name": tool.name, "organisation": tool.organisation,
            **in_language(tool, language, "summary"), "updated_at": stamp(tool.updated_at), "version": tool.version,
            "url": tool_url(tool.slug)}


def search_tools(text: str, filters: dict[str, list[str]], sort: str, language: str, limit: int,
                 cursor: str | None) -> dict[str, Any]:
    """One page of the catalogue's search. The cursor names the last tool given (its sort value and id), signed and
    bound to this query: the next page starts strictly after it (see ``search.walk``), and used with another query
    it is refused. The search's count, facets and order are kept between pages while the catalogue is unchanged."""
    bound = cursors.query_key(text, filters, sort, language, limit)
    kind, value = cursors.read_one_of(cursor, bound, ("position", "offset")) if cursor else ("position", None)
    wanted = SearchRequest(text=text, filters=filters, sort=sort, per_page=limit, language=language)
    try:
        walked = walk.page(wanted, walk.Position(*value) if kind == "position" and value else None, limit) \
            if kind == "position" else None
        if walked is not None:
            result, hits = walked.result, walked.tools
            following = walked.next
            next_cursor = (cursors.make(bound, "position", [following.generation, following.value,
                                                            following.tool_id]) if following else None)
        elif kind == "position" and value:
            # The index went away mid-walk: the database's pages are in another order, so the walk cannot go on
            # from here without repeating or skipping; it can when the index is back (rebuilt in the background).
            raise Problem(503, headers={"Retry-After": "60"})
        else:  # the index cannot answer: the database's degraded result, paged by offset
            offset = value if kind == "offset" else 0
            result = search(SearchRequest(text=text, filters=filters, sort=sort, page=offset // limit + 1,
                                          per_page=limit, language=language))
            hits = [(hit.tool, hit.score) for hit in result.hits] if offset < result.total else []
            end = offset + len(hits)
            next_cursor = cursors.make(bound, "offset", end) if hits and end < result.total else None
    except QueryError as error:
        raise Problem(400, str(error), errors={"q": [str(error)]}) from error
    return {
        "count": result.total,
        "results": [{**tool_summary(tool, language), "score": score} for tool, score in hits],
        "next_cursor": next_cursor,
        "facets": {facet.field: {"title": wording(facet.title),
                                 "items": [{"name": value.slug, "label": wording(value.label), "count": value.count,
                                            "selected": value.selected} for value in facet.values]}
                   for facet in result.facets},
        "sort": result.sort,
        "suggestion": result.suggestion,
        "corrected": {"from": result.corrected_from, "to": result.corrected_to} if result.corrected_to else None,
        "relaxed": list(result.relaxed),
        "expanded": [{"words": words, "synonyms": list(also)} for words, also in result.expanded],
        "degraded": result.degraded,
    }


def term_labels(tool: Tool) -> dict[str, list[dict[str, str]]]:
    return {field: [{"name": term.slug, "label": wording(term.label)} for term in tool.terms_in(field)]
            for field in TERM_FIELDS}


def tool_detail(slug: str, language: str) -> dict[str, Any]:
    """The published revision of a tool: every interchange field, its terms' labels, its sources, the guidance that
    applies to it and, for members who may see the directory, the agencies that use it."""
    tool = tools.get_published(slug)  # a draft, an archived tool or an unknown slug: 404 (moved: 301)
    record = tool_to_record(tool)
    usages = agencies.usages_of(tool)
    return {
        **record,
        "version": tool.version,
        "translation": ({"language": language, **in_language(tool, language, "summary", "description",
                                                                "responsible_use")}
                        if language != ORIGINAL and translation_in(tool, language) is not None else None),
        "labels": term_labels(tool),
        "sources": sources.normalise(tool.sources),
        "guidance": [{"slug": applying.page.slug, "title": applying.page.title,
                      "url": url_for("api.guidance_page", slug=applying.page.slug),
                      "because": [{"vocabulary": term.vocabulary.slug, "name": term.slug,
                                   "label": wording(term.label)} for term in applying.because]}
                     for applying in guidance.for_tool(tool)],
        "agencies": None if usages is None else [{"slug": usage.agency.slug, "name": usage.agency.name,
                                                   "country": usage.agency.country} for usage in usages],
        "url": tool_url(tool.slug),
    }


def vocabulary_list() -> list[dict[str, Any]]:
    return [{"name": v.slug, "title": wording(v.label), "description": wording(v.description),
             "multiple": v.multiple,
             "terms": [{"name": t.slug, "label": wording(t.label), "description": wording(t.description)}
                       for t in v.terms if t.merged_into_id is None and not t.retired]}
            for v in vocabularies()]


def guidance_summary(page: GuidancePage, language: str) -> dict[str, Any]:
    return {"slug": page.slug, **in_language(page, language, "title", "summary"), "topic": page.topic,
            "topic_label": str(TOPIC_LABELS.get(page.topic, page.topic)), "updated_at": stamp(page.updated_at),
            "url": url_for("api.guidance_page", slug=page.slug)}


def guidance_list(language: str) -> list[dict[str, Any]]:
    return [guidance_summary(page, language) for topic in guidance.by_topic() for page in topic.pages]


def guidance_detail(slug: str, language: str) -> dict[str, Any]:
    page = guidance.get_published(slug)
    return {**guidance_summary(page, language), **in_language(page, language, "body"),
            "last_reviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
            "sources": sources.normalise(page.sources), "version": page.version,
            "terms": [{"vocabulary": t.vocabulary.slug, "name": t.slug, "label": wording(t.label)}
                      for t in page.terms],
            "tools": [{"slug": t.slug, "name": t.name, "url": tool_url(t.slug)} for t in guidance.tools_for(page)]}


def training_list(limit: int) -> list[dict[str, Any]]:
    return [{"slug": t.slug, "title": t.title, "provider": t.provider, "format": t.format, "kind": t.kind,
             "language": t.language, "timezone": t.timezone, "starts_at": stamp(t.starts_at_utc),
             "ends_at": stamp(t.ends_at_utc), "location": t.location, "audience": t.audience,
             "description": t.description, "tools": [tool.slug for tool in t.tools if tool.status == "published"]}
            for t in trainings.upcoming(limit=limit)]


#: What the changes feed tells a mirror about a tool, by its status: still there, or to be taken away.
FEED_EVENTS = {"published": "published", "archived": "archived", "draft": "withdrawn", "in_review": "withdrawn"}


def changes(since: datetime | None, limit: int, cursor: str | None) -> dict[str, Any]:
    """Tools changed since ``since`` in the order they changed (updated time, then id): published ones with their
    record, and ones taken away (archived, or unpublished back to a draft) with their slug only. Keyset-paged: the
    cursor holds the last (time, id) given, so a walk neither skips nor repeats a change that happens meanwhile.
    Drafts never published are never listed."""
    bound = cursors.query_key("changes", {}, "", "", limit, since=stamp(since) or "")
    after = cursors.read(cursor, bound, "after") if cursor else None
    once_published = select(ToolRevision.tool_id).where(ToolRevision.action.in_(("approved", "unpublished")))
    query = select(Tool).where(or_(Tool.status.in_(("published", "archived")), Tool.id.in_(once_published)))
    if since is not None:
        query = query.where(Tool.updated_at >= since)
    if after is not None:
        moment, tool_id = datetime.strptime(after[0], TIMESTAMP_FORMAT), int(after[1])
        query = query.where(or_(Tool.updated_at > moment, and_(Tool.updated_at == moment, Tool.id > tool_id)))
    rows = list(db.session.scalars(query.order_by(Tool.updated_at, Tool.id).limit(limit + 1)))
    more, rows = len(rows) > limit, rows[:limit]
    items = []
    for tool in rows:
        event = FEED_EVENTS.get(tool.status, "withdrawn")
        item = {"slug": tool.slug, "event": event, "updated_at": stamp(tool.updated_at), "version": tool.version}
        if event == "published":
            item["record"] = tool_to_record(tool)
        items.append(item)
    last = rows[-1] if rows else None
    return {"results": items,
            "next_cursor": cursors.make(bound, "after", [stamp(last.updated_at), last.id]) if more and last else None}
