"""A tool as a plain record: the shape of interchange files, exports, revisions and comparisons, with its fields in
the order exports write them."""

from __future__ import annotations

from typing import Any

from catalogue import sources
from catalogue.models import Tool
from catalogue.taxonomy import MULTI_TERM_FIELDS, SINGLE_TERM_FIELDS

LIST_FIELDS = MULTI_TERM_FIELDS + ("languages",)
TIMESTAMP_FIELDS = ("created_at", "updated_at")
TOOL_FIELDS = (
    "slug", "name", "organisation", "country", "website", "summary", "description",
    *MULTI_TERM_FIELDS,
    *SINGLE_TERM_FIELDS,
    "languages", "responsible_use", "sources", "last_reviewed", "status", "demo",
    *TIMESTAMP_FIELDS,
)
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def tool_to_record(tool: Tool) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name in TOOL_FIELDS:
        if name in MULTI_TERM_FIELDS:
            record[name] = [t.slug for t in tool.terms_in(name)]
        elif name in SINGLE_TERM_FIELDS:
            term = tool.term_in(name)
            record[name] = term.slug if term else None
        elif name in TIMESTAMP_FIELDS:
            value = getattr(tool, name)
            record[name] = value.strftime(TIMESTAMP_FORMAT) if value else None
        elif name == "last_reviewed":
            record[name] = tool.last_reviewed.isoformat() if tool.last_reviewed else None
        elif name == "languages":
            record[name] = list(tool.languages or [])
        elif name == "sources":
            record[name] = sources.normalise(tool.sources)
        else:
            record[name] = getattr(tool, name)
    return record
