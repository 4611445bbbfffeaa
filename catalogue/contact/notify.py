"""In-app notifications and e-mails about requests.

``announce`` adds the notifications to the caller's transaction and returns the e-mails to send; the caller sends
them with ``deliver`` only after its commit, so a rolled-back change (a lost race) never announces anything.
E-mails carry the event, the request number and a link, nothing from the request itself: no subject, message,
reason or agency name ever leaves the site by e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload

from catalogue import clock, mail
from catalogue.contact.visibility import visible_condition
from catalogue.extensions import db
from catalogue.mail import absolute_url
from catalogue.models import ContactRequest, Notification, User


@dataclass(frozen=True)
class Mail:
    email: str
    name: str
    event: str
    request_id: int
    to_assignee: bool = False
    locale: str | None = None
    introduction: bool = False


def announce(request: ContactRequest, event: str, actor: User | None, recipients: list[User]) -> list[Mail]:
    """One notification per recipient (never the actor, never twice); returns the e-mails to send after commit."""
    now, seen, mails = clock.now(), set(), []
    for person in recipients:
        if person.id in seen or (actor is not None and person.id == actor.id):
            continue
        seen.add(person.id)
        db.session.add(Notification(user_id=person.id, request_id=request.id, event=event,
                                    actor_id=actor.id if actor else None, created_at=now))
        mails.append(Mail(person.email, person.name, event, request.id, person.id == request.assignee_id,
                          mail.language_of(person), request.is_introduction))
    return mails


def subject_of(event: str, request_id: int, introduction: bool = False):
    if introduction and event == "submitted":
        return _l("Request #%(number)s: an introduction request for you", number=request_id)
    subjects = {
        "submitted": _l("Request #%(number)s: a new request for your agency", number=request_id),
        "acknowledged": _l("Request #%(number)s was acknowledged", number=request_id),
        "accepted": _l("Request #%(number)s was accepted", number=request_id),
        "declined": _l("Request #%(number)s was declined", number=request_id),
        "closed": _l("Request #%(number)s was closed", number=request_id),
        "assigned": _l("Request #%(number)s was assigned", number=request_id),
        "message": _l("Request #%(number)s: a new message", number=request_id),
        "overdue": _l("Request #%(number)s is overdue", number=request_id),
    }
    return subjects[event]


def deliver(mails: list[Mail]) -> None:
    for item in mails:
        mail.send(item.email, subject_of(item.event, item.request_id, item.introduction), "contact_event",
                  locale=item.locale, name=item.name, event=item.event, number=item.request_id,
                  to_assignee=item.to_assignee, introduction=item.introduction,
                  link=absolute_url("contact.request", request_id=item.request_id))


def _mine(user: User, *columns):
    """My notifications about requests I may still see (a point of contact who stepped down sees none of theirs)."""
    query = select(*columns).select_from(Notification).join(
        ContactRequest, ContactRequest.id == Notification.request_id).where(Notification.user_id == user.id)
    condition = visible_condition(user)
    return query if condition is None else query.where(condition)


#: Whether someone has any unread notification: built once (a statement is costlier to build than to run).
_ANY_UNREAD = (select(Notification.id).where(Notification.user_id == bindparam("user_id"),
                                             Notification.read_at.is_(None)).limit(1))


def unread_count(user: User) -> int:
    """The header's badge on every page: most often nothing is unread, which the (user_id, read_at) index answers
    alone; else one COUNT joined to the visibility rule."""
    if db.session.scalar(_ANY_UNREAD, {"user_id": user.id}) is None:
        return 0
    return db.session.scalar(_mine(user, func.count(Notification.id)).where(Notification.read_at.is_(None))) or 0


def my_notifications(user: User, page: int, per_page: int):
    query = _mine(user, Notification).options(selectinload(Notification.request), selectinload(Notification.actor))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)


def unread_request_ids(user: User) -> set[int]:
    return set(db.session.scalars(_mine(user, Notification.request_id).where(Notification.read_at.is_(None))))


def mark_read(user: User, request_id: int | None = None) -> int:
    """Mark my unread notifications read (about one request, or all); the caller commits."""
    query = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if request_id is not None:
        query = query.where(Notification.request_id == request_id)
    return db.session.execute(query.values(read_at=clock.now())).rowcount


def mark_all_read(user: User) -> int:
    changed = mark_read(user)
    db.session.commit()
    return changed
