"""Proposed changes: what a curator changes in a published entry waits here until another curator approves it.

Editing a published tool or guidance page, restoring an older revision of it, or adding, changing or deleting one of
its translations writes a :class:`ProposedChange`, never the entry: the public page, search, exports and the API keep
serving the published text. Approving applies the change through the same code as a direct save (revision, audit,
search outbox, one commit); returning it leaves the entry untouched and keeps the reviewer's reason for the author;
an author may withdraw it. The database holds one open change per entry (and per translation language).

Who may approve: nobody who wrote any part of the change (every curator who saved it); clicking submit is not
writing. Where an administrator allowed self-approval, an author may approve, and the change is marked self-approved
in the history and the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from catalogue import audit
from catalogue.conflicts import lock_rows, unit_of_work
from catalogue.curation import revisions, settings, writing
from catalogue.curation.kinds import KINDS, Kind, kind_of, target_of
from catalogue.extensions import db
from catalogue.models import ProposedChange, User
from catalogue.models.base import utcnow
from catalogue.rows import get_or_404

CONTENT = ("edit", "restore")
#: Fields whose change alters what the entry claims; approving such a change asks whether it re-verifies the entry.
FACT_FIELDS = frozenset({"description", "organisation", "country", "website", "languages", "body", "summary"})

#: How a translation change is applied on approval: action → function(entry, change, reviewer). Registered by the
#: translations feature, which knows how translations are stored.
APPLIERS: dict[str, Callable[[Any, ProposedChange, User], None]] = {}
#: What a translation change would alter, field by field: action → function(entry, change), registered likewise.
DIFFERS: dict[str, Callable[[Any, ProposedChange], list[revisions.FieldChange]]] = {}


class ProposalRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ProposalOpen(Exception):
    """Another open change to the same entry (or translation) exists, or moved on since the form was loaded."""

    change: ProposedChange | None


def is_live(entry) -> bool:
    """Whether readers see the entry, so that a change to it needs a second curator."""
    return entry.status == "published"


def _key(kind: Kind, entry_id: int, language: str | None) -> str:
    return f"{kind.name}:{entry_id}:{language or ''}"


def open_change(entry, language: str | None = None) -> ProposedChange | None:
    return db.session.scalar(select(ProposedChange).where(
        ProposedChange.open_key == _key(kind_of(entry), entry.id, language)))


def open_changes(entry) -> list[ProposedChange]:
    """Every open change to the entry and its translations."""
    return list(db.session.scalars(select(ProposedChange).where(
        ProposedChange.entry_kind == kind_of(entry).name, ProposedChange.entry_id == entry.id,
        ProposedChange.status == "open").order_by(ProposedChange.language)))


def waiting(user: User) -> list[ProposedChange]:
    """Open changes, oldest first; those ``user`` may approve first."""
    found = list(db.session.scalars(select(ProposedChange).where(ProposedChange.status == "open")
                                    .order_by(ProposedChange.created_at)))
    for change in found:
        change.entry = entry_of(change)
    return sorted(found, key=lambda change: may_approve(change, user) is not None)


def returned_to(entry, user: User) -> list[ProposedChange]:
    """The user's changes to this entry that a reviewer returned and that nobody proposed again since."""
    return list(db.session.scalars(select(ProposedChange).where(
        ProposedChange.entry_kind == kind_of(entry).name, ProposedChange.entry_id == entry.id,
        ProposedChange.status == "returned", ProposedChange.author_id == user.id,
        ProposedChange.decided_at >= entry.updated_at)
        .order_by(ProposedChange.decided_at.desc()).limit(3)))


def returned_recently(user: User, limit: int = 10) -> list[ProposedChange]:
    """The user's changes that a reviewer returned, newest first, while nobody has changed the entry since (the
    reviewer's reason is still what the author has to act on)."""
    found = []
    for change in db.session.scalars(select(ProposedChange).where(
            ProposedChange.status == "returned", ProposedChange.author_id == user.id)
            .order_by(ProposedChange.decided_at.desc()).limit(limit * 3)):
        try:
            change.entry = entry_of(change)
        except NotFound:
            continue
        if change.decided_at >= change.entry.updated_at:
            found.append(change)
    return found[:limit]


def get_change(change_id: int) -> ProposedChange:
    return get_or_404(ProposedChange, change_id)


def entry_of(change: ProposedChange):
    kind = next(kind for kind in KINDS.values() if kind.name == change.entry_kind)
    entry = db.session.get(kind.model, change.entry_id)
    if entry is None:
        raise NotFound()
    return entry


def propose(entry, action: str, values: dict[str, Any], author: User, base_version: int, note: str = "",
            language: str | None = None, loaded_change_version: int | None = None,
            moved: Callable[[], Exception] | None = None, from_provider: bool = False) -> ProposedChange:
    """Open a change, or add to the open one the form was loaded from (``loaded_change_version``); ``from_provider``
    marks it as written by the tool's maker, for the curators who review it. Raises
    ProposalOpen when someone else's open change is in the way or it moved on since the form was loaded, and
    ``moved()`` (or ProposalRefused) when the entry was changed or unpublished meanwhile."""
    kind = kind_of(entry)
    current = open_change(entry, language)
    if current is not None and (loaded_change_version is None or current.version != loaded_change_version):
        raise ProposalOpen(current)
    if current is None and loaded_change_version is not None:
        raise ProposalRefused(_("The proposed change you were continuing was approved, returned or withdrawn "
                                "meanwhile. Look at the entry as it is now, then propose your change again."))
    entry_id = entry.id
    with unit_of_work(lambda _error: ProposalOpen(db.session.scalar(select(ProposedChange).where(
            ProposedChange.open_key == _key(kind, entry_id, language))))):
        lock_rows(kind.model, [entry_id])  # an archive or unpublish at the same moment comes first or after
        db.session.refresh(entry)
        if not is_live(entry) or (language is None and entry.version != base_version):
            if moved is not None:
                raise moved()
            raise ProposalRefused(_("The entry was changed or is no longer published since you opened it, so your "
                                    "change was not proposed. Look at it as it is now, then try again."))
        now = utcnow()
        change = current or ProposedChange(entry_kind=kind.name, entry_id=entry.id, language=language,
                                           open_key=_key(kind, entry.id, language), base_version=base_version,
                                           authors=[], created_at=now, author_id=author.id, note="", reason="")
        change.action = action if current is None or action != "edit" else current.action
        change.values = dict(values)
        change.updated_at = now
        if author.id not in change.authors:
            change.authors = [*change.authors, author.id]
        change.from_provider = bool(change.from_provider or from_provider)
        if note.strip():
            change.note = note.strip()
        db.session.add(change)
        audit.record(f"{kind.name}.propose", target=target_of(entry), actor=author,
                     detail=f"{action}{f' {language}' if language else ''}: {note.strip()}".rstrip(": "))
    return change


def describe(change: ProposedChange) -> str:
    return f"{change.action} {change.language}" if change.language else change.action


def authors_of(change: ProposedChange) -> list[User]:
    return [user for user_id in change.authors if (user := db.session.get(User, user_id)) is not None]


def may_approve(change: ProposedChange, user: User) -> str | None:
    """Why ``user`` may not approve ``change``, or None when they may."""
    if user.id in change.authors and not settings.self_approval_allowed():
        return _("You wrote part of this change, so another curator must review it.")
    return None


def diff(change: ProposedChange, entry) -> list[revisions.FieldChange]:
    """What the change would alter in what readers see, field by field (content changes only)."""
    if change.action in DIFFERS:
        return DIFFERS[change.action](entry, change)
    if change.action not in CONTENT:
        return []
    live = revisions.snapshot(entry)
    proposed = {**live, **{name: value for name, value in change.values.items()
                           if name in kind_of(entry).content.CONTENT_FIELDS or name == "slug"}}
    if not proposed.get("slug"):
        proposed["slug"] = live["slug"]
    return revisions.compare(live, proposed, kind_of(entry))


def changes_facts(change: ProposedChange, entry) -> bool:
    from catalogue.taxonomy import TERM_FIELDS

    return any(item.field in FACT_FIELDS or item.field in TERM_FIELDS for item in diff(change, entry))


def _decide(change: ProposedChange, loaded_version: int | None) -> None:
    if change.status != "open":
        raise ProposalRefused(_("This change is no longer waiting for review."))
    if loaded_version != change.version:
        raise ProposalOpen(change)


def approve(change: ProposedChange, reviewer: User, loaded_version: int | None, reverifies: bool = False,
            note: str = "") -> None:
    """Apply the change to the live entry; with ``reverifies``, the reviewer also re-verifies the entry today."""
    _decide(change, loaded_version)
    if reason := may_approve(change, reviewer):
        raise ProposalRefused(reason)
    entry = entry_of(change)
    if not is_live(entry):
        raise ProposalRefused(_("The entry is no longer published, so this change cannot be applied. Withdraw it, "
                                "or propose it again on the entry as it is now."))
    kind = kind_of(entry)
    self_approved = reviewer.id in change.authors
    author = change.author or reviewer
    with unit_of_work(lambda _error: ProposalOpen(db.session.get(ProposedChange, change.id))):
        if change.action in CONTENT:
            _apply_content(entry, change, author)
            if reverifies:
                entry.last_reviewed = date.today()
                entry.verified_by = reviewer
            marker = _("self-approved") if self_approved else ""
            revisions.record_revision(entry, "approved", reviewer, " · ".join(
                part for part in (_("Proposed change approved"), marker, note.strip()) if part))
        else:
            APPLIERS[change.action](entry, change, reviewer)
        change.status, change.open_key = "approved", None
        change.decided_by, change.decided_at = reviewer, utcnow()
        change.self_approved = self_approved
        change.reason = note.strip()
        audit.record(f"{kind.name}.approve", target=target_of(entry), actor=reviewer,
                     detail="; ".join(part for part in (
                         f"proposed change {change.id} ({describe(change)})",
                         "self-approved (allowed by setting)" if self_approved else "",
                         "re-verified" if reverifies else "") if part))


def _apply_content(entry, change: ProposedChange, author: User) -> None:
    slug = change.values.get("slug") or entry.slug
    if slug != entry.slug and writing.slug_taken(kind_of(entry), slug, entry.id):
        raise ProposalRefused(_("Another entry uses the proposed address meanwhile. Return the change so its "
                                "author can choose another one."))
    writing.write_content(entry, change.values, author, "restored" if change.action == "restore" else "edited",
                          change.note, slug=slug)


def return_change(change: ProposedChange, reviewer: User, loaded_version: int | None, reason: str) -> None:
    _decide(change, loaded_version)
    if not reason.strip():
        raise ProposalRefused(_("Say what needs to change, so the author knows what to do."))
    entry = entry_of(change)
    with unit_of_work(lambda _error: ProposalOpen(db.session.get(ProposedChange, change.id))):
        change.status, change.open_key = "returned", None
        change.decided_by, change.decided_at = reviewer, utcnow()
        change.reason = reason.strip()
        audit.record(f"{kind_of(entry).name}.return", target=target_of(entry), actor=reviewer,
                     detail=f"proposed change {change.id}: {reason.strip()}")


def withdraw(change: ProposedChange, user: User, loaded_version: int | None) -> None:
    _decide(change, loaded_version)
    if user.id not in change.authors:
        raise ProposalRefused(_("Only an author of this change can withdraw it."))
    entry = entry_of(change)
    with unit_of_work(lambda _error: ProposalOpen(db.session.get(ProposedChange, change.id))):
        change.status, change.open_key = "withdrawn", None
        change.decided_by, change.decided_at = user, utcnow()
        audit.record(f"{kind_of(entry).name}.withdraw", target=target_of(entry), actor=user,
                     detail=f"proposed change {change.id}")
