"""The JSON Schemas of the API's bodies and answers (JSON Schema 2020-12, which OpenAPI 3.1 speaks). The write bodies
reuse the interchange format's field definitions, so a tool record means the same thing in a file and in the API."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from catalogue.taxonomy import TERM_FIELDS

INTERCHANGE = json.loads((Path(__file__).resolve().parent.parent / "interchange" / "tools-v1.schema.json")
                         .read_text(encoding="utf-8"))
#: What a curator writes through the API: the editor's fields (status, dates and the demo flag are not theirs to set).
WRITABLE = ("slug", "name", "organisation", "country", "website", "summary", "description", *TERM_FIELDS,
            "languages", "responsible_use", "sources")


def _tool_properties() -> dict[str, Any]:
    properties = copy.deepcopy(INTERCHANGE["$defs"]["tool"]["properties"])
    chosen = {name: properties[name] for name in WRITABLE}
    chosen["sources"] = {"type": "array", "maxItems": 50, "items": copy.deepcopy(INTERCHANGE["$defs"]["source"])}
    return chosen


NOTE = {"type": "string", "maxLength": 2000, "description": "A note for the reviewer and the revision history."}
ALLOW_DUPLICATES = {"type": "boolean", "description": "Save even though the name or website resembles another "
                                                       "entry's (answered 409 with their slugs otherwise)."}
STRING_OR_NULL = {"type": ["string", "null"]}
TERM = {"type": "object", "properties": {"name": {"type": "string"}, "label": {"type": "string"}}}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object", "required": ["type", "title", "status"],
        "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                       "detail": {"type": "string"},
                       "errors": {"type": "object", "additionalProperties": {"type": "array",
                                                                            "items": {"type": "string"}},
                                  "description": "Messages per field or parameter."}},
    },
    "ToolSummary": {
        "type": "object", "required": ["slug", "name", "summary", "url"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, "organisation": {"type": "string"},
                       "summary": {"type": "string"}, "updated_at": STRING_OR_NULL, "version": {"type": "integer"},
                       "url": {"type": "string"}, "score": {"type": ["number", "null"]}},
    },
    "Facet": {
        "type": "object", "required": ["title", "items"],
        "properties": {"title": {"type": "string"},
                       "items": {"type": "array", "items": {
                           "type": "object", "required": ["name", "label", "count"],
                           "properties": {"name": {"type": "string"}, "label": {"type": "string"},
                                          "count": {"type": "integer"}, "selected": {"type": "boolean"}}}}},
    },
    "SearchResult": {
        "type": "object", "required": ["count", "results", "facets", "next_cursor"],
        "properties": {
            "count": {"type": "integer", "description": "How many tools the search found in all."},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/ToolSummary"}},
            "next_cursor": {**STRING_OR_NULL, "description": "Pass as `cursor` with the same parameters for the "
                                                             "next page; null on the last page."},
            "facets": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Facet"}},
            "sort": {"type": "string"},
            "suggestion": {**STRING_OR_NULL, "description": "A corrected query that finds more (Did you mean)."},
            "corrected": {"type": ["object", "null"], "description": "The query was corrected before searching."},
            "relaxed": {"type": "array", "items": {"type": "string"},
                        "description": "Words some listed tools lack (too few tools held them all)."},
            "expanded": {"type": "array", "items": {"type": "object"},
                         "description": "Words searched with their synonyms as well."},
            "degraded": {"type": "boolean", "description": "Answered from the database while the index is rebuilt "
                                                           "(no facets, sorted by name)."},
        },
    },
    "Tool": {
        "type": "object", "required": ["slug", "name", "summary", "version", "labels", "sources"],
        "description": "Every field of the interchange format v1, plus labels, guidance and agencies.",
        "properties": {**copy.deepcopy(INTERCHANGE["$defs"]["tool"]["properties"]),
                       "sources": {"type": "array", "items": copy.deepcopy(INTERCHANGE["$defs"]["source"])},
                       "version": {"type": "integer"},
                       "translation": {"type": ["object", "null"]},
                       "labels": {"type": "object", "additionalProperties": {"type": "array", "items": TERM}},
                       "guidance": {"type": "array", "items": {"type": "object"}},
                       "agencies": {"type": ["array", "null"], "items": {"type": "object"}},
                       "url": {"type": "string"}},
    },
    "Vocabularies": {"type": "object", "required": ["vocabularies"],
                     "properties": {"vocabularies": {"type": "array", "items": {"type": "object"}}}},
    "GuidanceList": {"type": "object", "required": ["results"],
                     "properties": {"results": {"type": "array", "items": {"type": "object"}}}},
    "GuidancePage": {"type": "object", "required": ["slug", "title", "body"],
                     "properties": {"slug": {"type": "string"}, "title": {"type": "string"},
                                    "summary": {"type": "string"}, "body": {"type": "string"},
                                    "sources": {"type": "array"}, "tools": {"type": "array"}}},
    "Trainings": {"type": "object", "required": ["results"],
                  "properties": {"results": {"type": "array", "items": {"type": "object"}}}},
    "Changes": {
        "type": "object", "required": ["results", "next_cursor"],
        "properties": {"results": {"type": "array", "items": {
            "type": "object", "required": ["slug", "event", "updated_at"],
            "properties": {"slug": {"type": "string"},
                           "event": {"enum": ["published", "archived", "withdrawn"]},
                           "updated_at": {"type": "string"}, "version": {"type": "integer"},
                           "record": {"type": "object", "description": "The published record (interchange v1)."}}}},
            "next_cursor": STRING_OR_NULL},
    },
    "NewDraft": {
        "type": "object", "additionalProperties": False, "required": ["name", "organisation", "summary", "purposes"],
        "properties": {**_tool_properties(), "note": NOTE, "allow_duplicates": ALLOW_DUPLICATES},
    },
    "ToolChange": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "description": "The fields to change; the others keep their current values.",
        "properties": {**_tool_properties(), "note": NOTE, "allow_duplicates": ALLOW_DUPLICATES,
                       "continue_change": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                                           "description": "The version of your own open proposed change to add "
                                                          "to (it was answered with 409 otherwise)."}},
    },
    "Submission": {"type": "object", "additionalProperties": False, "properties": {"note": NOTE}},
    "Written": {
        "type": "object", "required": ["slug", "status", "version", "outcome"],
        "properties": {"slug": {"type": "string"}, "status": {"type": "string"}, "version": {"type": "integer"},
                       "outcome": {"enum": ["created", "saved", "unchanged", "proposed", "submitted"]},
                       "proposed_change": {"type": ["object", "null"]}, "url": {"type": "string"}},
    },
}
