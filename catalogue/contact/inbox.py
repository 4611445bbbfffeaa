"""My requests: received, sent (and, for administrators, all), filtered by state, overdue and words.

Every list and count here starts from ``visible_requests``; the boxes only narrow it down.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from catalogue import audit, clock
from catalogue.contact.visibility import oversees, recipient_side, sender_side, visible_requests
from catalogue.extensions import db
from catalogue.models import REQUEST_STATES, ContactMessage, ContactRequest, User
from catalogue.rows import contains

BOXES = ("received", "sent", "all")
MAX_QUERY = 200
#: The inbox's orders (``?sort=``): the nearest deadline first (the default), or by the date sent either way.
SORTS = ("deadline", "newest", "oldest")


@dataclass
class Filters:
    box: str = "received"
    state: str = ""
    overdue: bool = False
    q: str = ""
    sort: str = "deadline"

    @classmethod
    def from_args(cls, args, user: User) -> Filters:
        """Read the query string; unknown values mean "no filter" rather than an error."""
        box = args.get("box", "")
        if box not in boxes_for(user):
            box = default_box(user)
        state, sort = args.get("state", ""), args.get("sort", "")
        return cls(box=box, state=state if state in REQUEST_STATES else "", overdue=args.get("overdue") == "1",
                   q=args.get("q", "").strip()[:MAX_QUERY], sort=sort if sort in SORTS else "deadline")

    @property
    def narrowed(self) -> bool:
        return bool(self.state or self.overdue or self.q)


def boxes_for(user: User) -> tuple[str, ...]:
    return BOXES if oversees(user) else BOXES[:2]


def default_box(user: User) -> str:
    """Points of contact and assignees start with what they have to answer; everyone else with what they sent."""
    received = db.session.scalar(select(exists(in_box(user, "received").with_only_columns(ContactRequest.id))))
    return "received" if received or user.point_of_contact else "sent"


def in_box(user: User, box: str) -> Select:
    query = visible_requests(user)
    if box == "received":
        return query.where(recipient_side(user))
    if box == "sent":
        return query.where(sender_side(user))
    return query


def overdue_condition():
    return (ContactRequest.state == "submitted") & (ContactRequest.due_at < clock.now())


def matching(query: Select, filters: Filters) -> Select:
    if filters.state:
        query = query.where(ContactRequest.state == filters.state)
    if filters.overdue:
        query = query.where(overdue_condition())
    if filters.q:
        in_thread = exists().where(ContactMessage.request_id == ContactRequest.id, contains(ContactMessage.body,
                                                                                            filters.q))
        query = query.where(or_(contains(ContactRequest.subject, filters.q),
                                contains(ContactRequest.message, filters.q), in_thread))
    return query


def counts(user: User) -> dict[str, int]:
    """How many requests each box holds, before filters, for the tabs."""
    return {box: db.session.scalar(select(func.count()).select_from(
        in_box(user, box).with_only_columns(ContactRequest.id).subquery())) or 0 for box in boxes_for(user)}


def listing(user: User, filters: Filters, page: int, per_page: int):
    """By deadline: requests still open first, the nearest deadline first; then finished ones, the latest change
    first. By date: the newest (or oldest) request sent first, whatever its state.

    An administrator looking through every request (the "all" box) is audited like one opening a request: the list
    shows subjects, and its search matches words inside messages.
    """
    if filters.box == "all":
        audit.record_now("contact.list", target="contact-requests", actor=user,
                         detail=f"state={filters.state or 'any'} overdue={'yes' if filters.overdue else 'no'} "
                                f"page={page} q={filters.q}")
    done = ContactRequest.state.in_(("declined", "closed"))
    order = {
        "newest": (ContactRequest.created_at.desc(), ContactRequest.id.desc()),
        "oldest": (ContactRequest.created_at.asc(), ContactRequest.id.asc()),
    }.get(filters.sort, (case((done, 1), else_=0), case((done, None), else_=ContactRequest.due_at),
                         ContactRequest.updated_at.desc(), ContactRequest.id.desc()))
    query = matching(in_box(user, filters.box), filters).options(
        selectinload(ContactRequest.sender), selectinload(ContactRequest.sender_agency),
        selectinload(ContactRequest.recipient_agency)).order_by(*order)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=per_page)
