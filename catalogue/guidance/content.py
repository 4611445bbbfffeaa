"""What a guidance page's revisions hold, and how a snapshot goes back onto a page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalogue import sources
from catalogue.extensions import db
from catalogue.models import GuidancePage
from catalogue.taxonomy import apply_terms

#: Vocabularies whose terms a page can carry. A tool holding any of the page's technology, purpose or data type terms
#: shows the page; workflow steps only place the page on the workflow page (every tool has steps, so they would
#: attach a page to far too many tools).
VOCABULARIES = ("technologies", "purposes", "data_types", "workflow_steps")
TOOL_VOCABULARIES = ("technologies", "purposes", "data_types")
CONTENT_FIELDS = ("title", "summary", "topic", "body", *VOCABULARIES, "related", "sources")
SNAPSHOT_FIELDS = ("slug", *CONTENT_FIELDS, "status", "last_reviewed", "verification_sources", "demo")
LONG_TEXT_FIELDS = ("summary", "body", "verification_sources")
LIST_FIELDS = (*VOCABULARIES, "related")
SOURCE_FIELDS = ("sources",)
MARKDOWN_FIELDS = ("body",)

FIELD_LABELS = {
    "slug": _l("Address (slug)"), "title": _l("Title"), "summary": _l("Summary"), "topic": _l("Topic"),
    "body": _l("Text"), "related": _l("Related guidance"), "sources": _l("Sources"), "status": _l("Status"),
    "last_reviewed": _l("Last reviewed"), "verification_sources": _l("Checked against"),
    "demo": _l("Demonstration entry"),
}

TOPIC_LABELS = {
    "principles": _l("Responsible-AI principles"),
    "legal-basis": _l("Legal basis and data protection"),
    "procurement": _l("Procurement and evaluation"),
    "human-oversight": _l("Human oversight"),
    "bias-accuracy": _l("Bias and accuracy"),
    "data-security": _l("Security of sensitive data"),
    "wellbeing": _l("Investigator wellbeing and exposure reduction"),
    "technology": _l("Technology-specific guidance"),
}


def snapshot(page: GuidancePage) -> dict[str, Any]:
    values: dict[str, Any] = {
        "slug": page.slug, "title": page.title, "summary": page.summary, "topic": page.topic, "body": page.body,
        "related": sorted(other.slug for other in page.related), "status": page.status,
        "last_reviewed": page.last_reviewed.isoformat() if page.last_reviewed else None,
        "verification_sources": page.verification_sources or "", "demo": page.demo,
        "sources": sources.normalise(page.sources),
    }
    for vocabulary in VOCABULARIES:
        values[vocabulary] = [term.slug for term in page.terms_in(vocabulary)]
    return {name: values.get(name) for name in SNAPSHOT_FIELDS}


def apply_content(page: GuidancePage, values: dict[str, Any]) -> bool:
    """Copy content fields (as in a snapshot) onto a page; returns whether anything changed. Unknown related
    slugs and the page itself are skipped."""
    changed = False
    for name in ("title", "summary", "topic", "body"):
        value = values.get(name) or ""
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    found = sources.normalise(values.get("sources"))
    if (page.sources or []) != found:
        page.sources = found
        changed = True
    slugs = [slug for slug in values.get("related") or [] if slug != page.slug]
    related = list(db.session.scalars(select(GuidancePage).where(GuidancePage.slug.in_(slugs)))) if slugs else []
    if {p.id for p in page.related} != {p.id for p in related}:
        page.related = related
        changed = True
    return apply_terms(page, values, VOCABULARIES) or changed
