"""BM25F ranking and sorting over the index's own postings, vectorised with numpy.

Whoosh's collectors walk every matching posting in Python, which at 10,000 tools costs around 100 ms for common
words. Here each term's postings (document numbers and weights) and each field's lengths are read once per index
generation into arrays, so ranking a query is a few array operations. Whoosh still owns the index, the analysers,
phrase matching, spelling and highlighting.
"""

from __future__ import annotations

import math

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
