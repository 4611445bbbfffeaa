"""Searching the catalogue: the one entry point views and the CLI call. Only the search package knows Whoosh."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import lazyload, selectinload
from whoosh import query as wq
from whoosh.query.qcore import QueryError as WhooshQueryError
from whoosh.searching import Searcher

from catalogue.extensions import db
from catalogue.languages import reader_language, translation_in
from catalogue.markdown import markdown_to_text
from catalogue.models import Term, Tool
from catalogue.search import facets, ranking, store, synonyms
from catalogue.search.highlight import snippet
from catalogue.search.languages import ORIGINAL, emphasis, field_name, is_han
from catalogue.search.outbox import ensure_current
from catalogue.search.query import (
    QUERY_FILLER,
    SCHEMA,
    Clause,
    ParsedQuery,
    QueryError,
    analysed,
    clause_terms,
    parse,
    replace_words,
)
from catalogue.search.registry import REGISTRY
from catalogue.search.understanding import suggested_filters, vocabulary_words
from catalogue.taxonomy import TERM_FIELDS, vocabularies

SORTS = ("relevance", "name", "updated")
FEW_RESULTS = 3


@dataclass
class SearchRequest:
    text: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    language: str | None = None  # the reader's (default: the interface language of the request)


@dataclass
class Hit:
    tool: Tool
    summary: Markup | None = None  # the summary with matched words marked
    snippet: Markup | None = None  # a passage of the description, when the summary has no match
    score: float | None = None


@dataclass
class FacetValue:
    slug: str
    label: str
    description: str
    count: int
    selected: bool


@dataclass
class Facet:
    field: str
    title: str
    values: list[FacetValue]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class SearchResult:
    request: SearchRequest
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None  # "Did you mean …"
    corrected_from: str | None = None  # the query as typed, when we searched a corrected one instead
    corrected_to: str | None = None
    blockers: list[tuple[Facet, FacetValue, int]] = field(default_factory=list)  # filters that removed the most
    ignored: list[str] = field(default_factory=list)
    degraded: bool = False
    sort: str = "name"
    #: Words of the query that listed tools need not contain: all of them together matched fewer than a handful
    #: of tools, so tools matching most of them are listed too ("Showing tools that match some of your words").
    relaxed: list[str] = field(default_factory=list)
    #: Words or phrases of the query searched with their synonyms as well: (as typed, [synonyms searched]).
    expanded: list[tuple[str, list[str]]] = field(default_factory=list)
    #: Filters the query's words name ("air-gapped", "gratuit"), offered as one-click chips, never applied unasked:
    #: (facet, value, the words that named it). Values already selected are left out.
    suggested_filters: list[tuple[Facet, FacetValue, str]] = field(default_factory=list)
    #: Asked with ``whole=True``: every listed tool in order (see ``ranking.Ordering``) instead of a page of hits, and
    #: the index generation it was computed on; None when the search ran from the database.
    order: ranking.Ordering | None = None
    generation: tuple[str, int] | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.request.per_page))

    @property
    def first(self) -> int:
        return (self.request.page - 1) * self.request.per_page + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.request.page * self.request.per_page)


def search(request: SearchRequest, whole: bool = False) -> SearchResult:
    """Run a search; raises ``QueryError`` for input the user must change, never anything else for bad input.

    ``whole``: instead of one page of hits, the result's ``order`` lists every tool it holds (for walking the whole
    result a page at a time, see ``search.walk``)."""
    parsed = parse(request.text, request.language or reader_language())
    known = {v.slug: v for v in vocabularies() if v.slug in TERM_FIELDS}
    groups = {name: facet.values() for name, facet in REGISTRY.facets.items()}
    request.filters, ignored = _known_filters(request.filters, known, groups)
    try:
        ensure_current()
        s = store.searcher()
        result = _search_index(s, parsed, request, known, groups, whole)
        if whole:
            result.generation = store.generation(s)
    except WhooshQueryError as error:
        # Never the words themselves in the log: search words can describe a case.
        current_app.logger.warning("Whoosh refused a query of %s characters: %s", len(request.text), error)
        raise QueryError(_("This search cannot be run. Please rephrase it with plain words.")) from error
    except Exception as error:  # missing, unreadable or damaged index (Whoosh has no checksums)
        if isinstance(error, store.IndexUnavailable):
            current_app.logger.warning("Search index unavailable (%s); answering from the database", error)
        else:
            current_app.logger.exception("Searching the index failed; answering from the database")
            store.forget_all()  # a damaged file: open it afresh next time rather than reuse broken readers
        db.session.rollback()
        store.rebuild_in_background()
        result = _search_database(parsed, request)
    result.ignored = ignored
    return result


def published_per_term(vocabulary: str) -> dict[str, int] | None:
    """Published tools per term slug of one vocabulary, as the catalogue's filters count them: popcounts of the
    index's bitmaps, so the same few microseconds at any catalogue size. None when the index cannot answer (the
    caller counts in the database)."""
    try:
        ensure_current()
        maps = facets.bitmaps(store.searcher())
    except Exception:  # missing, unreadable or damaged index: search() says why in the log
        db.session.rollback()
        return None
    return {slug: bitmap.bit_count() for slug, bitmap in maps.terms.get(vocabulary, {}).items()}


def newest_matching_ids(request: SearchRequest, limit: int) -> list[int]:
    """The ids of the ``limit`` most recently changed published tools the search lists (the same matching, relaxing
    and filters as :func:`search`), newest first, without a page, facets or marked passages: for alerts, which ask
    this of many saved searches at once."""
    parsed = parse(request.text, request.language or reader_language())
    known = {v.slug: v for v in vocabularies() if v.slug in TERM_FIELDS}
    groups = {name: facet.values() for name, facet in REGISTRY.facets.items()}
    filters, _ignored = _known_filters(request.filters, known, groups)
    try:
        ensure_current()
        s = store.searcher()
        maps = _with_groups(facets.bitmaps(s), groups)
        chosen = facets.selection_bitmaps(maps, filters)
        found = match(s, parsed, maps.live)
        listed = found.every
        if not parsed.empty and facets.combine(listed, chosen).bit_count() < RELAX_BELOW:
            listed = found.most(ranking.ranker(s))
        ranks = ranking.ranker(s)
        top = ranks.top(ranks.newest_first, ranks.mask(facets.combine(listed, chosen)), limit, descending=False)
        reader = s.reader()
        return [int(reader.stored_fields(docnum)["id"]) for docnum, _value in top]
    except WhooshQueryError as error:
        raise QueryError(_("This search cannot be run. Please rephrase it with plain words.")) from error
    except Exception:  # the index cannot answer now: the database can, more slowly
        current_app.logger.exception("Searching the index failed; answering from the database")
        db.session.rollback()
        fallback = SearchRequest(text=request.text, filters=filters, sort="updated", per_page=limit)
        return [hit.tool.id for hit in _search_database(parsed, fallback).hits]


def understood_filters(filters: dict[str, list[str]]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """``filters`` as the catalogue searches them, and the values it does not know, per filter. A term merged into
    another counts as the term it was merged into (as a saved search opens it); a retired term is still known (the
    tools that carry it are found)."""
    known = {v.slug: v for v in vocabularies() if v.slug in TERM_FIELDS}
    groups = {name: facet.values() for name, facet in REGISTRY.facets.items()}
    kept: dict[str, list[str]] = {}
    unknown: dict[str, list[str]] = {}
    for name, values in filters.items():
        if name in groups:
            survivors = {slug: slug for slug, *_rest in groups[name]}
        elif name in known:
            terms = {t.id: t for t in known[name].terms}
            survivors = {t.slug: _survivor(t, terms).slug for t in terms.values()}
        else:
            survivors = {}
        for value in values:
            if value in survivors:
                kept.setdefault(name, [])
                if survivors[value] not in kept[name]:
                    kept[name].append(survivors[value])
            else:
                unknown.setdefault(name, []).append(value)
    return kept, unknown


def _survivor(term: Term, terms: dict[int, Term]) -> Term:
    seen = set()
    while term.merged_into_id is not None and term.merged_into_id in terms and term.id not in seen:
        seen.add(term.id)
        term = terms[term.merged_into_id]
    return term


def _known_filters(filters, known, groups) -> tuple[dict[str, list[str]], list[str]]:
    kept, ignored = {}, []
    for vocabulary, values in filters.items():
        if vocabulary in groups:
            slugs = {slug for slug, *_rest in groups[vocabulary]}
        else:
            slugs = {t.slug for t in known[vocabulary].terms} if vocabulary in known else set()
        good = [v for v in dict.fromkeys(values) if v in slugs]
        ignored += [v for v in values if v not in slugs]
        if good:
            kept[vocabulary] = good
    return kept, ignored


def _with_groups(maps: facets.Bitmaps, groups) -> facets.Bitmaps:
    """The index's term bitmaps plus one per value of each grouping facet (a guidance page…): the union of its
    terms' bitmaps."""
    grouped = {}
    for name, values in groups.items():
        grouped[name] = {}
        for slug, _label, _description, terms in values:
            union = 0
            for vocabulary, term in terms:
                union |= maps.terms.get(vocabulary, {}).get(term, 0)
            grouped[name][slug] = union
    return facets.Bitmaps(maps.live, {**maps.terms, **grouped})


def _search_index(s: Searcher, parsed: ParsedQuery, request: SearchRequest, known, groups,
                  whole: bool = False) -> SearchResult:
    maps = _with_groups(facets.bitmaps(s), groups)
    chosen = facets.selection_bitmaps(maps, request.filters)
    found = match(s, parsed, maps.live)
    total = facets.combine(found.every, chosen).bit_count()
    result = SearchResult(request)

    if not parsed.empty and total < FEW_RESULTS:
        corrected_text = _correction(s, parsed, known)
        if corrected_text:
            corrected = parse(corrected_text, parsed.language)
            corrected_found = match(s, corrected, maps.live)
            corrected_total = facets.combine(corrected_found.every, chosen).bit_count()
            if total == 0 and corrected_total:
                result.corrected_from, result.corrected_to = request.text, corrected_text
                parsed, found, total = corrected, corrected_found, corrected_total
            elif corrected_total > total:
                result.suggestion = corrected_text

    listed = found.every
    if not parsed.empty and total < RELAX_BELOW:
        some = found.most(ranking.ranker(s))
        if facets.combine(some, chosen).bit_count() > total:
            listed = some
    shown = facets.combine(listed, chosen)
    result.total = shown.bit_count()
    if listed != found.every:
        result.relaxed = found.not_in_every(shown)
    result.expanded = parsed.expanded
    result.sort = effective_sort(request.sort, parsed)
    request.page = min(max(request.page, 1), result.pages)
    if whole:
        ranks = ranking.ranker(s)
        result.order = ranks.ordering(_sort_key(ranks, parsed, result.sort, shown, found), ranks.mask(shown),
                                      result.sort)
    else:
        result.hits = _hits(s, parsed, request, result.sort, shown, found) if result.total else []
    counts = facets.counts(maps, listed, chosen)
    result.facets = _facets(known, counts, request.filters, groups)
    result.suggested_filters = suggested_filters(parsed, result.facets)
    if result.total == 0 and request.filters:
        result.blockers = _blockers(result.facets, maps, listed, request.filters)
    return result


def effective_sort(requested: str, parsed: ParsedQuery) -> str:
    """Relevance needs words to rank by; without them the list is alphabetical."""
    if requested not in SORTS:
        requested = "relevance"
    return "name" if requested == "relevance" and parsed.empty else requested


@dataclass
class Match:
    """Which documents match the query's words: each positive clause's bitmap (its synonyms and OR alternatives
    included), and the documents no exclusion removes."""

    clauses: list[tuple[Clause, int]]
    allowed: int

    @property
    def every(self) -> int:
        """Documents containing every word (nothing, when a word is found nowhere)."""
        result = self.allowed
        for _clause, bitmap in self.clauses:
            result &= bitmap
        return result

    def most(self, ranks: ranking.Ranker) -> int:
        """Documents containing most of the words, each weighted by its rarity (at least ``MOST_WORDS`` of the
        weight), the way Elasticsearch's ``minimum_should_match`` and Meilisearch's ``matchingStrategy`` relax a
        query that finds too little. Words found nowhere weigh nothing."""
        coverage = self.coverage(ranks)
        if coverage is None:
            return 0
        return ranks.bitmap(coverage >= MOST_WORDS - 1e-6) & self.allowed

    def coverage(self, ranks: ranking.Ranker):
        """Per document, the share of the query's words it contains, each word weighted by its rarity (IDF); None
        when no word is found anywhere."""
        weighted = [(bitmap, ranks.idf(bitmap.bit_count())) for _clause, bitmap in self.clauses if bitmap]
        if not weighted:
            return None
        total = sum(weight for _bitmap, weight in weighted)
        return sum(ranks.mask(bitmap).astype("float32") * weight for bitmap, weight in weighted) / total

    def not_in_every(self, shown: int) -> list[str]:
        """The words that some listed document lacks, the most often lacking first."""
        lacking = [(clause.text, (shown & ~bitmap).bit_count()) for clause, bitmap in self.clauses]
        return [text for text, count in sorted(lacking, key=lambda item: -item[1]) if count]


#: When every word together finds fewer tools than this, tools holding most of the words are listed too: at least
#: this share of the words, weighted by rarity.
RELAX_BELOW = 5
MOST_WORDS = 0.5


def match(s: Searcher, parsed: ParsedQuery, live: int) -> Match:
    allowed = live
    clauses = []
    for clause in parsed.clauses:
        matched = 0
        for option in [clause, *clause.alternatives]:
            matched |= _clause_bitmap(s, option, parsed.searched)
        if clause.negated:
            allowed &= ~matched
        else:
            clauses.append((clause, matched & live))
    return Match(clauses, allowed)


def matching(s: Searcher, parsed: ParsedQuery, live: int) -> int:
    """Documents among ``live`` matching every word of the text with an indexed meaning (phrases checked by
    Whoosh)."""
    return match(s, parsed, live).every


def _clause_bitmap(s: Searcher, clause, languages: tuple[str, ...]) -> int:
    found = 0
    for name, terms in clause_terms(clause, languages):
        in_field = -1
        for term in terms:
            in_field &= facets.term_bitmap(s, name, term)
        if clause.phrase and len(terms) > 1 and in_field:
            in_field &= facets.cached_bitmap(s, ("phrase", name, *terms),
                                             lambda f=name, t=terms: wq.Phrase(f, t).docs(s))
        found |= in_field if in_field != -1 else 0
    return found


def _correction(s: Searcher, parsed: ParsedQuery, known) -> str | None:
    """The query with each word that matches nothing replaced by the nearest word of the index, if any. Never
    proposes a stop word or filler, and never changes a word a synonym group or the vocabulary knows (``tor`` is
    not ``for``)."""
    corrector = s.corrector("words")
    unmatched = {word for word in parsed.words if not _clause_bitmap(s, Clause(word), parsed.searched)}
    protected = synonyms.known_words(parsed.language) | vocabulary_words(known.values())
    fixes = {}
    for word in parsed.words:
        folded = word.lower()
        if word not in unmatched or is_han(word) or synonyms.normalise(word) in protected:
            continue  # Chinese is matched by character pairs, not spelled word by word
        for candidate in corrector.suggest(folded, limit=3, maxdist=1 if len(folded) <= 4 else 2, prefix=1):
            if candidate != folded and analysed(candidate, "description") and candidate not in QUERY_FILLER:
                fixes[word] = candidate
                break
    return replace_words(parsed.text, fixes) if fixes else None


def _hits(s: Searcher, parsed: ParsedQuery, request: SearchRequest, sort: str, shown: int,
          found: Match) -> list[Hit]:
    """One page of hits among exactly the documents in ``shown``: BM25F-ranked (documents with every word first,
    then by BM25F weighted by the share of the words they hold), or sorted by name or date."""
    end = request.page * request.per_page
    ranks = ranking.ranker(s)
    top = ranks.top(_sort_key(ranks, parsed, sort, shown, found), ranks.mask(shown), end,
                    descending=sort == "relevance")
    page = top[end - request.per_page:end]
    reader = s.reader()
    ids = [int(reader.stored_fields(docnum)["id"]) for docnum, _value in page]
    # The terms' vocabularies in one small query rather than joined again to every term of the page.
    query = (select(Tool).where(Tool.id.in_(ids), Tool.status == "published")
             .options(selectinload(Tool.terms).selectinload(Term.vocabulary)))
    if parsed.language == ORIGINAL:  # a reader of the original never looks at translations: leave them unread
        query = query.options(lazyload(Tool.translations))
    tools = {t.id: t for t in db.session.scalars(query)}
    marked = marked_terms(parsed)
    hits = []
    for tool_id, (_docnum, value) in zip(ids, page, strict=True):
        tool = tools.get(tool_id)
        if tool is None:  # unpublished since the index last caught up: never show it
            continue
        summary, passage = marked_texts(tool, marked, parsed.language, "summary", "description")
        hits.append(Hit(tool, summary, passage, round(value, 4) if sort == "relevance" else None))
    return hits


def _sort_key(ranks: ranking.Ranker, parsed: ParsedQuery, sort: str, shown: int, found: Match):
    """Per document, what ``sort`` orders by: the BM25F score (descending; documents with every word first, then by
    BM25F weighted by the share of the words they hold), or the name's or the date's rank (ascending)."""
    if sort == "relevance":
        scores = ranks.scores(query_words(parsed), emphasis(parsed.language))
        if shown & ~found.every:  # relaxed: tools holding every word first, then the most (and rarest) words
            coverage = found.coverage(ranks)
            scores = scores * coverage + ranks.mask(found.every) * EVERY_WORD_FIRST
        return scores
    return ranks.newest_first if sort == "updated" else ranks.name_rank


#: Added to the score of documents holding every word when a relaxed query lists others too.
EVERY_WORD_FIRST = 1e6


def marked_texts(row, marked: dict[str, set[str]], language: str, summary: str,
                 text: str) -> tuple[Markup | None, Markup | None]:
    """``row``'s summary with the query's words marked, else a marked passage of its text, each in the language
    the reader is shown it in (a curators' translation, or the original)."""
    translated = language != ORIGINAL and hasattr(type(row), "translations")  # the class: asking the row loads them
    translation = translation_in(row, language) if translated else None

    def in_language(index_field: str, attribute: str) -> tuple[str, str]:
        text = getattr(translation, attribute, "") if translation is not None else ""
        if not text:  # not translated, or this field left empty: the reader is shown the original
            return index_field, getattr(row, attribute) or ""
        return field_name(index_field, language), text

    name, value = in_language("summary", summary)
    found = snippet(value, marked[name], SCHEMA[name].analyzer, whole=True)
    if found:
        return found, None
    name, value = in_language("description", text)
    if not marked[name]:  # no words to find (a list without a query): no passage, and no text to make
        return None, None
    return None, snippet(markdown_to_text(value), marked[name], SCHEMA[name].analyzer)


def _positive(parsed: ParsedQuery):
    for clause in parsed.clauses:
        if not clause.negated:
            yield from [clause, *clause.alternatives]


def query_words(parsed: ParsedQuery) -> list[list[tuple[str, str]]]:
    """Each query word as its (field, indexed term) forms, for BM25F's per-word sums across fields."""
    words = []
    for clause in _positive(parsed):
        per_field = clause_terms(clause, parsed.searched)
        for position in range(max((len(terms) for _f, terms in per_field), default=0)):
            words.append([(field, terms[position]) for field, terms in per_field if position < len(terms)])
    return words


def marked_terms(parsed: ParsedQuery) -> dict[str, set[str]]:
    """Per field, the indexed terms of the query's words, to mark in snippets."""
    marked: dict[str, set[str]] = defaultdict(set)
    for clause in _positive(parsed):
        for name, terms in clause_terms(clause, parsed.searched):
            marked[name].update(terms)
    return marked


def _facets(known, counts, filters, groups) -> list[Facet]:
    built = []
    for slug in TERM_FIELDS:
        vocabulary = known.get(slug)
        if vocabulary is None:
            continue
        values = [FacetValue(t.slug, t.label, t.description, counts[slug].get(t.slug, 0),
                             t.slug in filters.get(slug, [])) for t in vocabulary.terms
                  if t.merged_into_id is None or t.slug in filters.get(slug, [])]
        built.append(Facet(slug, vocabulary.label, values))
    for name, values in groups.items():
        chosen = filters.get(name, [])
        built.append(Facet(name, REGISTRY.facets[name].title(),
                           [FacetValue(slug, label, description, counts[name].get(slug, 0), slug in chosen)
                            for slug, label, description, _terms in values]))
    return built


def _blockers(built: list[Facet], maps, base, filters) -> list[tuple[Facet, FacetValue, int]]:
    """For an empty result: how many tools each active filter value would bring back if removed."""
    found = []
    for facet in built:
        for value in facet.selected:
            rest = {f: [v for v in vs if not (f == facet.field and v == value.slug)] for f, vs in filters.items()}
            rest = {f: vs for f, vs in rest.items() if vs}
            total = facets.combine(base, facets.selection_bitmaps(maps, rest)).bit_count()
            found.append((facet, value, total))
    return sorted(found, key=lambda item: -item[2])


def _search_database(parsed: ParsedQuery, request: SearchRequest) -> SearchResult:
    """Degraded mode while the index is rebuilt: plain database matching, no facets, ranking by name."""
    tools, total = REGISTRY.database_search([c.text for c in parsed.clauses if not c.negated], request.filters,
                                            request.page, request.per_page)
    return SearchResult(request, [Hit(t) for t in tools], total, degraded=True, sort="name")

