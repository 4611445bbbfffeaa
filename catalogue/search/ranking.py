"""BM25F ranking and sorting over the index's own postings, vectorised with numpy.

Whoosh's collectors walk every matching posting in Python, which at 10,000 tools costs around 100 ms for common
words. Here each term's postings (document numbers and weights) and each field's lengths are read once per index
generation into arrays, so ranking a query is a few array operations. Whoosh still owns the index, the analysers,
phrase matching, spelling and highlighting.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from whoosh.searching import Searcher

from catalogue.search.languages import TRANSLATED_INDEX_FIELDS

K1 = 1.2
B = 0.75
CACHE_SIZE = 4096


class Ranker:
    def __init__(self, s: Searcher):
        reader = s.reader()
        self.reader = reader
        self.size = reader.doc_count_all()
        self.documents = max(1, s.doc_count() - 1)
        self._lengths: dict[str, tuple[np.ndarray, float]] = {}
        self.name_rank = _rank_of(reader, "name_sort", self.size)
        self.newest_first = -_column(reader, "updated", self.size).astype(np.float64)
        self.postings: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        self._tool_ids: np.ndarray | None = None
        self._names: tuple[np.ndarray, np.ndarray] | None = None

    def tool_ids(self) -> np.ndarray:
        """Each document's tool id (-1 for other kinds and deleted documents), read on first use."""
        if self._tool_ids is None:
            ids = np.full(self.size, -1, dtype=np.int64)
            for docnum, stored in self.reader.iter_docs():
                value = stored.get("id", "")
                if value.isdigit():
                    ids[docnum] = int(value)
            self._tool_ids = ids
        return self._tool_ids

    def names(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct sort names in order, and each document's place among them (equal names, equal places)."""
        if self._names is None:
            values = _values(self.reader, "name_sort", self.size, "")
            distinct = sorted(set(values))
            place = {name: index for index, name in enumerate(distinct)}
            self._names = (np.array(distinct, dtype=object),
                           np.fromiter((place[v] for v in values), dtype=np.float64, count=self.size))
        return self._names

    def ordering(self, key: np.ndarray, mask: np.ndarray, sort: str) -> Ordering:
        """Every document in ``mask`` in the order ``sort`` lists them (``key`` as :meth:`top` takes it: descending
        for relevance), ties broken by the tool's id rather than the document number, so that the order is one a
        keyset cursor can resume in any later generation of the index."""
        candidates = np.flatnonzero(mask)
        ids = self.tool_ids()[candidates]
        names = None
        if sort == "relevance":
            primary = -key[candidates].astype(np.float64)
        elif sort == "name":
            names, places = self.names()
            primary = places[candidates]
        else:
            primary = key[candidates].astype(np.float64)
        order = np.lexsort((ids, primary))
        return Ordering(sort, ids[order], primary[order], names)

    def lengths(self, field: str) -> tuple[np.ndarray, float]:
        """Each document's length in ``field`` and the average, read on first use: a query in French needs the
        French fields' lengths, not those of every language.

        A translated field's average is taken over the documents that have it: few entries may be translated, and
        an average over all documents would make every translated text look far too long, and rank low."""
        if field not in self._lengths:
            lengths = np.fromiter((self.reader.doc_field_length(d, field, 0) for d in range(self.size)),
                                  dtype=np.float32, count=self.size)
            if field in TRANSLATED_INDEX_FIELDS:
                present = lengths > 0
                average = float(np.nansum(lengths[present])) / max(1, int(present.sum()))
            else:
                average = self.reader.field_length(field) / self.documents
            self._lengths[field] = lengths, max(1.0, average)
        return self._lengths[field]

    def idf(self, found: int) -> float:
        """BM25's inverse document frequency of a word ``found`` in that many documents."""
        return math.log(1 + (self.documents - found + 0.5) / (found + 0.5))

    def bitmap(self, mask: np.ndarray) -> int:
        """The inverse of ``mask``: a boolean array per document as a bitmap."""
        return int.from_bytes(np.packbits(mask.astype(bool), bitorder="little").tobytes(), "little")

    def mask(self, bitmap: int) -> np.ndarray:
        raw = np.frombuffer(bitmap.to_bytes((self.size + 7) // 8, "little"), dtype=np.uint8)
        return np.unpackbits(raw, bitorder="little")[: self.size].astype(bool)

    def term(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        key = (field, text)
        if key not in self.postings:
            if len(self.postings) >= CACHE_SIZE:
                self.postings.clear()
            ids, weights = [], []
            if key in self.reader:
                matcher = self.reader.postings(field, text)
                while matcher.is_active():
                    ids.append(matcher.id())
                    weights.append(matcher.weight())
                    matcher.next()
            self.postings[key] = (np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32))
        return self.postings[key]

    def scores(self, words: list[list[tuple[str, str]]], emphasis: dict[str, float] | None = None) -> np.ndarray:
        """BM25F: per query word, field-normalised term frequencies are summed across fields, then saturated.
        ``emphasis`` multiplies some fields' frequencies for this query (the reader's language)."""
        emphasis = emphasis or {}
        total = np.zeros(self.size, dtype=np.float32)
        for fields in words:
            frequency = np.zeros(self.size, dtype=np.float32)
            for field, text in fields:
                ids, weights = self.term(field, text)
                if len(ids):
                    lengths, average = self.lengths(field)
                    norm = 1 - B + B * lengths[ids] / average
                    np.add.at(frequency, ids, emphasis.get(field, 1.0) * weights / norm)
            found = int(np.count_nonzero(frequency))
            if found:
                total += self.idf(found) * frequency * (K1 + 1) / (K1 + frequency)
        return total

    def top(self, key: np.ndarray, mask: np.ndarray, count: int, descending: bool) -> list[tuple[int, float]]:
        """The first ``count`` documents in ``mask`` by ``key``; ties keep document order."""
        candidates = np.flatnonzero(mask)
        if not len(candidates):
            return []
        values = key[candidates]
        order = np.lexsort((candidates, -values if descending else values))[:count]
        return [(int(candidates[i]), float(values[i])) for i in order]


@dataclass
class Ordering:
    """Every tool a search lists, in order: ``ids`` with the ascending ``primary`` key of each (relevance: minus the
    score; updated: minus the time; name: its place among ``names``), ties in id order.

    A position is named by the last tool's sort value and id (:meth:`value`), and :meth:`after` finds the place just
    after it in this or any later ordering of the same query: tools listed before it stay before, tools after it
    stay after, whatever was published or removed in between."""

    sort: str
    ids: np.ndarray
    primary: np.ndarray
    names: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def value(self, index: int) -> float | int | str:
        """What tool ``index`` is sorted by, as a reader can check it: its score, its time, or its sort name."""
        primary = float(self.primary[index])
        if self.sort == "relevance":
            return -primary
        if self.sort == "name":
            return str(self.names[int(primary)])
        return int(-primary)

    def after(self, value: float | int | str, tool_id: int) -> int:
        """The index of the first tool strictly after (``value``, ``tool_id``) in this order."""
        if self.sort == "name":
            place = int(np.searchsorted(self.names, value, "left"))
            if place >= len(self.names) or self.names[place] != value:  # that name is gone: the next one on
                return int(np.searchsorted(self.primary, place, "left"))
            primary = float(place)
        else:
            primary = -float(value)
        low = int(np.searchsorted(self.primary, primary, "left"))
        high = int(np.searchsorted(self.primary, primary, "right"))
        return low + int(np.searchsorted(self.ids[low:high], tool_id, "right"))


def _values(reader, field: str, size: int, default):
    if not reader.has_column(field):
        return [default] * size
    column = reader.column_reader(field)
    return [column[d] or default for d in range(size)]


def _column(reader, field: str, size: int) -> np.ndarray:
    if not reader.has_column(field):
        return np.zeros(size)
    column = reader.column_reader(field)
    return np.array([column[d] or 0 for d in range(size)], dtype=np.float64)


def _rank_of(reader, field: str, size: int) -> np.ndarray:
    if not reader.has_column(field):
        return np.arange(size, dtype=np.float64)
    column = reader.column_reader(field)
    values = [column[d] or "" for d in range(size)]
    order = sorted(range(size), key=values.__getitem__)
    rank = np.empty(size, dtype=np.float64)
    rank[order] = np.arange(size)
    return rank


def ranker(s: Searcher) -> Ranker:
    """The ranker for this searcher's generation, built once and kept on the searcher."""
    cached = s.__dict__.get("_catalogue_ranker")
    if cached is None:
        cached = s.__dict__["_catalogue_ranker"] = Ranker(s)
    return cached
