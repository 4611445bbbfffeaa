"""Overdue requests: past their answer time without an acknowledgement. Both sides are told once.

``flask contact overdue`` runs ``notify_overdue`` from cron (see ``docs/contact.md``). Each request is claimed with a
conditional UPDATE of ``overdue_notified_at`` before anyone is notified, so two runs at once, or a run repeated, never
send the notice twice.
"""

from __future__ import annotations

from sqlalchemy import select, update

from catalogue import clock
from catalogue.contact import history, notify
from catalogue.contact.visibility import recipient_side_users, sender_side_users
from catalogue.extensions import db
from catalogue.models import ContactRequest


def due_for_notice() -> list[int]:
    return list(db.session.scalars(select(ContactRequest.id).where(
        ContactRequest.state == "submitted", ContactRequest.due_at < clock.now(),
        ContactRequest.overdue_notified_at.is_(None)).order_by(ContactRequest.id)))


def notify_overdue() -> list[int]:
    """Notify both sides of every overdue request not yet notified; returns the numbers of the requests."""
    notified = []
    for request_id in due_for_notice():
        now = clock.now()
        claimed = db.session.execute(
            update(ContactRequest).where(ContactRequest.id == request_id, ContactRequest.state == "submitted",
                                         ContactRequest.due_at < now, ContactRequest.overdue_notified_at.is_(None))
            .values(overdue_notified_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:  # acknowledged or notified by another run in the meantime
            db.session.rollback()
            continue
        request = db.session.get(ContactRequest, request_id)
        db.session.refresh(request)
        history.record("contact.overdue", request, None, detail=f"due {request.due_at:%Y-%m-%d %H:%M} UTC")
        mails = notify.announce(request, "overdue", None, sender_side_users(request) + recipient_side_users(request))
        db.session.commit()
        notify.deliver(mails)
        notified.append(request_id)
    return notified
