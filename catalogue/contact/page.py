"""What the request page shows to one viewer: the request, its thread, its history and the viewer's own actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from catalogue import clock
from catalogue.contact import history, lifecycle, notify
from catalogue.contact.visibility import Viewing, viewing
from catalogue.extensions import db
from catalogue.models import User


@dataclass
class RequestPage:
    seen: Viewing
    actions: list[str]
    history: list[history.Entry]
    assignable: list[User]
    now: datetime

    @property
    def request(self):
        return self.seen.request

    @property
    def overdue(self) -> bool:
        return self.request.overdue(self.now)


def request_page(request_id: int, user: User) -> RequestPage:
    """The page as ``user`` may see it; 404 for anyone who may not."""
    return _page(viewing(request_id, user), user)


def _page(seen: Viewing, user: User) -> RequestPage:
    actions = lifecycle.allowed_actions(seen, user)
    assignable = lifecycle.assignable_people(seen.request) if "assign" in actions else []
    return RequestPage(seen, actions, history.history(seen.request), assignable, clock.now())


def open_request(request_id: int, user: User) -> RequestPage:
    """Someone opens the page: their notifications about it are read, and an administrator's reading of a request
    they are no party to is audited (``contact.view``) before they see anything."""
    seen = viewing(request_id, user)
    notify.mark_read(user, seen.request.id)
    if not seen.is_party:
        history.record("contact.view", seen.request, user)
    db.session.commit()
    return _page(seen, user)
