"""What a tool entry's revisions hold: its content fields, their labels, and how a snapshot goes back onto a tool."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from catalogue import sources
from catalogue.models import Tool
from catalogue.records import tool_to_record
from catalogue.taxonomy import MULTI_TERM_FIELDS, TERM_FIELDS, apply_terms

#: Fields a curator writes; restoring a revision brings back exactly these.
CONTENT_FIELDS = ("name", "organisation", "country", "website", "summary", "description", *TERM_FIELDS,
                  "languages", "responsible_use", "sources")
#: Everything a snapshot holds, in the order a comparison shows it.
SNAPSHOT_FIELDS = ("slug", *CONTENT_FIELDS, "status", "last_reviewed", "verification_sources", "demo")
LONG_TEXT_FIELDS = ("summary", "description", "responsible_use", "verification_sources")
LIST_FIELDS = (*MULTI_TERM_FIELDS, "languages")
#: Lists of records (``catalogue.sources``), compared source by source.
SOURCE_FIELDS = ("sources",)
MARKDOWN_FIELDS = ("description", "responsible_use")

FIELD_LABELS = {
    "slug": _l("Address (slug)"), "name": _l("Name"), "organisation": _l("Organisation"),
    "country": _l("Country"), "website": _l("Website"), "summary": _l("Summary"),
    "description": _l("Description"), "languages": _l("Languages"), "responsible_use": _l("Responsible use"),
    "sources": _l("Sources"),
    "status": _l("Status"), "last_reviewed": _l("Last verified"), "verification_sources": _l("Verification sources"),
    "demo": _l("Demonstration entry"),
}


def snapshot(tool: Tool) -> dict[str, Any]:
    record = tool_to_record(tool)
    record["verification_sources"] = tool.verification_sources or ""
    return {name: record.get(name) for name in SNAPSHOT_FIELDS}


def apply_content(tool: Tool, values: dict[str, Any]) -> bool:
    """Copy content fields (as in a snapshot) onto a tool; returns whether anything changed.

    Terms that no longer exist are skipped; a term merged into another counts as the surviving term.
    """
    changed = False
    for name in CONTENT_FIELDS:
        if name in TERM_FIELDS:
            continue
        value = values.get(name)
        if name == "languages":
            value = list(value or [])
        elif name == "sources":
            value = sources.normalise(value)
        elif name in ("description", "responsible_use"):
            value = value or ""
        if getattr(tool, name) != value:
            setattr(tool, name, value)
            changed = True
    return apply_terms(tool, values, TERM_FIELDS) or changed
