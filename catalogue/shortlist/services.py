"""The shortlist: tools a user sets aside, kept in the signed session cookie (later in the account)."""

from __future__ import annotations

from flask import session

from catalogue.interchange.fields import FORMAT_NAME, FORMAT_VERSION
from catalogue.interchange.services import dump_csv
from catalogue.models import Tool
from catalogue.records import tool_to_record
from catalogue.tools.services import published_by_slugs

KEY = "shortlist"
LIMIT = 50


class ShortlistFull(Exception):
    pass


def slugs() -> list[str]:
    value = session.get(KEY, [])
    return [s for s in value if isinstance(s, str)][:LIMIT] if isinstance(value, list) else []


def shortlisted_tools() -> list[Tool]:
    """The shortlist's published tools, in the order they were added; dropped or unpublished ones fall away."""
    tools, _missing = published_by_slugs(slugs())
    return tools


def add(slug: str) -> Tool | None:
    """Add a published tool; returns it, or None when there is no such published tool."""
    tools, _missing = published_by_slugs([slug])
    if not tools:
        return None
    current = slugs()
    if slug not in current:
        if len(current) >= LIMIT:
            raise ShortlistFull()
        session[KEY] = current + [slug]
    return tools[0]


def remove(slug: str) -> None:
    session[KEY] = [s for s in slugs() if s != slug]


def clear() -> None:
    session.pop(KEY, None)


def as_csv() -> str:
    """The shortlisted tools in the interchange format's CSV layout, so the file can be imported elsewhere."""
    return dump_csv({"format": FORMAT_NAME, "version": FORMAT_VERSION,
                     "tools": [tool_to_record(t) for t in shortlisted_tools()]})
