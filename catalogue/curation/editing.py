"""Creating and editing entries: slugs, duplicate warnings, sanitised Markdown and saves that never overwrite."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.curation import revisions
from catalogue.extensions import db
from catalogue.markdown import strip_markup
from catalogue.models import Tool, ToolRevision, User
from catalogue.models.base import utcnow
from catalogue.rows import get_or_404

MARKDOWN_FIELDS = ("description", "responsible_use")
SIMILAR_NAME_RATIO = 0.85


class SlugTaken(Exception):
    """Another entry already uses this address."""


class LikelyDuplicates(Exception):
    def __init__(self, tools: list[Tool]):
        super().__init__(f"{len(tools)} similar entries")
        self.tools = tools


@dataclass
class EditConflict(Exception):
    """Someone saved the entry after this form was loaded. Nothing was written."""

    tool: Tool
    theirs: list[revisions.FieldChange]  # what changed between the version the form loaded and now
    authors: list[ToolRevision] = field(default_factory=list)  # the revisions saved in between


def get_tool(tool_id: int) -> Tool:
    return get_or_404(Tool, tool_id)


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80].strip("-") or "tool"


def unique_slug(name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    candidate, number = base, 2
    while _slug_used(candidate, exclude_id):
        suffix = f"-{number}"
        candidate = base[:80 - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate


def _slug_used(slug: str, exclude_id: int | None) -> bool:
    query = select(Tool.id).where(Tool.slug == slug)
    if exclude_id:
        query = query.where(Tool.id != exclude_id)
    return db.session.scalar(query) is not None


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", folded))


def _site_key(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}".lower() if host else None


def likely_duplicates(name: str, website: str | None, exclude_id: int | None = None) -> list[Tool]:
    """Entries with a similar name or the same website, whatever their status."""
    key, site = _name_key(name), _site_key(website)
    found = []
    rows = db.session.execute(select(Tool.id, Tool.name, Tool.website).order_by(Tool.name))
    for tool_id, other_name, other_site in rows:
        if tool_id == exclude_id:
            continue
        other_key = _name_key(other_name)
        similar = key and (key == other_key
                           or difflib.SequenceMatcher(None, key, other_key).ratio() >= SIMILAR_NAME_RATIO)
        if similar or (site and site == _site_key(other_site)):
            found.append(tool_id)
    return [db.session.get(Tool, tool_id) for tool_id in found[:10]]


def clean_values(values: dict[str, Any]) -> dict[str, Any]:
    return {key: strip_markup(value) if key in MARKDOWN_FIELDS else value for key, value in values.items()}


def create_tool(values: dict[str, Any], author: User, note: str = "", allow_duplicates: bool = False) -> Tool:
    """A new draft from the editor's values (slug included). Raises SlugTaken or LikelyDuplicates."""
    values = clean_values(values)
    slug = values.get("slug") or unique_slug(values["name"])
    if _slug_used(slug, None):
        raise SlugTaken(slug)
    if not allow_duplicates and (similar := likely_duplicates(values["name"], values.get("website"))):
        raise LikelyDuplicates(similar)
    now = utcnow()
    tool = Tool(slug=slug, status="draft", demo=False, created_by=author, updated_by=author, created_at=now,
                updated_at=now, languages=[], description="", responsible_use="")
    db.session.add(tool)
    revisions.apply_content(tool, values)
    revisions.record_revision(tool, "created", author, note)
    audit.record("tool.create", target=target_of(tool), actor=author)
    db.session.commit()
    return tool


def save_tool(tool: Tool, values: dict[str, Any], author: User, loaded_version: int | None, note: str = "",
              allow_duplicates: bool = False) -> bool:
    """Save the editor's values over ``tool`` if nobody saved since ``loaded_version``. Returns whether it changed.

    Raises EditConflict (nothing written) when the entry moved on, SlugTaken, or LikelyDuplicates when the name or
    website newly resembles another entry and the curator has not confirmed it is different.
    """
    if loaded_version != tool.version:
        raise conflict(tool, loaded_version)
    values = clean_values(values)
    slug = values.get("slug") or tool.slug
    if slug != tool.slug and _slug_used(slug, tool.id):
        raise SlugTaken(slug)
    renamed = values["name"] != tool.name or (values.get("website") or None) != tool.website
    if renamed and not allow_duplicates and (
            similar := likely_duplicates(values["name"], values.get("website"), exclude_id=tool.id)):
        raise LikelyDuplicates(similar)
    changed = revisions.apply_content(tool, values)
    if slug != tool.slug:
        tool.slug = slug
        changed = True
    if not changed:
        return False
    tool.updated_by = author
    tool.updated_at = utcnow()
    try:
        revisions.record_revision(tool, "edited", author, note)
    except StaleDataError:
        db.session.rollback()
        raise conflict(db.session.get(Tool, tool.id), loaded_version) from None
    audit.record("tool.edit", target=target_of(tool), actor=author, detail=note)
    db.session.commit()
    return True


def conflict(tool: Tool, loaded_version: int | None) -> EditConflict:
    base = revisions.revision_at_version(tool, loaded_version or 0)
    current = revisions.snapshot(tool)
    theirs = revisions.compare(base.snapshot if base else {}, current) if base else []
    between = list(db.session.scalars(
        select(ToolRevision).where(ToolRevision.tool_id == tool.id, ToolRevision.number > (base.number if base else 0))
        .order_by(ToolRevision.number)))
    return EditConflict(tool, theirs, between)


def restore_revision(tool: Tool, number: int, author: User, loaded_version: int | None) -> int:
    """Bring back a revision's content as a new revision; returns the new revision's number."""
    revision = revisions.get_revision(tool, number)
    if revision is None:
        raise NotFound()
    if loaded_version != tool.version:
        raise conflict(tool, loaded_version)
    revisions.apply_content(tool, revision.snapshot)
    tool.updated_by = author
    tool.updated_at = utcnow()
    new = revisions.record_revision(tool, "restored", author, f"Restored from revision {number}")
    audit.record("tool.restore", target=target_of(tool), actor=author, detail=f"revision {number}")
    db.session.commit()
    return new.number


def target_of(tool: Tool) -> str:
    return f"tool:{tool.slug}"

