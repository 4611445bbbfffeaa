"""What a curator needs to see first: my drafts, entries waiting for my review, stale entries, recent changes."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from catalogue.curation import settings
from catalogue.extensions import db
from catalogue.models import STATUSES, Tool, ToolRevision, User
from catalogue.rows import contains

LIST_FILTERS = (*STATUSES, "stale")


def my_drafts(user: User) -> list[Tool]:
    """Drafts I created, last edited or submitted (entries returned to me show the reviewer's comments)."""
    return list(db.session.scalars(
        select(Tool).where(Tool.status == "draft", or_(Tool.created_by_id == user.id, Tool.updated_by_id == user.id,
                                                       Tool.submitted_by_id == user.id))
        .order_by(Tool.updated_at.desc(), Tool.slug)))


def waiting_for_review(user: User) -> list[Tool]:
    """Entries in review that ``user`` may review: submitted by someone else, unless self-approval is on."""
    query = select(Tool).where(Tool.status == "in_review")
    if not settings.self_approval_allowed():
        query = query.where(or_(Tool.submitted_by_id.is_(None), Tool.submitted_by_id != user.id))
    return list(db.session.scalars(query.order_by(Tool.submitted_at.asc().nulls_first(), Tool.slug)))


def stale_query() -> Select:
    """Published entries never verified, or last verified before the configured period."""
    return select(Tool).where(Tool.status == "published", or_(Tool.last_reviewed.is_(None),
                                                              Tool.last_reviewed < settings.stale_before()))


def stale_count() -> int:
    return db.session.scalar(select(func.count()).select_from(stale_query().subquery())) or 0


def stale_tools(limit: int = 10) -> list[Tool]:
    return list(db.session.scalars(stale_query().order_by(Tool.last_reviewed.asc().nulls_first(), Tool.slug)
                                   .limit(limit)))


def recent_changes(limit: int = 15) -> list[ToolRevision]:
    return list(db.session.scalars(select(ToolRevision).order_by(ToolRevision.id.desc()).limit(limit)))


def entries(status: str | None, text: str = "") -> Select:
    """All entries for the curation list, optionally by status (or ``stale``) and by words in the name."""
    query = stale_query() if status == "stale" else select(Tool)
    if status in STATUSES:
        query = query.where(Tool.status == status)
    if text.strip():
        query = query.where(or_(*(contains(column, text.strip())
                                   for column in (Tool.name, Tool.slug, Tool.organisation))))
    return query.order_by(Tool.updated_at.desc(), Tool.slug)


def status_counts() -> dict[str, int]:
    found = dict(db.session.execute(select(Tool.status, func.count()).group_by(Tool.status)).all())
    counts = {status: found.get(status, 0) for status in STATUSES}
    counts["stale"] = stale_count()
    return counts
