"""Test data made through the same import service that production data goes through."""

from __future__ import annotations

import json
from typing import Any

from catalogue.cli import DEMO_FILE
from catalogue.interchange.services import import_tools


def tool_record(slug: str = "sample-tool", **fields: Any) -> dict[str, Any]:
    record = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "organisation": "Example Research Lab",
        "summary": f"A fictional tool called {slug} for tests.",
        "purposes": ["referral-triage"],
        "status": "published",
    }
    record.update(fields)
    return record


def document(*records: dict[str, Any]) -> dict[str, Any]:
    return {"format": "ai-tools-catalogue", "version": 1, "tools": list(records)}


def make_tools(*records: dict[str, Any]):
    """Import records (default: one published tool) and return the import report."""
    return import_tools(document(*(records or (tool_record(),))))


def load_demo():
    return import_tools(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
