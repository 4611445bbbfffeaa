"""Walking a whole search result a page at a time, for programs (the JSON API's cursor).

A walk asks the same search again and again, one page further each time. Running the whole search for every page
(matching, every facet's counts, the ranking of every tool) made a walk over 10,000 tools cost 100 full searches,
so the result of a search is kept: its count, facets and corrections, and the order of every tool it lists
(:class:`ranking.Ordering`), in a small in-process LRU keyed by the query and the index's generation (the last
outbox change applied to it). A change to the catalogue makes a new generation, so nothing is ever served from a
state the catalogue has left; a page then is a slice of the kept order and one query for its tools.

Positions are keysets, never offsets: a page starts strictly after the last tool given, named by its sort value and
id. A tool published or removed during a walk cannot shift the pages, so no tool that was there when the walk began
is given twice or skipped (a tool removed meanwhile is left out; one published meanwhile is listed if it sorts after
the position). By name or date the position is found in the current order. Relevance scores depend on the whole
catalogue (how rare each word is), so a walk by relevance keeps to the ranking it began with while this process
still holds it, and otherwise resumes at the same score and id in the current one.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from catalogue.extensions import db
from catalogue.models import Tool
from catalogue.search import store
from catalogue.search.languages import ORIGINAL
from catalogue.search.outbox import ensure_current
from catalogue.search.service import SearchRequest, SearchResult, search

#: Searches kept per process. Each holds its facets and the ids of the tools it lists (about 0.2 MB at 10,000).
KEPT = 32

_kept: OrderedDict[tuple, SearchResult] = OrderedDict()
_lock = threading.Lock()


@dataclass
class Position:
    """Where a walk stands: the generation whose order it follows, and the last tool given (sort value, id)."""

    generation: int
    value: float | int | str
    tool_id: int


@dataclass
class Page:
    result: SearchResult  # count, facets, corrections: the catalogue as it is now
    tools: list[tuple[Tool, float | None]]  # each with its score when sorted by relevance
    next: Position | None  # None at the end


def signature(request: SearchRequest) -> tuple:
    return (request.text, tuple(sorted((name, tuple(sorted(values))) for name, values in request.filters.items())),
            request.sort, request.language or "")


def _recall(key: tuple) -> SearchResult | None:
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
        return found


def _keep(key: tuple, result: SearchResult) -> None:
    with _lock:
        _kept[key] = result
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)


def forget() -> None:
    with _lock:
        _kept.clear()


def current_generation() -> int | None:
    try:
        ensure_current()
        return store.generation(store.searcher())[1]
    except Exception:  # the index cannot answer: search() says why and answers from the database
        db.session.rollback()
        return None


def whole(request: SearchRequest) -> SearchResult:
    """The search's result with every listed tool's order (``order`` is None in degraded mode), kept for its
    generation. Raises ``QueryError`` as :func:`search` does."""
    query = signature(request)
    now = current_generation()
    if now is not None and (kept := _recall((query, now))) is not None:
        return kept
    result = search(replace(request, filters=dict(request.filters), page=1), whole=True)
    if result.order is not None and result.generation is not None:
        _keep((query, result.generation[1]), result)
    return result


def page(request: SearchRequest, after: Position | None, limit: int) -> Page | None:
    """The ``limit`` tools listed after ``after`` (from the start without it). None when the index cannot answer:
    the caller pages the database's degraded result instead."""
    result = whole(request)
    order, generation = result.order, result.generation
    if order is None or generation is None:
        return None
    used = generation[1]
    start = 0
    if after is not None:
        if order.sort == "relevance" and after.generation != used:
            kept = _recall((signature(request), after.generation))
            if kept is not None and kept.order is not None:
                order, used = kept.order, after.generation
        start = order.after(after.value, after.tool_id)
    tools: list[tuple[Tool, float | None]] = []
    position = start
    while len(tools) < limit and position < len(order):
        chunk = [int(i) for i in order.ids[position:position + limit - len(tools)]]
        loaded = _published(chunk, request.language or ORIGINAL)
        for offset, tool_id in enumerate(chunk):
            tool = loaded.get(tool_id)
            if tool is not None:  # unpublished since this order was made: never show it
                score = order.value(position + offset) if order.sort == "relevance" else None
                tools.append((tool, round(score, 4) if score is not None else None))
        position += len(chunk)
    last = position - 1
    following = (Position(used, order.value(last), int(order.ids[last]))
                 if position < len(order) and last >= 0 else None)
    return Page(result, tools, following)


def _published(ids: list[int], language: str) -> dict[int, Tool]:
    query = select(Tool).where(Tool.id.in_(ids), Tool.status == "published").options(lazyload(Tool.terms))
    if language == ORIGINAL:
        query = query.options(lazyload(Tool.translations))
    return {tool.id: tool for tool in db.session.scalars(query)}
