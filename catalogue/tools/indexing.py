"""What tools contribute to the search: their index document and the database search used while it is rebuilt."""

from __future__ import annotations

from catalogue.models import Tool, ToolTranslation, tool_terms
from catalogue.search.registry import Searchable, register, register_database_search
from catalogue.search.schema import FACET_PREFIX, joined_forms, timestamp, vocabulary_text, with_translations
from catalogue.taxonomy import TERM_FIELDS
from catalogue.tools.services import database_search

#: Which index field holds which field of a translation.
TOOL_TRANSLATED = {"summary": "summary", "description": "description", "responsible_use": "responsible_use"}


def tool_document(tool: Tool) -> dict:
    """The index document of a published tool: text fields, facet terms, sort keys and the row version."""
    # Markdown is indexed as written: the tokenisers skip its punctuation, and rendering every entry to text
    # would cost more than the rest of indexing. Snippets are cut from rendered text at query time.
    labels = " ".join(term.label for term in tool.terms)
    document = {
        "id": str(tool.id),
        "kind": "tool",
        "slug": tool.slug,
        "version": tool.version,
        "name": tool.name,
        "name_joined": joined_forms(tool.name),
        "summary": tool.summary,
        "labels": labels,
        "organisation": tool.organisation,
        "description": tool.description,
        "responsible_use": tool.responsible_use,
        "words": " ".join([tool.name, tool.summary, labels, tool.organisation]),
        "name_sort": tool.name.casefold(),
        "updated": timestamp(tool.updated_at),
    }
    for field in TERM_FIELDS:
        document[FACET_PREFIX + field] = ",".join(term.slug for term in tool.terms_in(field))
    document.update(vocabulary_text(tool.terms))
    return with_translations(document, tool, TOOL_TRANSLATED)


def register_with_search() -> None:
    register(Searchable("tool", Tool, tool_document, (tool_terms.c.tool_id, tool_terms.c.term_id), ToolTranslation,
                        (Tool.name, Tool.summary, Tool.description)))
    register_database_search(database_search)
