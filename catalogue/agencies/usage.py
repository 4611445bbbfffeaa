"""Recording which catalogue tools an agency uses: add a tool with a short note, change the note, remove it.

Members change only their own agency's list; for any other agency the list does not exist for them (404).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.agencies.services import get_agency, may_manage_usage
from catalogue.extensions import db
from catalogue.models import Agency, Tool, ToolUsage
from catalogue.rows import get_row


class UsageRefused(Exception):
    """A change that cannot be made, with a message for the user (a duplicate, a tool that is not published)."""


def managed_agency(slug: str, user) -> Agency:
    agency = get_agency(slug)
    if not may_manage_usage(user, agency):
        raise NotFound()
    return agency


def usage_of(agency: Agency, usage_id: int) -> ToolUsage:
    usage = get_row(ToolUsage, usage_id)
    if usage is None or usage.agency_id != agency.id:
        raise NotFound()
    return usage


def target(agency: Agency) -> str:
    return f"agency:{agency.slug}"


def clean_note(note: str | None) -> str:
    return (note or "").strip()


def add_usage(agency: Agency, tool_slug: str, note: str, user) -> ToolUsage:
    tool = db.session.scalar(select(Tool).where(Tool.slug == tool_slug, Tool.status == "published"))
    if tool is None:
        raise UsageRefused(_("That tool is not in the catalogue. Choose a published tool from the list."))
    already = db.session.scalar(select(ToolUsage.id).where(ToolUsage.agency_id == agency.id,
                                                           ToolUsage.tool_id == tool.id))
    if already is not None:
        raise UsageRefused(duplicate_message(tool))
    usage = ToolUsage(agency=agency, tool=tool, note=clean_note(note), recorded_by_id=getattr(user, "id", None))
    db.session.add(usage)
    try:
        db.session.flush()
    except IntegrityError:  # someone else added the same tool a moment ago
        db.session.rollback()
        raise UsageRefused(duplicate_message(tool)) from None
    audit.record("agency.tool_usage.add", target=target(agency), detail=tool.slug)
    db.session.commit()
    return usage


def duplicate_message(tool: Tool) -> str:
    return _("%(tool)s is already in the list of tools this agency uses. Change its note below instead.",
             tool=tool.name)


def update_note(usage: ToolUsage, note: str) -> bool:
    """Change the note; False when it was already the same (nothing saved)."""
    note = clean_note(note)
    if note == usage.note:
        return False
    usage.note = note
    audit.record("agency.tool_usage.update", target=target(usage.agency), detail=usage.tool.slug)
    db.session.commit()
    return True


def remove_usage(usage: ToolUsage) -> None:
    audit.record("agency.tool_usage.remove", target=target(usage.agency), detail=usage.tool.slug)
    db.session.delete(usage)
    db.session.commit()
