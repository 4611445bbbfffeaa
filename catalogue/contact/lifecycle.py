"""What the parties do with a request once it is sent: acknowledge, accept, decline, close, assign, write.

The transitions are data (``TRANSITIONS``): the states an action starts from, the state it leads to and who may take
it. Each action is ONE conditional UPDATE of the request's row. A state change updates only ``WHERE state =`` the state
the actor saw on the page, so when two people act at once the database lets exactly one of them win; the other is
told who was first (``Stale``, answered with 409) and nothing of theirs is written or announced. Messages and
assignments leave the state alone, so they only require that the request is still in a state that allows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, select, update
from werkzeug.exceptions import Forbidden

from catalogue import clock, policy
from catalogue.contact import history, notify
from catalogue.contact.labels import STATE_LABELS
from catalogue.contact.visibility import Viewing, acting, may_use, recipient_side_users, sender_side_users
from catalogue.extensions import db
from catalogue.models import REQUEST_STATES, ContactMessage, ContactRequest, User
from catalogue.models.contact import MESSAGE_MAX, OPEN_STATES, REASON_MAX
from catalogue.rows import get_row
from catalogue.templating import nice_datetime

RECIPIENT_SIDE, EITHER_SIDE, POINTS_OF_CONTACT = "recipient", "either", "points_of_contact"
NOT_CLOSED = tuple(state for state in REQUEST_STATES if state != "closed")
ANSWERABLE = ("submitted", "acknowledged")


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str | None  # None: the state stays as it is
    who: str
    event: str  # the notification


TRANSITIONS: dict[str, Transition] = {
    "acknowledge": Transition(("submitted",), "acknowledged", RECIPIENT_SIDE, "acknowledged"),
    "accept": Transition(ANSWERABLE, "accepted", RECIPIENT_SIDE, "accepted"),
    "decline": Transition(ANSWERABLE, "declined", RECIPIENT_SIDE, "declined"),
    "close": Transition(NOT_CLOSED, "closed", EITHER_SIDE, "closed"),
    "assign": Transition(OPEN_STATES, None, POINTS_OF_CONTACT, "assigned"),
    "message": Transition(NOT_CLOSED, None, EITHER_SIDE, "message"),
}


class Refused(Exception):
    """Nothing was changed. ``status`` is 400 for input to correct (``field`` names it) and 409 when the request is
    no longer in the state the actor saw."""

    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class Stale(Refused):
    status = 409


@dataclass
class Input:
    """What the action's form carries: the state shown on the page, and the action's own field if it has one."""

    seen_state: str
    reason: str = ""
    body: str = ""
    assignee_id: int | None = None


@dataclass
class Outcome:
    request: ContactRequest
    action: str
    mails: list = field(default_factory=list)


def is_point_of_contact(request: ContactRequest, user: User) -> bool:
    """Whether ``user`` answers for the receiving agency; an introduction has no points of contact, only its person
    (so nobody assigns it to someone else)."""
    return bool(not request.is_introduction and user.point_of_contact
                and user.agency_id == request.recipient_agency_id and may_use(user))


def may_take(action: str, seen: Viewing, user: User) -> bool:
    """Whether this party may ever take the action (in some state)."""
    who = TRANSITIONS[action].who
    if who == POINTS_OF_CONTACT:
        return seen.as_recipient and is_point_of_contact(seen.request, user)
    if who == RECIPIENT_SIDE:
        return seen.as_recipient
    return seen.is_party


def allowed_actions(seen: Viewing, user: User) -> list[str]:
    """The actions to offer on the page: the viewer's own, possible in the request's current state."""
    return [action for action, transition in TRANSITIONS.items()
            if seen.request.state in transition.sources and may_take(action, seen, user)]


def assignable_people(request: ContactRequest) -> list[User]:
    """Active members of the receiving agency, who may be given the request to handle."""
    return list(db.session.scalars(select(User).where(
        User.agency_id == request.recipient_agency_id, User.active.is_(True),
        User.role.in_(sorted(policy.PERMISSIONS["contact.use"]))).order_by(User.name)))


def _check_input(action: str, request: ContactRequest, given: Input) -> User | None:
    if given.seen_state not in REQUEST_STATES:
        raise Refused(_("The form did not say which state the request was in. Reload the page and try again."))
    if action == "decline":
        if not given.reason.strip():
            raise Refused(_("Say why you decline the request: the sender sees your reason."), "reason")
        if len(given.reason) > REASON_MAX:
            raise Refused(_("Give the reason in at most %(max)s characters.", max=REASON_MAX), "reason")
    if action == "message":
        if not given.body.strip():
            raise Refused(_("Write your message before sending it."), "body")
        if len(given.body) > MESSAGE_MAX:
            raise Refused(_("A message can have at most %(max)s characters.", max=MESSAGE_MAX), "body")
    if action == "assign":
        assignee = get_row(User, given.assignee_id) if given.assignee_id else None
        if assignee is None or assignee not in assignable_people(request):
            raise Refused(_("Choose a colleague of the receiving agency from the list."), "assignee")
        if assignee.id == request.assignee_id:
            raise Refused(_("The request is already assigned to %(name)s.", name=assignee.name), "assignee")
        return assignee
    return None


def _check_message_rate(user: User) -> None:
    """Every message notifies and e-mails the other side, so one person cannot flood it: at most
    ``CONTACT_MESSAGES_PER_HOUR`` messages per author over the last hour, counted in the database."""
    limit = int(current_app.config["CONTACT_MESSAGES_PER_HOUR"])
    written = db.session.scalar(select(func.count()).select_from(ContactMessage).where(
        ContactMessage.author_id == user.id, ContactMessage.created_at > clock.now() - timedelta(hours=1)))
    if written >= limit:
        raise Refused(ngettext("You have written %(num)s message in the last hour, the most allowed. Your message "
                               "is kept below; send it a little later.",
                               "You have written %(num)s messages in the last hour, the most allowed. Your message "
                               "is kept below; send it a little later.", limit), "body")


def stale_message(request: ContactRequest) -> str:
    """What happened instead, for the person who acted on a page that was out of date."""
    change = history.last_change(request)
    if change is None:
        return _("This request changed while you were looking at it: it is now %(state)s. Nothing was changed; "
                 "the page below shows it as it is now.", state=STATE_LABELS[request.state].lower())
    who = change.actor_label
    if change.actor is not None and change.actor.agency is not None:
        who = f"{change.actor.name} ({change.actor.agency.name})"
    messages = {
        "acknowledged": _("This request was acknowledged by %(who)s at %(when)s while you were looking at it.",
                          who=who, when=_when(change.at)),
        "accepted": _("This request was accepted by %(who)s at %(when)s while you were looking at it.",
                      who=who, when=_when(change.at)),
        "declined": _("This request was declined by %(who)s at %(when)s while you were looking at it.",
                      who=who, when=_when(change.at)),
        "closed": _("This request was closed by %(who)s at %(when)s while you were looking at it.",
                    who=who, when=_when(change.at)),
    }
    return messages[request.state] + " " + _("Nothing was changed; the page below shows it as it is now.")


def _when(moment: datetime) -> str:
    return nice_datetime(moment)  # in the reader's zone, named


def _values(action: str, request: ContactRequest, given: Input, user: User, assignee: User | None,
            now: datetime) -> dict:
    values: dict = {"updated_at": now}
    target = TRANSITIONS[action].target
    if target is not None:
        values["state"] = target
    if action == "acknowledge" or (action in ("accept", "decline") and given.seen_state == "submitted"):
        values["acknowledged_at"] = now
    if action in ("accept", "decline"):
        values["responded_at"] = now
    if action == "decline":
        values["decline_reason"] = given.reason.strip()
    if action == "close":
        values.update(closed_at=now, closed_by_id=user.id)
    if action == "assign":
        values["assignee_id"] = assignee.id
    return values


def _recipients(action: str, seen: Viewing, assignee: User | None) -> list[User]:
    request = seen.request
    if action == "message":
        return sender_side_users(request) + recipient_side_users(request)
    if action == "assign":
        return [assignee, *sender_side_users(request)]
    return sender_side_users(request) if seen.as_recipient else recipient_side_users(request)


def _audit_detail(action: str, given: Input, assignee: User | None) -> str:
    if action == "assign":
        return f"assigned to {assignee.email}"
    if action in ("accept", "decline") and given.seen_state == "submitted":
        return "acknowledged at the same time"
    return ""


def perform(request_id: int, user: User, action: str, given: Input) -> Outcome:
    """Take ``action`` on the request as ``user``. Non-parties get 404 (administrators too: they only read),
    parties on the wrong side 403; ``Refused`` and ``Stale`` say why nothing changed."""
    transition = TRANSITIONS[action]
    seen = acting(request_id, user)
    if not may_take(action, seen, user):
        raise Forbidden(_("This action belongs to the other side of the request."))
    request = seen.request
    assignee = _check_input(action, request, given)
    if action == "message":
        _check_message_rate(user)
    changes_state = transition.target is not None
    if request.state != given.seen_state and (changes_state or request.state not in transition.sources):
        raise Stale(stale_message(request))
    if request.state not in transition.sources:
        raise Stale(_("This cannot be done while the request is %(state)s. Nothing was changed.",
                      state=STATE_LABELS[request.state].lower()))
    now = clock.now()
    condition = (ContactRequest.state == given.seen_state if changes_state
                 else ContactRequest.state.in_(transition.sources))
    if action == "assign":  # two points of contact assigning at once: the second is told, not silently overruled
        condition = and_(condition, ContactRequest.assignee_id.is_(None) if request.assignee_id is None
                         else ContactRequest.assignee_id == request.assignee_id)
    changed = db.session.execute(
        update(ContactRequest).where(ContactRequest.id == request.id, condition)
        .values(**_values(action, request, given, user, assignee, now))
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        db.session.rollback()
        db.session.refresh(request)
        raise Stale(stale_message(request))
    db.session.refresh(request)
    if action == "message":
        db.session.add(ContactMessage(request_id=request.id, author_id=user.id, body=given.body.strip(),
                                      created_at=now))
    history.record(f"contact.{action}", request, user, detail=_audit_detail(action, given, assignee))
    mails = notify.announce(request, transition.event, user, _recipients(action, seen, assignee))
    db.session.commit()
    notify.deliver(mails)
    return Outcome(request, action, mails)
