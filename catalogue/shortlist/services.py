"""Shortlists: tools a person sets aside. A member keeps several named lists in their account, each tool with a
note, private unless shared read-only with named colleagues of their agency or with the agency as a whole. A visitor
browsing the public catalogue without an account keeps one list in the signed session cookie; signing in moves it
into the member's default list.

Object-level rules (404 for anything else): a member changes only their own lists; they read their own lists and the
lists shared with them while they belong to the owner's agency.
"""

from __future__ import annotations

import csv
import io

from flask import session
from flask_babel import gettext as _
from sqlalchemy import or_, select
from werkzeug.exceptions import NotFound

from catalogue.conflicts import unit_of_work
from catalogue.extensions import db
from catalogue.interchange.fields import FORMAT_NAME, FORMAT_VERSION
from catalogue.interchange.services import dump_csv
from catalogue.languages.formatting import wording
from catalogue.models import Shortlist, ShortlistItem, ShortlistShare, Tool, User
from catalogue.models.base import utcnow
from catalogue.models.workspace import NAME_LIMIT, NOTE_LIMIT
from catalogue.records import tool_to_record
from catalogue.spreadsheets import spreadsheet_safe
from catalogue.taxonomy import vocabularies
from catalogue.templating import country_name
from catalogue.tools.services import published_by_slugs

KEY = "shortlist"
LIMIT = 50  # tools per list
LISTS_LIMIT = 20  # lists per member
COMPARE_LIMIT = 4


class ShortlistFull(Exception):
    pass


class ShortlistRefused(Exception):
    """The request cannot be carried out as sent; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def keeps_lists(user) -> bool:
    """Whether ``user`` keeps shortlists in an account (a signed-in member); otherwise the session holds one."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in ("member", "curator", "admin")


# The visitor's list, in the session ---------------------------------------------------------------------------------

def slugs() -> list[str]:
    value = session.get(KEY, [])
    return [s for s in value if isinstance(s, str)][:LIMIT] if isinstance(value, list) else []


def session_tools() -> list[Tool]:
    """The session list's published tools, in the order they were added; dropped or unpublished ones fall away."""
    tools, _missing = published_by_slugs(slugs())
    return tools


def _published(slug: str) -> Tool | None:
    tools, _missing = published_by_slugs([slug])
    return tools[0] if tools else None


def add_to_session(slug: str) -> Tool | None:
    tool = _published(slug)
    if tool is None:
        return None
    current = slugs()
    if slug not in current:
        if len(current) >= LIMIT:
            raise ShortlistFull()
        session[KEY] = current + [slug]
    return tool


def remove_from_session(slug: str) -> None:
    session[KEY] = [s for s in slugs() if s != slug]


def clear_session() -> None:
    session.pop(KEY, None)


# A member's lists ---------------------------------------------------------------------------------------------------

def lists_of(user: User) -> list[Shortlist]:
    """The member's own lists, the default (oldest) first (none until they add a tool or create one)."""
    return list(db.session.scalars(select(Shortlist).where(Shortlist.owner_id == user.id).order_by(Shortlist.id)))


def default_list(user: User) -> Shortlist:
    """The member's first list, created ("My shortlist") when they have none, with the session's list moved in."""
    found = db.session.scalar(select(Shortlist).where(Shortlist.owner_id == user.id).order_by(Shortlist.id).limit(1))
    if found is None:
        with unit_of_work(_moved_on):
            found = Shortlist(owner=user, name=_("My shortlist"))
            db.session.add(found)
    return found


def merge_session(user: User) -> int:
    """Move the visitor's session list into the member's default list (on sign-in); returns how many were added."""
    waiting = slugs()
    if not waiting:
        return 0
    target = default_list(user)
    added = 0
    with unit_of_work(_moved_on):
        for tool in published_by_slugs(waiting)[0]:
            try:
                added += _add_item(target, tool)
            except ShortlistFull:
                break
    clear_session()
    return added


def shared_with(user: User) -> list[Shortlist]:
    """Lists other members of the user's agency share with them (named or with the whole agency)."""
    if user.agency_id is None:
        return []
    named = select(ShortlistShare.shortlist_id).where(ShortlistShare.user_id == user.id)
    return list(db.session.scalars(
        select(Shortlist).join(User, User.id == Shortlist.owner_id)
        .where(User.agency_id == user.agency_id, User.active.is_(True), Shortlist.owner_id != user.id,
               or_(Shortlist.shared_with_agency.is_(True), Shortlist.id.in_(named)))
        .order_by(Shortlist.updated_at.desc())))


def own_list(user: User, list_id: int) -> Shortlist:
    """The member's own list, or 404."""
    found = db.session.get(Shortlist, list_id) if 0 < list_id < 2**31 else None
    if found is None or found.owner_id != user.id:
        raise NotFound()
    return found


def readable_list(user: User, list_id: int) -> Shortlist:
    """A list the member owns or that is shared with them now (same agency as its owner), or 404."""
    found = db.session.get(Shortlist, list_id) if 0 < list_id < 2**31 else None
    if found is None:
        raise NotFound()
    if found.owner_id == user.id:
        return found
    same_agency = user.agency_id is not None and found.owner.agency_id == user.agency_id and found.owner.active
    named = any(share.user_id == user.id for share in found.shares)
    if same_agency and (found.shared_with_agency or named):
        return found
    raise NotFound()


def published_items(shortlist: Shortlist) -> list[ShortlistItem]:
    """The list's tools that readers can see now, in the order they were added."""
    return [item for item in shortlist.items if item.tool.status == "published"]


def create_list(user: User, name: str) -> Shortlist:
    name = _checked_name(name)
    if len(lists_of(user)) >= LISTS_LIMIT:
        raise ShortlistRefused(_("You have %(count)s shortlists, the most one account keeps. Delete one first.",
                                 count=LISTS_LIMIT))
    with unit_of_work(_moved_on):
        created = Shortlist(owner=user, name=name)
        db.session.add(created)
    return created


def _checked_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ShortlistRefused(_("Give the shortlist a name."))
    if len(name) > NAME_LIMIT:
        raise ShortlistRefused(_("A shortlist's name has at most %(limit)s characters.", limit=NAME_LIMIT))
    return name


def rename(shortlist: Shortlist, name: str) -> None:
    name = _checked_name(name)
    with unit_of_work(_moved_on):
        shortlist.name = name
        shortlist.updated_at = utcnow()


def delete_list(shortlist: Shortlist) -> None:
    with unit_of_work(_moved_on):
        db.session.delete(shortlist)


def _moved_on(_error: Exception) -> Exception:
    return ShortlistRefused(_("The shortlist was changed at the same moment in another window. Look at it again."))


def add_tool(shortlist: Shortlist, slug: str) -> Tool | None:
    """Add a published tool; returns it, or None when there is no such published tool. Adding twice is no change."""
    tool = _published(slug)
    if tool is None:
        return None
    with unit_of_work(_moved_on):
        _add_item(shortlist, tool)
    return tool


def _add_item(shortlist: Shortlist, tool: Tool) -> int:
    if any(item.tool_id == tool.id for item in shortlist.items):
        return 0
    if len(shortlist.items) >= LIMIT:
        raise ShortlistFull()
    shortlist.items.append(ShortlistItem(tool=tool, note=""))
    shortlist.updated_at = utcnow()
    return 1


def remove_tool(shortlist: Shortlist, slug: str) -> None:
    with unit_of_work(_moved_on):
        for item in list(shortlist.items):
            if item.tool.slug == slug:
                shortlist.items.remove(item)
                shortlist.updated_at = utcnow()


def set_note(shortlist: Shortlist, slug: str, note: str) -> None:
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_LIMIT:
        raise ShortlistRefused(_("A note has at most %(limit)s characters; this one has %(length)s.",
                                 limit=NOTE_LIMIT, length=len(note)))
    if "\x00" in note:
        raise ShortlistRefused(_("The note contains a character that cannot be stored."))
    item = next((item for item in shortlist.items if item.tool.slug == slug), None)
    if item is None:
        raise NotFound()
    with unit_of_work(_moved_on):
        item.note = note
        shortlist.updated_at = utcnow()


def colleagues(user: User) -> list[User]:
    """Active members of the user's agency a list can be shared with."""
    if user.agency_id is None:
        return []
    return list(db.session.scalars(select(User).where(
        User.agency_id == user.agency_id, User.id != user.id, User.active.is_(True),
        User.role.in_(("member", "curator", "admin"))).order_by(User.name)))


def share(shortlist: Shortlist, with_agency: bool, user_ids: list[int]) -> None:
    """Share read-only with the whole agency and/or named colleagues of the owner's agency (others are ignored)."""
    allowed = {colleague.id for colleague in colleagues(shortlist.owner)}
    wanted = [user_id for user_id in dict.fromkeys(user_ids) if user_id in allowed]
    with unit_of_work(_moved_on):
        shortlist.shared_with_agency = with_agency
        shortlist.shares = [ShortlistShare(user_id=user_id) for user_id in wanted]
        shortlist.updated_at = utcnow()


def names_by_tool(user) -> dict[int, list[str]]:
    """``{tool id: [names of the user's lists holding it]}``, in one query, for cards and tool pages."""
    if not keeps_lists(user):
        return {}
    found: dict[int, list[str]] = {}
    for tool_id, name in db.session.execute(
            select(ShortlistItem.tool_id, Shortlist.name).join(Shortlist)
            .where(Shortlist.owner_id == user.id).order_by(Shortlist.id)):
        found.setdefault(tool_id, []).append(name)
    return found


# Exports ------------------------------------------------------------------------------------------------------------

def session_csv() -> str:
    """The session list in the interchange format's CSV layout, so the file can be imported elsewhere."""
    return dump_csv({"format": FORMAT_NAME, "version": FORMAT_VERSION,
                     "tools": [tool_to_record(t) for t in session_tools()]})


def list_csv(shortlist: Shortlist) -> str:
    """A member's list for a spreadsheet: labels rather than slugs, the note, the page's address; formula-safe."""
    vocabs = [v for v in vocabularies() if v.slug in ("purposes", "deployment", "cost_model", "availability")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Tool"), _("Organisation"), _("Country"), _("Summary"), *(wording(v.label) for v in vocabs),
                     _("Note"), _("Website")])
    for item in published_items(shortlist):
        tool = item.tool
        row = [tool.name, tool.organisation, country_name(tool.country) if tool.country else "", tool.summary,
               *("; ".join(wording(term.label) for term in tool.terms_in(v.slug)) for v in vocabs),
               item.note, tool.website or ""]
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    return out.getvalue()
