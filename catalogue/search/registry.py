"""What the features contribute to the search: the kinds of rows in the index, the tool search's extra facets and its
database fallback. The search package knows no feature; each feature registers its part when the app starts
(``catalogue.register_search``), so the index and the outbox see every kind without importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from catalogue.taxonomy import TERM_FIELDS


@dataclass(frozen=True)
class Searchable:
    """One kind of row searched from the catalogue's box (tools, guidance pages, trainings…)."""

    kind: str  # the index's ``kind`` field and the outbox's; tools keep their bare id, other kinds are prefixed
    model: type  # rows with ``id``, ``status`` ("published" ones are indexed) and ``version``
    document: Callable[[Any], dict]  # the index document of a published row
    term_link: tuple[Any, Any] | None = None  # (row column, term column) of its link table: relabelling re-indexes
    translation: type | None = None  # the model of curators' translations of this kind, if it has them
    columns: tuple[Any, ...] = ()  # (title, summary, text) columns: snippets, and the database search while rebuilt


@dataclass(frozen=True)
class GroupingFacet:
    """A facet of the tool search whose values group terms (a guidance page ORs the tools holding any of its
    terms)."""

    name: str  # the query-string parameter
    title: Callable[[], str]  # the facet's heading, in the reader's language
    values: Callable[[], list[tuple[Any, str, str, list[tuple[str, str]]]]]  # (slug, label, description, terms)
    term_ids: Callable[[list[str]], Any]  # a subquery of the term ids the chosen values stand for (database search)


@dataclass
class Registry:
    kinds: dict[str, Searchable] = field(default_factory=dict)
    facets: dict[str, GroupingFacet] = field(default_factory=dict)
    #: The tool search while the index is unavailable: (words, filters, page, per page) -> (tools, total)
    database_search: Callable[..., tuple[list, int]] | None = None


REGISTRY = Registry()


def register(searchable: Searchable) -> None:
    REGISTRY.kinds[searchable.kind] = searchable


def register_facet(facet: GroupingFacet) -> None:
    REGISTRY.facets[facet.name] = facet


def register_database_search(search: Callable[..., tuple[list, int]]) -> None:
    REGISTRY.database_search = search


def searchable(kind: str) -> Searchable:
    return REGISTRY.kinds[kind]


def kinds() -> dict[str, Searchable]:
    return REGISTRY.kinds


def facet_fields() -> tuple[str, ...]:
    """Every filter the tool search reads from the query string: the vocabularies, then the grouping facets."""
    return (*TERM_FIELDS, *REGISTRY.facets)
