"""Who may see a request, and on which side of it they stand.

The issue's core rule: a request exists only for its sender, for the receiving agency's active points of contact and
for its assignee (and for administrators, whose reading is audited). ``visible_requests`` is the one place that turns
this rule into a query; every list, count, search, notification and the request page itself start from it, so a
request never leaks through one path that another path hides.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from werkzeug.exceptions import NotFound

from catalogue import policy
from catalogue.agencies.services import points_of_contact_query
from catalogue.extensions import db
from catalogue.models import ContactRequest, User
from catalogue.rows import MAX_ID

SENDER, RECIPIENT = "sender", "recipient"


def oversees(user: User) -> bool:
    """Administrators may read every request (their reading is audited) but act only where they are a party."""
    return user.active and user.role in policy.PERMISSIONS["contact.oversee"]


def may_use(user: User) -> bool:
    return user.active and user.role in policy.PERMISSIONS["contact.use"]


def sender_side(user: User) -> ColumnElement[bool]:
    """The sender alone, not the sender's colleagues, and only while still in the agency the request came from: a
    request belongs to the agencies, so someone who moves on leaves it behind."""
    return and_(ContactRequest.sender_id == user.id, ContactRequest.sender_agency_id == user.agency_id)


def recipient_side(user: User) -> ColumnElement[bool]:
    """The receiving agency's active points of contact, and the colleague a request was assigned to while that
    colleague is still in the receiving agency. An introduction request (``recipient_id`` set) is for its person
    alone, while they are still in the agency it was sent to: the agency's points of contact never see it."""
    in_agency = ContactRequest.recipient_agency_id == user.agency_id
    to_me = and_(ContactRequest.recipient_id == user.id, in_agency)
    to_agency = ContactRequest.recipient_id.is_(None)
    assigned = and_(to_agency, ContactRequest.assignee_id == user.id, in_agency)
    if user.point_of_contact and user.agency_id is not None and may_use(user):
        return or_(to_me, assigned, and_(to_agency, in_agency))
    return or_(to_me, assigned)


def party(user: User) -> ColumnElement[bool]:
    if not may_use(user):
        return false()
    return or_(sender_side(user), recipient_side(user))


def visible_condition(user: User) -> ColumnElement[bool] | None:
    """The WHERE clause of ``visible_requests``, for queries that start from another table (notifications)."""
    return None if oversees(user) else party(user)


def visible_requests(user: User) -> Select:
    """Every request ``user`` may see: all of them for administrators, else those the user is a party to."""
    condition = visible_condition(user)
    query = select(ContactRequest)
    return query if condition is None else query.where(condition)


@dataclass(frozen=True)
class Viewing:
    """A request as one user sees it: on which sides they stand (none for an administrator reading it)."""

    request: ContactRequest
    sides: frozenset[str]

    @property
    def is_party(self) -> bool:
        return bool(self.sides)

    @property
    def as_sender(self) -> bool:
        return SENDER in self.sides

    @property
    def as_recipient(self) -> bool:
        return RECIPIENT in self.sides


def viewing(request_id: int, user: User) -> Viewing:
    """The request if ``user`` may see it, with the user's sides; 404 for everyone else and for ids that cannot
    exist. The sides come from the same SQL conditions as the visibility, so the two can never disagree."""
    if not isinstance(request_id, int) or not 0 < request_id <= MAX_ID:
        raise NotFound()
    query = visible_requests(user).add_columns(
        and_(sender_side(user), party(user)).label("as_sender"),
        and_(recipient_side(user), party(user)).label("as_recipient"),
    ).where(ContactRequest.id == request_id)
    row = db.session.execute(query).first()
    if row is None:
        raise NotFound()
    found, as_sender, as_recipient = row
    sides = frozenset(side for side, held in ((SENDER, as_sender), (RECIPIENT, as_recipient)) if held)
    return Viewing(found, sides)


def acting(request_id: int, user: User) -> Viewing:
    """For every POST on a request: only parties act. Anyone else, administrators included, gets 404."""
    seen = viewing(request_id, user)
    if not seen.is_party:
        raise NotFound()
    return seen


def points_of_contact(agency_id: int) -> Select:
    """The agency's members who receive its requests: the same people the directory lists as its points of
    contact."""
    return points_of_contact_query().where(User.agency_id == agency_id).order_by(User.name)


def recipient_side_users(request: ContactRequest) -> list[User]:
    if request.is_introduction:
        person = request.recipient
        return [person] if person is not None and may_use(person) and \
            person.agency_id == request.recipient_agency_id else []
    people = list(db.session.scalars(points_of_contact(request.recipient_agency_id)))
    assignee = request.assignee
    if (assignee is not None and may_use(assignee) and assignee.agency_id == request.recipient_agency_id
            and assignee not in people):
        people.append(assignee)
    return people


def sender_side_users(request: ContactRequest) -> list[User]:
    sender = request.sender
    if sender is None or not may_use(sender) or sender.agency_id != request.sender_agency_id:
        return []
    return [sender]
