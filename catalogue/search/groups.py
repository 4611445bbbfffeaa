"""Searching other kinds than tools (guidance pages, trainings) from the catalogue's search box: the same index,
analysers and ranking, each kind listed in its own group."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, or_, select
from whoosh.query.qcore import QueryError as WhooshQueryError
from whoosh.searching import Searcher

from catalogue.extensions import db
from catalogue.languages import reader_language
from catalogue.rows import contains
from catalogue.search import facets, ranking, store
from catalogue.search.languages import emphasis
from catalogue.search.outbox import ensure_current
from catalogue.search.query import ParsedQuery, QueryError, parse
from catalogue.search.registry import searchable
from catalogue.search.service import marked_terms, marked_texts, matching, query_words


@dataclass
class GroupHit:
    row: object  # a published guidance page (or another kind of row)
    summary: Markup | None = None
    snippet: Markup | None = None


@dataclass
class Group:
    kind: str
    total: int = 0
    hits: list[GroupHit] = field(default_factory=list)
    degraded: bool = False


def search_group(text: str, kind: str, limit: int = 5, language: str | None = None) -> Group:
    """The best matches of one other kind (guidance…) for words typed in the catalogue's search box, from the same
    index and analysers as tools, in the original and in ``language`` (default: the reader's). Raises
    ``QueryError`` for input the user must change."""
    parsed = parse(text, language or reader_language())
    if parsed.empty:
        return Group(kind)
    try:
        ensure_current()
        return _group_from_index(store.searcher(), parsed, kind, limit)
    except WhooshQueryError as error:
        raise QueryError(_("This search cannot be run. Please rephrase it with plain words.")) from error
    except Exception as error:
        if not isinstance(error, store.IndexUnavailable):
            current_app.logger.exception("Searching the index for %s failed; answering from the database", kind)
        db.session.rollback()
        return _group_from_database(parsed, kind, limit)


def _group_from_index(s: Searcher, parsed: ParsedQuery, kind: str, limit: int) -> Group:
    found = matching(s, parsed, facets.kind_bitmap(s, kind))
    group = Group(kind, found.bit_count())
    if not group.total:
        return group
    ranks = ranking.ranker(s)
    top = ranks.top(ranks.scores(query_words(parsed), emphasis(parsed.language)), ranks.mask(found), limit,
                    descending=True)
    reader = s.reader()
    ids = [int(reader.stored_fields(docnum)["id"].rsplit(":", 1)[-1]) for docnum, _value in top]
    model = searchable(kind).model
    rows = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids),
                                                                          model.status == "published"))}
    marked = marked_terms(parsed)
    _title, summary_column, text_column = searchable(kind).columns
    for row_id in ids:
        if row_id in rows:
            summary, passage = marked_texts(rows[row_id], marked, parsed.language, summary_column.key,
                                            text_column.key)
            group.hits.append(GroupHit(rows[row_id], summary, passage))
    return group


def _group_from_database(parsed: ParsedQuery, kind: str, limit: int) -> Group:
    model, columns = searchable(kind).model, searchable(kind).columns
    query = select(model).where(model.status == "published")
    for clause in parsed.clauses:
        if not clause.negated:
            query = query.where(or_(*(contains(column, clause.text) for column in columns)))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(query.order_by(columns[0]).limit(limit))
    return Group(kind, total, [GroupHit(row) for row in rows], degraded=True)
