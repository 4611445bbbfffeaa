"""What guidance pages contribute to the search: their index document (searched from the catalogue's box, listed in
their own group), and the catalogue's "Guidance topic" facet, whose values each stand for the tools holding any of
a page's terms."""

from __future__ import annotations

from flask_babel import gettext as _

from catalogue.guidance.content import TOPIC_LABELS
from catalogue.guidance.services import facet_terms, tool_terms_of_pages
from catalogue.models import GuidancePage, GuidanceTranslation, guidance_terms
from catalogue.search.registry import GroupingFacet, Searchable, register, register_facet
from catalogue.search.schema import document_id, joined_forms, timestamp, vocabulary_text, with_translations

#: Which index field holds which field of a translation (titles are indexed as names).
GUIDANCE_TRANSLATED = {"name": "title", "summary": "summary", "description": "body"}


def guidance_document(page: GuidancePage) -> dict:
    labels = " ".join([str(TOPIC_LABELS.get(page.topic, "")), *(term.label for term in page.terms)])
    document = {
        "id": document_id("guidance", page.id),
        "kind": "guidance",
        "slug": page.slug,
        "version": page.version,
        "name": page.title,
        "name_joined": joined_forms(page.title),
        "summary": page.summary,
        "labels": labels,
        "description": page.body,
        "words": " ".join([page.title, page.summary, labels]),
        "name_sort": page.title.casefold(),
        "updated": timestamp(page.updated_at),
    }
    document.update(vocabulary_text(page.terms))
    return with_translations(document, page, GUIDANCE_TRANSLATED)


def facet_values() -> list[tuple[str, str, str, list[tuple[str, str]]]]:
    return facet_terms()


def register_with_search() -> None:
    register(Searchable("guidance", GuidancePage, guidance_document,
                        (guidance_terms.c.guidance_id, guidance_terms.c.term_id), GuidanceTranslation,
                        (GuidancePage.title, GuidancePage.summary, GuidancePage.body)))
    register_facet(GroupingFacet("guidance", lambda: _("Guidance topic"), facet_values, tool_terms_of_pages))
