"""Creating and editing entries: slugs, duplicate warnings, sanitised Markdown and saves that never overwrite."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from catalogue import audit, slugs
from catalogue.conflicts import unit_of_work
from catalogue.curation import proposals, revisions, writing
from catalogue.curation.kinds import TOOL, Kind, kind_of, target_of
from catalogue.extensions import db
from catalogue.markdown import strip_markup
from catalogue.models import Tool, User
from catalogue.models.base import utcnow
from catalogue.rows import get_or_404

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

    entry: Any  # the tool or guidance page as it is now
    theirs: list[revisions.FieldChange]  # what changed between the version the form loaded and now
    authors: list = field(default_factory=list)  # the revisions saved in between
    kept: dict[str, str] = field(default_factory=dict)  # what the curator wrote for a workflow step (label → text)


def get_entry(kind: Kind, entry_id: int):
    return get_or_404(kind.model, entry_id)


def unique_slug(name: str, exclude_id: int | None = None, kind: Kind = TOOL) -> str:
    return slugs.unique_slug(slugs.slugify(name, kind.name), lambda slug: _slug_used(kind, slug, exclude_id))


def _slug_used(kind: Kind, slug: str, exclude_id: int | None) -> bool:
    """Whether another entry uses ``slug``, now or before a rename (old addresses keep redirecting to their entry)."""
    return writing.slug_taken(kind, slug, exclude_id)


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


def clean_values(kind: Kind, values: dict[str, Any]) -> dict[str, Any]:
    markdown = kind.content.MARKDOWN_FIELDS
    return {key: strip_markup(value) if key in markdown else value for key, value in values.items()}


def _duplicates(kind: Kind, values: dict[str, Any], exclude_id: int | None = None) -> list[Tool]:
    """Likely duplicates of the entry, for a kind that checks for them (tools, by name and website)."""
    if not kind.duplicate_fields:
        return []
    return likely_duplicates(values["name"], values.get("website"), exclude_id)


def _changes_any(entry, values: dict[str, Any], names: tuple[str, ...]) -> bool:
    return any((values.get(name) or None) != (getattr(entry, name) or None) for name in names)


def create_entry(kind: Kind, values: dict[str, Any], author: User, note: str = "", allow_duplicates: bool = False):
    """A new draft from the editor's values (slug included). Raises SlugTaken or LikelyDuplicates, also when another
    curator created the same entry at the same moment."""
    values = clean_values(kind, values)
    slug = values.get("slug") or unique_slug(values[kind.title_field], kind=kind)
    if _slug_used(kind, slug, None):
        raise SlugTaken(slug)
    if not allow_duplicates and (similar := _duplicates(kind, values)):
        raise LikelyDuplicates(similar)
    with unit_of_work(lambda _error: _lost_creation(kind, values, slug, allow_duplicates)):
        now = utcnow()
        entry = kind.model(slug=slug, status="draft", demo=False, created_by=author, updated_by=author,
                           created_at=now, updated_at=now)
        db.session.add(entry)
        revisions.apply_content(entry, values)
        revisions.record_revision(entry, "created", author, note)
        audit.record(f"{kind.name}.create", target=target_of(entry), actor=author)
    return entry


def _lost_creation(kind: Kind, values: dict[str, Any], slug: str, allow_duplicates: bool) -> Exception:
    """Another curator's new entry took the address first: show it as a likely duplicate when it resembles this one."""
    if not allow_duplicates and (similar := _duplicates(kind, values)):
        return LikelyDuplicates(similar)
    return SlugTaken(slug)


@dataclass
class Edited:
    """What became of an edit: saved (``changed`` says whether anything differed), or proposed for review."""

    changed: bool
    proposed: Any = None  # the ProposedChange, when readers see the entry


def edit_entry(entry, values: dict[str, Any], author: User, loaded_version: int | None, note: str = "",
               allow_duplicates: bool = False, loaded_change_version: int | None = None) -> Edited:
    """The editor's save: a draft (or an entry in review) changes at once; a published entry gets a proposed change
    that waits for another curator. Raises what ``save_entry`` and ``propose_edit`` raise."""
    if proposals.is_live(entry):
        return Edited(True, propose_edit(entry, values, author, loaded_version, note, allow_duplicates,
                                         loaded_change_version))
    return Edited(save_entry(entry, values, author, loaded_version, note, allow_duplicates))


def save_entry(entry, values: dict[str, Any], author: User, loaded_version: int | None, note: str = "",
               allow_duplicates: bool = False) -> bool:
    """Save the editor's values over ``entry`` if nobody saved since ``loaded_version``. Returns whether it changed.

    Raises EditConflict (nothing written) when the entry moved on, before this save or during it, SlugTaken, or
    LikelyDuplicates when a tool's name or website newly resembles another entry and the curator has not confirmed it
    is different.
    """
    if proposals.is_live(entry):
        raise proposals.ProposalRefused(_("Readers see this entry: propose the change for review instead."))
    kind, values, slug = _checked(entry, values, loaded_version, allow_duplicates)
    entry_id = entry.id

    def refused(error: Exception) -> Exception:
        if isinstance(error, IntegrityError) and _slug_used(kind, slug, entry_id):
            return SlugTaken(slug)
        return moved_on(kind, entry_id, loaded_version)

    with unit_of_work(refused):
        changed = writing.write_content(entry, values, author, "edited", note, slug=slug)
    return changed


def _checked(entry, values: dict[str, Any], loaded_version: int | None, allow_duplicates: bool):
    """The kind, the cleaned values and the slug of an edit, after the checks every edit passes."""
    kind = kind_of(entry)
    if loaded_version != entry.version:
        raise conflict(entry, loaded_version)
    values = clean_values(kind, values)
    slug = values.get("slug") or entry.slug
    if slug != entry.slug and _slug_used(kind, slug, entry.id):
        raise SlugTaken(slug)
    renamed = _changes_any(entry, values, kind.duplicate_fields)
    if renamed and not allow_duplicates and (similar := _duplicates(kind, values, exclude_id=entry.id)):
        raise LikelyDuplicates(similar)
    return kind, values, slug


def propose_edit(entry, values: dict[str, Any], author: User, loaded_version: int | None, note: str = "",
                 allow_duplicates: bool = False, loaded_change_version: int | None = None):
    """The editor's values for a published entry, as a proposed change that waits for another curator; the entry
    itself is untouched. The same checks as a save; raises ``proposals.ProposalOpen`` when someone else's change is
    open (or moved on since the form was loaded). Returns the change."""
    kind, values, slug = _checked(entry, values, loaded_version, allow_duplicates)
    return proposals.propose(entry, "edit", {**values, "slug": slug}, author, entry.version, note,
                             loaded_change_version=loaded_change_version,
                             moved=lambda: conflict(entry, loaded_version))


def conflict(entry, loaded_version: int | None, kept: dict[str, str] | None = None) -> EditConflict:
    base = revisions.revision_at_version(entry, loaded_version or 0)
    current = revisions.snapshot(entry)
    theirs = revisions.compare(base.snapshot, current, kind_of(entry)) if base else []
    return EditConflict(entry, theirs, revisions.revisions_after(entry, base.number if base else 0),
                        {label: text for label, text in (kept or {}).items() if text and text.strip()})


def moved_on(kind: Kind, entry_id: int, loaded_version: int | None, kept: dict[str, str] | None = None) -> Exception:
    """What to answer when the database refused a write because another curator's change to the entry got there
    first (called after the rollback, so it reads the entry as it is now)."""
    entry = db.session.get(kind.model, entry_id)
    return NotFound() if entry is None else conflict(entry, loaded_version, kept)


def restore_revision(entry, number: int, author: User, loaded_version: int | None) -> int | None:
    """Bring back a revision's content as a new revision; returns the new revision's number. For a published entry
    the restore is proposed for review instead (None)."""
    revision = revisions.get_revision(entry, number)
    if revision is None:
        raise NotFound()
    if loaded_version != entry.version:
        raise conflict(entry, loaded_version)
    kind, entry_id = kind_of(entry), entry.id
    if proposals.is_live(entry):
        content = {name: revision.snapshot.get(name) for name in kind.content.CONTENT_FIELDS}
        proposals.propose(entry, "restore", content, author, entry.version, f"Restored from revision {number}")
        return None
    with unit_of_work(lambda _error: moved_on(kind, entry_id, loaded_version)):
        writing.write_content(entry, revision.snapshot, author, "restored", f"Restored from revision {number}",
                              detail=f"revision {number}", always=True)
    return revisions.latest_revision(entry).number
