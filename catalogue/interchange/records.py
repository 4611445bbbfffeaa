"""A tool as an interchange record: the shape of exports, revisions and comparisons."""

from __future__ import annotations

from typing import Any

from catalogue.interchange.fields import (
    MULTI_TERM_FIELDS,
    SINGLE_TERM_FIELDS,
    TIMESTAMP_FIELDS,
    TIMESTAMP_FORMAT,
    TOOL_FIELDS,
)
from catalogue.models import Tool


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
        else:
            record[name] = getattr(tool, name)
    return record
