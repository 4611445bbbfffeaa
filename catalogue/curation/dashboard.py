"""What a curator needs to see first: my drafts, entries waiting for my review, stale entries, recent changes —
across tools and guidance pages."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select

from catalogue.curation import settings
from catalogue.curation.kinds import KINDS, TOOL, Kind
from catalogue.extensions import db
from catalogue.models import STATUSES, User
from catalogue.rows import contains

LIST_FILTERS = (*STATUSES, "stale")


def my_drafts(user: User) -> list:
    """Drafts I created, last edited or submitted (entries returned to me show the reviewer's comments)."""
    found = []
    for kind in KINDS.values():
        model = kind.model
        found += db.session.scalars(select(model).where(model.status == "draft", or_(
            model.created_by_id == user.id, model.updated_by_id == user.id, model.submitted_by_id == user.id)))
    return sorted(found, key=lambda entry: (-entry.updated_at.timestamp(), entry.slug))


def waiting_for_review(user: User) -> list:
    """Entries in review that ``user`` may review: submitted by someone else, unless self-approval is on."""
    found = []
    for kind in KINDS.values():
        model = kind.model
        query = select(model).where(model.status == "in_review")
        if not settings.self_approval_allowed():
            query = query.where(or_(model.submitted_by_id.is_(None), model.submitted_by_id != user.id))
        found += db.session.scalars(query)
    return sorted(found, key=lambda entry: (entry.submitted_at is not None, entry.submitted_at or 0, entry.slug))


def stale_query(kind: Kind = TOOL) -> Select:
    """Published entries never verified, or last verified before the configured period."""
    model = kind.model
    return select(model).where(model.status == "published", or_(model.last_reviewed.is_(None),
                                                                model.last_reviewed < settings.stale_before()))


def stale_count(kind: Kind = TOOL) -> int:
    return db.session.scalar(select(func.count()).select_from(stale_query(kind).subquery())) or 0


def stale_entries(limit: int = 10) -> list:
    found = []
    for kind in KINDS.values():
        model = kind.model
        found += db.session.scalars(stale_query(kind).order_by(model.last_reviewed.asc().nulls_first(), model.slug)
                                    .limit(limit))
    return sorted(found, key=lambda entry: (entry.last_reviewed is not None, entry.last_reviewed or 0))[:limit]


def recent_changes(limit: int = 15) -> list:
    found = []
    for kind in KINDS.values():
        found += db.session.scalars(select(kind.revision).order_by(kind.revision.id.desc()).limit(limit))
    return sorted(found, key=lambda revision: revision.created_at, reverse=True)[:limit]


def entries(kind: Kind, status: str | None, text: str = "") -> Select:
    """All entries of a kind for the curation list, optionally by status (or ``stale``) and by words in the name."""
    model = kind.model
    query = stale_query(kind) if status == "stale" else select(model)
    if status in STATUSES:
        query = query.where(model.status == status)
    if text.strip():
        columns = (getattr(model, name) for name in kind.search_columns)
        query = query.where(or_(*(contains(column, text.strip()) for column in columns)))
    return query.order_by(model.updated_at.desc(), model.slug)


def status_counts(kind: Kind = TOOL) -> dict[str, int]:
    model = kind.model
    found = dict(db.session.execute(select(model.status, func.count()).group_by(model.status)).all())
    counts = {status: found.get(status, 0) for status in STATUSES}
    counts["stale"] = stale_count(kind)
    return counts
