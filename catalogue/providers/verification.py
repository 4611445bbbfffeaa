"""Verification requests: a curator asks a tool's providers to confirm its facts. The providers are told by e-mail
and answer on their page; ``flask providers remind`` (from cron) reminds them of requests left unanswered for
``PROVIDER_REMINDER_DAYS``. An answer changes nothing by itself: a curator accepts it, which re-verifies the entry
(its "Last verified" becomes today, with the answer as the verification's source), or closes it without."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from catalogue import audit, mail
from catalogue.curation import workflow
from catalogue.curation.kinds import kind_of, target_of
from catalogue.extensions import db
from catalogue.models import Tool, User, VerificationRequest
from catalogue.models.base import utcnow
from catalogue.models.providers import ANSWER_MAX, QUESTION_MAX
from catalogue.providers.services import Refused, get_tool, names_organisation
from catalogue.rows import get_or_404


def providers_of(organisation: str) -> list[User]:
    """The active provider accounts of an organisation."""
    query = select(User).where(User.role == "provider", User.active.is_(True),
                               names_organisation(User.organisation, organisation))
    return list(db.session.scalars(query.order_by(User.name)))


def ask(tool: Tool, curator: User, question: str) -> VerificationRequest:
    """Ask the providers of a published tool's organisation to confirm its facts, and tell them by e-mail."""
    question = question.strip()
    if not question:
        raise Refused(_("Write what the provider should confirm."))
    if len(question) > QUESTION_MAX:
        raise Refused(_("Write at most %(max)s characters.", max=f"{QUESTION_MAX:,}"))
    if tool.status != "published":
        raise Refused(_("Only published entries can be verified."))
    if open_for(tool) is not None:
        raise Refused(_("A verification request for this entry is already waiting for an answer."))
    request = VerificationRequest(tool=tool, question=question, asked_by=curator, asked_at=utcnow(), status="open")
    db.session.add(request)
    audit.record("tool.verification_request", target=target_of(tool), actor=curator)
    db.session.commit()
    _tell_providers(request, _l("A curator asks you to confirm facts about %(name)s", name=tool.name), reminder=False)
    return request


def _tell_providers(request: VerificationRequest, subject, reminder: bool) -> int:
    sent = 0
    for provider in providers_of(request.tool.organisation):
        sent += bool(mail.send(provider.email, subject, "verification_request", locale=mail.language_of(provider),
                               user=provider, request=request, reminder=reminder,
                               url=mail.absolute_url("providers.tool", tool_id=request.tool_id)))
    return sent


def open_for(tool: Tool) -> VerificationRequest | None:
    return db.session.scalar(select(VerificationRequest).where(
        VerificationRequest.tool_id == tool.id, VerificationRequest.status.in_(("open", "answered"))))


def for_tool(tool: Tool) -> list[VerificationRequest]:
    return list(db.session.scalars(select(VerificationRequest).where(VerificationRequest.tool_id == tool.id)
                                   .order_by(VerificationRequest.asked_at.desc()).limit(20)))


def for_provider(user: User) -> list[VerificationRequest]:
    """The requests about the provider's organisation's entries that wait for an answer, oldest first."""
    query = (select(VerificationRequest).join(Tool).where(
        VerificationRequest.status == "open", names_organisation(Tool.organisation, user.organisation or ""))
        .order_by(VerificationRequest.asked_at))
    return list(db.session.scalars(query))


def get_for_provider(user: User, request_id: int) -> VerificationRequest:
    """A request about one of the provider's organisation's entries; 404 otherwise."""
    request = get_or_404(VerificationRequest, request_id)
    get_tool(user, request.tool_id)
    return request


def answer(user: User, request: VerificationRequest, confirmed: bool, text: str) -> None:
    """The provider's answer: the facts are right as published, or what is wrong (and, best, a proposed change)."""
    text = text.strip()
    if request.status != "open":
        raise Refused(_("This request was already answered."))
    if len(text) > ANSWER_MAX:
        raise Refused(_("Write at most %(max)s characters.", max=f"{ANSWER_MAX:,}"))
    if not confirmed and not text:
        raise Refused(_("Say what is not right, or propose a change to the entry."))
    request.status, request.confirmed, request.answer = "answered", confirmed, text
    request.answered_by, request.answered_at = user, utcnow()
    audit.record("tool.verification_answer", target=target_of(request.tool), actor=user,
                 detail="confirmed" if confirmed else "not confirmed")
    db.session.commit()


def answered() -> list[VerificationRequest]:
    """Answers waiting for a curator's decision, oldest first."""
    return list(db.session.scalars(select(VerificationRequest).where(VerificationRequest.status == "answered")
                                   .order_by(VerificationRequest.answered_at)))


def unanswered() -> list[VerificationRequest]:
    return list(db.session.scalars(select(VerificationRequest).where(VerificationRequest.status == "open")
                                   .order_by(VerificationRequest.asked_at)))


def get_request(request_id: int) -> VerificationRequest:
    return get_or_404(VerificationRequest, request_id)


def accept(request: VerificationRequest, curator: User) -> None:
    """Accept a provider's confirmation as a re-verification of the entry, today, with the answer as its source."""
    if request.status != "answered":
        raise Refused(_("Only an answered request can be accepted."))
    if not request.confirmed:
        raise Refused(_("The provider did not confirm the facts: close the request, and review their change if "
                        "they proposed one."))
    tool = request.tool
    if tool.status != "published":
        raise Refused(_("Only published entries can be verified."))
    who = request.answered_by.name if request.answered_by else _("the provider")
    sources = _("Confirmed by %(name)s (provider), %(date)s", name=who, date=request.answered_at.date().isoformat())
    if request.answer:
        sources = f"{sources}: {request.answer}"
    request.status, request.decided_by, request.decided_at = "accepted", curator, utcnow()
    try:
        workflow.verify(tool, curator, tool.version, workflow.Verification(
            criteria_met=len(kind_of(tool).criteria()), sources=sources, verified_on=date.today()),
            note=_("Re-verified from the provider's answer"))
    except workflow.WorkflowRefused as refused:
        raise Refused(refused.message) from None
    except Exception:
        db.session.rollback()
        raise


def close(request: VerificationRequest, curator: User) -> None:
    """Close a request without re-verifying the entry (unanswered, or an answer that does not confirm)."""
    if request.status not in ("open", "answered"):
        raise Refused(_("This request is already closed."))
    request.status, request.decided_by, request.decided_at = "closed", curator, utcnow()
    audit.record("tool.verification_close", target=target_of(request.tool), actor=curator)
    db.session.commit()


def remind(now=None) -> int:
    """E-mail the providers of every request left unanswered for ``PROVIDER_REMINDER_DAYS`` since it was asked or
    last reminded; returns how many requests were reminded. Running it twice in a row reminds nobody twice."""
    now = now or utcnow()
    before = now - timedelta(days=current_app.config["PROVIDER_REMINDER_DAYS"])
    query = select(VerificationRequest).where(
        VerificationRequest.status == "open", VerificationRequest.asked_at <= before,
        (VerificationRequest.reminded_at.is_(None)) | (VerificationRequest.reminded_at <= before))
    reminded = 0
    for request in list(db.session.scalars(query.order_by(VerificationRequest.asked_at))):
        request.reminded_at, request.reminders = now, request.reminders + 1
        db.session.commit()
        _tell_providers(request, _l("Reminder: please confirm facts about %(name)s", name=request.tool.name),
                        reminder=True)
        reminded += 1
    return reminded
