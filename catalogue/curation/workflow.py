"""The publishing workflow: draft → in review → published → archived, with a second pair of eyes before publishing.

Every transition checks the version the curator was looking at, so nobody approves or archives text they have not
seen; each writes a revision and an audit event, and search follows through the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from catalogue import audit
from catalogue.curation import revisions, settings
from catalogue.curation.editing import conflict, target_of
from catalogue.extensions import db
from catalogue.models import Tool, ToolRevision, User
from catalogue.models.base import utcnow

CONTENT_ACTIONS = ("created", "edited", "restored", "imported")


class WorkflowRefused(Exception):
    """The transition is not possible now; ``message`` says why in words for the curator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Verification:
    criteria_met: int  # how many of the inclusion criteria the reviewer ticked
    sources: str
    verified_on: date


def _expect(tool: Tool, loaded_version: int | None, *statuses: str) -> None:
    if loaded_version != tool.version:
        raise conflict(tool, loaded_version)
    if tool.status not in statuses:
        raise WorkflowRefused(_("This entry is now %(status)s, so this action is no longer possible.",
                                status=status_label(tool.status)))


def _finish(tool: Tool, user: User, action: str, event: str, note: str, detail: str = "") -> None:
    tool.updated_by = user
    tool.updated_at = utcnow()
    revisions.record_revision(tool, action, user, note)
    audit.record(event, target=target_of(tool), actor=user, detail=detail or note)
    db.session.commit()


def submit(tool: Tool, user: User, loaded_version: int | None, note: str = "") -> None:
    _expect(tool, loaded_version, "draft")
    if not tool.terms_in("purposes"):
        raise WorkflowRefused(_("Choose at least one purpose before submitting the entry for review."))
    tool.status = "in_review"
    tool.submitted_by = user
    tool.submitted_at = utcnow()
    _finish(tool, user, "submitted", "tool.submit", note)


def may_approve(tool: Tool, user: User) -> str | None:
    """Why ``user`` may not approve ``tool`` (four eyes), or None when they may."""
    if settings.self_approval_allowed():
        return None
    if tool.submitted_by_id == user.id:
        return _("You submitted this entry, so another curator must review it.")
    submission = db.session.scalar(select(ToolRevision.number).where(
        ToolRevision.tool_id == tool.id, ToolRevision.action == "submitted").order_by(ToolRevision.number.desc())
        .limit(1)) or 0
    edited = db.session.scalar(select(ToolRevision.id).where(
        ToolRevision.tool_id == tool.id, ToolRevision.number > submission, ToolRevision.author_id == user.id,
        ToolRevision.action.in_(CONTENT_ACTIONS)).limit(1))
    if edited:
        return _("You changed this entry after it was submitted, so another curator must review it.")
    return None


def check_verification(verification: Verification, criteria_count: int) -> None:
    if verification.criteria_met != criteria_count:
        raise WorkflowRefused(_("An entry can only be published when it meets every inclusion criterion."))
    if not verification.sources.strip():
        raise WorkflowRefused(_("Name at least one source the information was verified from."))
    if verification.verified_on > date.today():
        raise WorkflowRefused(_("The verification date cannot be in the future."))


def _record_verification(tool: Tool, user: User, verification: Verification) -> None:
    tool.last_reviewed = verification.verified_on
    tool.verification_sources = verification.sources.strip()
    tool.verified_by = user


def approve(tool: Tool, user: User, loaded_version: int | None, verification: Verification,
            criteria_count: int, note: str = "") -> None:
    """Publish an entry in review after checking it against the inclusion criteria."""
    _expect(tool, loaded_version, "in_review")
    if reason := may_approve(tool, user):
        raise WorkflowRefused(reason)
    check_verification(verification, criteria_count)
    _record_verification(tool, user, verification)
    tool.status = "published"
    tool.review_comments = ""
    self_approved = tool.submitted_by_id == user.id
    audit.record("tool.approve", target=target_of(tool), actor=user,
                 detail="self-approved (allowed by setting)" if self_approved else note)
    _finish(tool, user, "approved", "tool.publish", note)


def verify(tool: Tool, user: User, loaded_version: int | None, verification: Verification,
           criteria_count: int, note: str = "") -> None:
    """Record a new verification of a published entry, which resets its staleness."""
    _expect(tool, loaded_version, "published")
    check_verification(verification, criteria_count)
    _record_verification(tool, user, verification)
    _finish(tool, user, "verified", "tool.verify", note, detail=verification.verified_on.isoformat())


def return_to_draft(tool: Tool, user: User, loaded_version: int | None, comments: str) -> None:
    _expect(tool, loaded_version, "in_review")
    if not comments.strip():
        raise WorkflowRefused(_("Say what needs to change, so the author knows what to do."))
    tool.status = "draft"
    tool.review_comments = comments.strip()
    _finish(tool, user, "returned", "tool.return", comments)


def unpublish(tool: Tool, user: User, loaded_version: int | None, reason: str) -> None:
    _expect(tool, loaded_version, "published")
    _need_reason(reason)
    tool.status = "draft"
    _finish(tool, user, "unpublished", "tool.unpublish", reason)


def archive(tool: Tool, user: User, loaded_version: int | None, reason: str) -> None:
    _expect(tool, loaded_version, "draft", "in_review", "published")
    _need_reason(reason)
    tool.status = "archived"
    _finish(tool, user, "archived", "tool.archive", reason)


def reopen(tool: Tool, user: User, loaded_version: int | None, note: str = "") -> None:
    _expect(tool, loaded_version, "archived")
    tool.status = "draft"
    _finish(tool, user, "reopened", "tool.reopen", note)


def _need_reason(reason: str) -> None:
    if not reason.strip():
        raise WorkflowRefused(_("Give a reason; it is kept in the entry's history."))


def status_label(status: str) -> str:
    return {"draft": _("a draft"), "in_review": _("in review"), "published": _("published"),
            "archived": _("archived")}.get(status, status)
