"""The one way new content reaches an entry: a curator's save of a draft, a restored revision, an approved proposed
change. Each applies the values, keeps the old address when the slug changes, stamps the author, stores a revision
and records the audit event, inside the caller's unit of work."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from catalogue import audit
from catalogue.curation import revisions
from catalogue.curation.kinds import Kind, kind_of, target_of
from catalogue.extensions import db
from catalogue.models import FormerSlug, User
from catalogue.models.base import utcnow

#: Revision action → audit event suffix.
AUDITED = {"edited": "edit", "restored": "restore"}


def write_content(entry, values: dict[str, Any], author: User, action: str, note: str = "",
                  slug: str | None = None, detail: str | None = None, always: bool = False) -> bool:
    """Apply ``values`` (snapshot form) and ``slug`` to ``entry``; when anything changed (or ``always``), stamp
    ``author``, store a revision with ``action`` and ``note`` and audit it. Returns whether anything changed. The
    caller checks the slug is free and commits."""
    kind = kind_of(entry)
    with db.session.no_autoflush:  # one UPDATE per save, so the version counts saves
        changed = revisions.apply_content(entry, values)
    if slug and slug != entry.slug:
        remember_slug(kind, entry)
        entry.slug = slug
        changed = True
    if not changed and not always:
        return False
    entry.updated_by = author
    entry.updated_at = utcnow()
    revisions.record_revision(entry, action, author, note)
    audit.record(f"{kind.name}.{AUDITED[action]}", target=target_of(entry), actor=author,
                 detail=note if detail is None else detail)
    return changed


def slug_taken(kind: Kind, slug: str, entry_id: int | None) -> bool:
    """Whether another entry of the kind uses ``slug`` now or used it before (former addresses stay reserved)."""
    model = kind.model
    query = select(model.id).where(model.slug == slug)
    if entry_id:
        query = query.where(model.id != entry_id)
    if db.session.scalar(query) is not None:
        return True
    former = select(FormerSlug.entry_id).where(FormerSlug.entry_kind == kind.name, FormerSlug.slug == slug)
    if entry_id:
        former = former.where(FormerSlug.entry_id != entry_id)
    return db.session.scalar(former) is not None


def remember_slug(kind: Kind, entry) -> None:
    """Keep the entry's current address before it changes; the caller commits."""
    existing = db.session.scalar(select(FormerSlug).where(FormerSlug.entry_kind == kind.name,
                                                          FormerSlug.slug == entry.slug))
    if existing is None:
        db.session.add(FormerSlug(entry_kind=kind.name, slug=entry.slug, entry_id=entry.id))
    # An entry that takes back one of its own former addresses keeps it reserved; the row stays.
