"""Facet counts as set arithmetic on bitmaps (Python ints), one per term, cached per index generation.

A value's count is taken over the documents that match the text query and every *other* facet's selections,
so ticking a value never hides its siblings (OR within a facet, AND across facets).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.searching import Searcher

from catalogue.search.schema import FACET_PREFIX
from catalogue.taxonomy import TERM_FIELDS


@dataclass
class Bitmaps:
    live: int  # every tool document (not deleted, not the state document)
    terms: dict[str, dict[str, int]]  # facet field -> term slug -> bitmap


def bitmap_of(docnums) -> int:
    bits = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(bits):
            bits.extend(b"\0" * (byte + 1 - len(bits)))
        bits[byte] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


TERM_CACHE_SIZE = 4096


def cached_bitmap(s: Searcher, key: tuple, docnums) -> int:
    """A bitmap kept on the searcher (so for one index generation), computed from ``docnums()`` when missing."""
    cache: dict = s.__dict__.setdefault("_catalogue_bitmaps_by_key", {})
    if key not in cache:
        if len(cache) >= TERM_CACHE_SIZE:
            cache.clear()
        cache[key] = bitmap_of(docnums())
    return cache[key]


def term_bitmap(s: Searcher, field: str, text: str) -> int:
    """Documents containing one indexed term."""
    reader = s.reader()
    return cached_bitmap(s, ("term", field, text),
                         lambda: reader.postings(field, text).all_ids() if (field, text) in reader else ())


def kind_bitmap(s: Searcher, kind: str) -> int:
    """Every live document of one kind (``tool``, ``guidance``…)."""
    reader = s.reader()
    return cached_bitmap(s, ("kind", kind), lambda: (
        [d for d in reader.postings("kind", kind).all_ids() if not reader.is_deleted(d)]
        if ("kind", kind) in reader else ()))


def bitmaps(s: Searcher) -> Bitmaps:
    """Per-term bitmaps for this searcher's generation, built once and kept on the searcher."""
    cached = getattr(s, "_catalogue_bitmaps", None)
    if cached is not None:
        return cached
    reader = s.reader()
    tools = reader.postings("kind", "tool").all_ids() if ("kind", "tool") in reader else []
    live = bitmap_of(reader.all_doc_ids()) & bitmap_of(tools)
    terms: dict[str, dict[str, int]] = {}
    for field in TERM_FIELDS:
        name = FACET_PREFIX + field
        terms[field] = {}
        for value in reader.lexicon(name) if name in reader.indexed_field_names() else []:
            slug = value.decode("utf-8") if isinstance(value, bytes) else value
            terms[field][slug] = bitmap_of(reader.postings(name, value).all_ids()) & live
    result = Bitmaps(live, terms)
    s._catalogue_bitmaps = result
    return result


def selection_bitmaps(maps: Bitmaps, selected: dict[str, list[str]]) -> dict[str, int]:
    """For each facet with selections, the union of its selected values."""
    chosen = {}
    for field, values in selected.items():
        union = 0
        for value in values:
            union |= maps.terms.get(field, {}).get(value, 0)
        chosen[field] = union
    return chosen


def combine(base: int, chosen: dict[str, int], leave_out: str | None = None) -> int:
    result = base
    for field, union in chosen.items():
        if field != leave_out:
            result &= union
    return result


def counts(maps: Bitmaps, base: int, chosen: dict[str, int]) -> dict[str, dict[str, int]]:
    """``{facet field: {term slug: count}}`` where each facet ignores its own selections."""
    found = {}
    for field in maps.terms:
        pool = combine(base, chosen, leave_out=field)
        found[field] = {slug: (pool & bitmap).bit_count() for slug, bitmap in maps.terms.get(field, {}).items()}
    return found
