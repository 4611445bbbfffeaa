"""The member's home page: where to start each day. Their saved searches with what is new, their shortlists and the
ones shared with them, the tools they follow with what changed, contact requests waiting for their answer, and their
coming trainings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from catalogue.contact import inbox
from catalogue.extensions import db
from catalogue.models import Alert, ContactRequest, SavedSearch, Shortlist, User
from catalogue.shortlist import services as shortlists
from catalogue.trainings import services as trainings
from catalogue.workspace import follows

FOLLOWED_SHOWN = 8


@dataclass
class Dashboard:
    searches: list[tuple[SavedSearch, int]] = field(default_factory=list)  # (search, unread alerts)
    lists: list[Shortlist] = field(default_factory=list)
    shared: list[Shortlist] = field(default_factory=list)
    to_answer: int = 0  # contact requests received and not acknowledged yet
    coming: list = field(default_factory=list)  # (enrolment, waiting-list place or None), soonest first
    followed: list = field(default_factory=list)  # (follow, unread changes), those with changes first
    following: int = 0  # how many tools the member follows


def for_member(user: User) -> Dashboard:
    unread = dict(db.session.execute(
        select(Alert.saved_search_id, func.count(Alert.id)).where(Alert.user_id == user.id, Alert.read_at.is_(None))
        .group_by(Alert.saved_search_id)).all())
    searches = list(db.session.scalars(select(SavedSearch).where(SavedSearch.owner_id == user.id)
                                       .order_by(SavedSearch.id)))
    to_answer = db.session.scalar(select(func.count()).select_from(
        inbox.in_box(user, "received").where(ContactRequest.state == "submitted")
        .with_only_columns(ContactRequest.id).subquery())) or 0
    mine = trainings.my_trainings(user)
    coming = [(enrolment, None) for enrolment in mine.enrolled] + list(mine.waiting)
    coming.sort(key=lambda pair: pair[0].training.starts_at_utc)
    mine_followed = follows.follows_of(user)
    changes = follows.unread_counts(user)
    followed = sorted(((follow, changes.get(follow.id, 0)) for follow in mine_followed), key=lambda pair: -pair[1])
    return Dashboard(searches=[(saved, unread.get(saved.id, 0)) for saved in searches],
                     lists=shortlists.lists_of(user), shared=shortlists.shared_with(user), to_answer=to_answer,
                     coming=coming[:5], followed=followed[:FOLLOWED_SHOWN], following=len(mine_followed))
