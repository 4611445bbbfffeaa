"""The publishing workflow, for tools and guidance pages alike: draft → in review → published → archived, with a
second pair of eyes before publishing.

Every transition checks the version the curator was looking at, so nobody approves or archives text they have not
seen, and again when it is written: when two curators move the same entry at the same moment, the database lets the
first one through and the second gets the "changed since you opened it" page with what they wrote kept. Each
transition writes a revision and an audit event, and search follows through the outbox.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from catalogue import audit
from catalogue.conflicts import unit_of_work
from catalogue.curation import revisions, settings
from catalogue.curation.editing import conflict, moved_on
from catalogue.curation.kinds import kind_of, target_of
from catalogue.extensions import db
from catalogue.models import User
from catalogue.models.base import utcnow

CONTENT_ACTIONS = ("created", "edited", "restored", "imported")


class WorkflowRefused(Exception):
    """The transition is not possible now; ``message`` says why in words for the curator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Verification:
    criteria_met: int  # how many of the entry's kind's criteria the reviewer ticked (each counted once)
    sources: str
    verified_on: date


@contextmanager
def _moving(entry, loaded_version: int | None, kept: dict[str, str], *statuses: str) -> Iterator[None]:
    """Refuse the step unless the entry is still the version the curator saw, in one of ``statuses``; then commit
    the block's changes as one. Whether the entry moved on before or during the step, nothing is written and the
    curator gets the conflict with ``kept`` (what they wrote, by label) to take back."""
    if loaded_version != entry.version:
        raise conflict(entry, loaded_version, kept)
    if entry.status not in statuses:
        raise WorkflowRefused(_("This entry is now %(status)s, so this action is no longer possible.",
                                status=status_label(entry.status)))
    kind, entry_id = kind_of(entry), entry.id
    with unit_of_work(lambda _error: moved_on(kind, entry_id, loaded_version, kept)):
        yield


def _finish(entry, user: User, action: str, event: str, note: str, detail: str = "") -> None:
    """``event`` is the audit verb (``submit``), prefixed with the entry's kind (``guidance.submit``)."""
    entry.updated_by = user
    entry.updated_at = utcnow()
    revisions.record_revision(entry, action, user, note)
    audit.record(f"{kind_of(entry).name}.{event}", target=target_of(entry), actor=user, detail=detail or note)


def _note(note: str) -> dict[str, str]:
    return {_("Your note"): note}


def submit(entry, user: User, loaded_version: int | None, note: str = "") -> None:
    with _moving(entry, loaded_version, _note(note), "draft"):
        if reason := kind_of(entry).unready(entry):
            raise WorkflowRefused(reason)
        entry.status = "in_review"
        entry.submitted_by = user
        entry.submitted_at = utcnow()
        _finish(entry, user, "submitted", "submit", note)


def may_approve(entry, user: User) -> str | None:
    """Why ``user`` may not approve ``entry`` (four eyes), or None when they may: not the submitter, nor anyone who
    wrote a revision of the text since it was last published (submitting is not writing, so an author stays excluded
    when someone else submitted their text)."""
    if settings.self_approval_allowed():
        return None
    if entry.submitted_by_id == user.id:
        return _("You submitted this entry, so another curator must review it.")
    if _wrote(entry, user):
        return _("You wrote part of the text under review, so another curator must review it.")
    return None


def _wrote(entry, user: User) -> bool:
    """Whether ``user`` wrote any revision of the text under review: since the entry was last published. The same
    rule refuses an approval (``may_approve``) and marks one as self-approved where the setting allows it."""
    revision = kind_of(entry).revision
    published = db.session.scalar(select(revision.number).where(
        revision.entry_id == entry.id, revision.action == "approved").order_by(revision.number.desc())
        .limit(1)) or 0
    return db.session.scalar(select(revision.id).where(
        revision.entry_id == entry.id, revision.number > published, revision.author_id == user.id,
        revision.action.in_(CONTENT_ACTIONS)).limit(1)) is not None


def check_verification(entry, verification: Verification) -> None:
    """Publishing and verifying need every criterion of the entry's kind, a named source and no future date."""
    if verification.criteria_met != len(kind_of(entry).criteria()):
        raise WorkflowRefused(_("An entry can only be published when it meets every inclusion criterion."))
    if not verification.sources.strip():
        raise WorkflowRefused(_("Name at least one source the information was verified from."))
    if verification.verified_on > date.today():
        raise WorkflowRefused(_("The verification date cannot be in the future."))


def _record_verification(entry, user: User, verification: Verification) -> None:
    entry.last_reviewed = verification.verified_on
    entry.verification_sources = verification.sources.strip()
    entry.verified_by = user


def _verification_kept(verification: Verification, note: str) -> dict[str, str]:
    return {_("Your sources"): verification.sources, **_note(note)}


def approve(entry, user: User, loaded_version: int | None, verification: Verification, note: str = "") -> None:
    """Publish an entry in review after checking it against its kind's criteria."""
    with _moving(entry, loaded_version, _verification_kept(verification, note), "in_review"):
        if reason := may_approve(entry, user):
            raise WorkflowRefused(reason)
        check_verification(entry, verification)
        _record_verification(entry, user, verification)
        entry.status = "published"
        entry.review_comments = ""
        self_approved = entry.submitted_by_id == user.id or _wrote(entry, user)
        audit.record(f"{kind_of(entry).name}.approve", target=target_of(entry), actor=user,
                     detail="self-approved (allowed by setting)" if self_approved else note)
        _finish(entry, user, "approved", "publish", note)


def verify(entry, user: User, loaded_version: int | None, verification: Verification, note: str = "") -> None:
    """Record a new verification of a published entry, which resets its staleness."""
    with _moving(entry, loaded_version, _verification_kept(verification, note), "published"):
        check_verification(entry, verification)
        _record_verification(entry, user, verification)
        _finish(entry, user, "verified", "verify", note, detail=verification.verified_on.isoformat())


def return_to_draft(entry, user: User, loaded_version: int | None, comments: str) -> None:
    with _moving(entry, loaded_version, {_("Your comments"): comments}, "in_review"):
        if not comments.strip():
            raise WorkflowRefused(_("Say what needs to change, so the author knows what to do."))
        entry.status = "draft"
        entry.review_comments = comments.strip()
        _finish(entry, user, "returned", "return", comments)


def unpublish(entry, user: User, loaded_version: int | None, reason: str) -> None:
    with _moving(entry, loaded_version, _reason(reason), "published"):
        _need_reason(reason)
        entry.status = "draft"
        _finish(entry, user, "unpublished", "unpublish", reason)


def archive(entry, user: User, loaded_version: int | None, reason: str) -> None:
    with _moving(entry, loaded_version, _reason(reason), "draft", "in_review", "published"):
        _need_reason(reason)
        entry.status = "archived"
        _finish(entry, user, "archived", "archive", reason)


def reopen(entry, user: User, loaded_version: int | None, note: str = "") -> None:
    with _moving(entry, loaded_version, _note(note), "archived"):
        entry.status = "draft"
        _finish(entry, user, "reopened", "reopen", note)


def _reason(reason: str) -> dict[str, str]:
    return {_("Your reason"): reason}


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise WorkflowRefused(_("Give a reason; it is kept in the entry's history."))


def status_label(status: str) -> str:
    return {"draft": _("a draft"), "in_review": _("in review"), "published": _("published"),
            "archived": _("archived")}.get(status, status)
