"""Following a tool: a member follows a published tool to be told when its entry changes in a way readers see.

A follow is private: only its member sees or changes it (404 for anybody else). Only a published tool can be
followed. What happened to a followed tool is a ``FollowEvent`` (found by ``flask alerts send``, see
``catalogue.workspace.follow_events``); this module shows them, in the reader's language, and marks them read.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import NotFound

from catalogue import policy
from catalogue.conflicts import ConcurrentChange, unit_of_work
from catalogue.curation.revisions import field_labels
from catalogue.extensions import db
from catalogue.models import Agency, GuidancePage, Tool, ToolUsage, User
from catalogue.models.base import utcnow
from catalogue.models.workspace import EMAIL_CHOICES, Follow, FollowEvent, FollowSetting

LIMIT = 200  # followed tools per member
SHOWN = 50  # unread changes listed at once
SLUG_LIMIT = 80  # Tool.slug's length: a longer address names no tool


class FollowRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def follows_of(user: User) -> list[Follow]:
    """The member's followed tools, by name (archived or withdrawn ones too: they may unfollow them)."""
    return list(db.session.scalars(select(Follow).join(Tool, Tool.id == Follow.tool_id)
                                   .where(Follow.user_id == user.id).options(joinedload(Follow.tool))
                                   .order_by(func.lower(Tool.name), Tool.id)))


def own_follow(user: User, follow_id: int) -> Follow:
    found = db.session.get(Follow, follow_id) if 0 < follow_id < 2**31 else None
    if found is None or found.user_id != user.id:
        raise NotFound()
    return found


def following(user: User, tool: Tool) -> Follow | None:
    """The member's follow of ``tool``, read once per request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if "followed_tools" not in g:
        g.followed_tools = {follow.tool_id: follow for follow in db.session.scalars(
            select(Follow).where(Follow.user_id == user.id))}
    return g.followed_tools.get(tool.id)


def follow(user: User, slug: str) -> tuple[Follow, bool]:
    """Follow the published tool at ``slug``; (the follow, whether it is new). Following twice changes nothing."""
    slug = str(slug or "")
    tool = db.session.scalar(select(Tool).where(Tool.slug == slug)) if 0 < len(slug) <= SLUG_LIMIT else None
    if tool is None or tool.status != "published":
        raise FollowRefused(_("Only a tool published in the catalogue can be followed; this one is not (any more)."))
    existing = db.session.scalar(select(Follow).where(Follow.user_id == user.id, Follow.tool_id == tool.id))
    if existing is not None:
        return existing, False
    count = db.session.scalar(select(func.count(Follow.id)).where(Follow.user_id == user.id)) or 0
    if count >= LIMIT:
        raise FollowRefused(_("You follow %(count)s tools, the most one account keeps. Unfollow one first.",
                              count=LIMIT))
    try:
        with unit_of_work():
            created = Follow(user_id=user.id, tool_id=tool.id, created_at=utcnow())
            db.session.add(created)
    except ConcurrentChange:  # the same member's other tab followed it a moment ago
        found = db.session.scalar(select(Follow).where(Follow.user_id == user.id, Follow.tool_id == tool.id))
        if found is None:
            raise
        return found, False
    return created, True


def unfollow(follow: Follow) -> None:
    """Stop following: the follow and the changes not read yet go."""
    with unit_of_work():
        db.session.delete(follow)


def email_choice(user: User) -> str:
    setting = db.session.get(FollowSetting, user.id)
    return setting.email if setting is not None else "off"


def set_email(user: User, choice: str) -> None:
    if choice not in EMAIL_CHOICES:
        raise FollowRefused(_("Choose how often to be told by e-mail."))
    with unit_of_work():
        setting = db.session.get(FollowSetting, user.id)
        if setting is None:
            db.session.add(FollowSetting(user_id=user.id, email=choice))
        else:
            setting.email = choice


def unread_counts(user: User) -> dict[int, int]:
    """``{follow id: changes not read yet}``."""
    return dict(db.session.execute(
        select(FollowEvent.follow_id, func.count(FollowEvent.id))
        .where(FollowEvent.user_id == user.id, FollowEvent.read_at.is_(None))
        .group_by(FollowEvent.follow_id)).all())


def unread_events(user: User, limit: int = SHOWN) -> list[FollowEvent]:
    return list(db.session.scalars(
        select(FollowEvent).where(FollowEvent.user_id == user.id, FollowEvent.read_at.is_(None))
        .options(joinedload(FollowEvent.tool))
        .order_by(FollowEvent.happened_at.desc(), FollowEvent.id.desc()).limit(limit)))


def mark_read(user: User, follow: Follow | None = None) -> int:
    """Mark the member's unread changes read: of one followed tool, or all."""
    query = update(FollowEvent).where(FollowEvent.user_id == user.id, FollowEvent.read_at.is_(None))
    if follow is not None:
        query = query.where(FollowEvent.follow_id == follow.id)
    changed = db.session.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return changed


@dataclass
class Shown:
    """A change as the member reads it: the tool, what happened, a link to the tool while it is published."""

    event: FollowEvent
    tool_name: str
    text: str
    link_slug: str | None


def shown(events: list[FollowEvent], user: User, labels: dict | None = None) -> list[Shown]:
    """What each change says in the current language, leaving out what the member may not see (an agency's use of a
    tool is shown only to those who may read the agency directory, and only while it is still recorded; a guidance
    page only while it is published). ``labels``: the fields' labels in the current language, when the caller has
    them already (one e-mail after another in the same language)."""
    page_ids = {e.details.get("guidance") for e in events if e.kind == "guidance"}
    usage_ids = {e.details.get("usage") for e in events if e.kind == "usage"}
    pages = dict(db.session.execute(select(GuidancePage.id, GuidancePage.title).where(
        GuidancePage.id.in_([i for i in page_ids if isinstance(i, int)]), GuidancePage.status == "published")).all())
    agencies = {}
    if usage_ids and policy.can("agencies.view", user):
        agencies = dict(db.session.execute(select(ToolUsage.id, Agency.name).join(Agency, Agency.id ==
                                                                                   ToolUsage.agency_id)
                                           .where(ToolUsage.id.in_([i for i in usage_ids if isinstance(i, int)])))
                        .all())
    if labels is None:
        labels = field_labels() if any(e.kind == "changed" for e in events) else {}
    found = []
    for event in events:
        text = _describe(event, labels, pages, agencies)
        if text is None:
            continue
        slug = event.tool.slug if event.tool.status == "published" else None
        found.append(Shown(event, event.tool.name, text, slug))
    return found


def _describe(event: FollowEvent, labels: dict, pages: dict, agencies: dict) -> str | None:
    details = event.details or {}
    if event.kind == "changed":
        names = [str(labels.get(name, name)) for name in details.get("fields", [])]
        return _("A change was published: %(fields)s.", fields=", ".join(names))
    if event.kind == "archived":
        return _("Archived: the entry is no longer in the catalogue.")
    if event.kind == "withdrawn":
        return _("Withdrawn from the catalogue for now.")
    if event.kind == "stale":
        return _("Due for verification: the entry has not been verified again for more than %(months)s months. "
                 "Check it with the provider before relying on it.",
                 months=current_app.config["CATALOGUE_STALE_AFTER_MONTHS"])
    if event.kind == "guidance":
        title = pages.get(details.get("guidance"))
        return _("New guidance applies to it: “%(title)s”.", title=title) if title else None
    if event.kind == "usage":
        agency = agencies.get(details.get("usage"))
        return _("%(agency)s now records that it uses this tool.", agency=agency) if agency else None
    return None
