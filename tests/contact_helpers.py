"""Agencies, people and requests for the contact tests, made through the same services the pages use."""

from __future__ import annotations

import re
from types import SimpleNamespace

from sqlalchemy import func, select

from catalogue.contact import lifecycle, sending
from catalogue.extensions import db
from catalogue.models import ContactRequest, Notification, User
from tests.factories import make_agency, make_user

SUBJECT = "Experience with the chat triage tool"
MESSAGE = "Our unit is evaluating the tool for referral triage. How did it perform on your caseload?"


def cast() -> SimpleNamespace:
    """Agency A sends to agency B; C stands apart. Ids only, so tests can use them across app contexts."""
    alpha = make_agency("alpha-police", ("alpha.example",), country="FR", name="Alpha Police")
    beta = make_agency("beta-police", ("beta.example",), country="DE", name="Beta Police")
    gamma = make_agency("gamma-police", ("gamma.example",), country="ES", name="Gamma Police")
    people = {
        "sender": make_user("member", "sam@alpha.example", agency=alpha, name="Sam Sender", languages=["fr", "en"]),
        "sender_colleague": make_user("member", "cole@alpha.example", agency=alpha, name="Cole Colleague"),
        "alpha_poc": make_user("member", "ada@alpha.example", agency=alpha, name="Ada Alpha", point_of_contact=True),
        "poc": make_user("member", "pat@beta.example", agency=beta, name="Pat Contact", point_of_contact=True),
        "poc2": make_user("member", "quinn@beta.example", agency=beta, name="Quinn Contact", point_of_contact=True),
        "beta_member": make_user("member", "olive@beta.example", agency=beta, name="Olive Officer"),
        "outsider": make_user("member", "gil@gamma.example", agency=gamma, name="Gil Gamma", point_of_contact=True),
        "admin": make_user("admin", "ada.admin@gamma.example", agency=gamma, name="Ada Admin"),
    }
    ids = {name: user.id for name, user in people.items()}
    return SimpleNamespace(alpha=alpha.id, beta=beta.id, gamma=gamma.id, **ids)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def draft(**fields) -> sending.Draft:
    values = {"agency": "beta-police", "kind": "tool-experience", "subject": SUBJECT, "message": MESSAGE,
              "urgency": "routine", "handling_code": "H0", "languages": ["fr", "en"]}
    values.update(fields)
    return sending.Draft(**values)


def send(sender_id: int, **fields) -> int:
    return sending.send_request(draft(**fields), user(sender_id)).id


def act(request_id: int, user_id: int, action: str, **given):
    seen = given.pop("seen", None) or db.session.get(ContactRequest, request_id).state
    return lifecycle.perform(request_id, user(user_id), action, lifecycle.Input(seen, **given))


CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def token(client, path: str = "/contact/") -> str:
    return CSRF.search(client.get(path).get_data(as_text=True)).group(1)


def form_data(**fields) -> dict:
    values = {"agency": "beta-police", "kind": "tool-experience", "subject": SUBJECT, "message": MESSAGE,
              "urgency": "routine", "handling_code": "H0", "languages": ["fr"], "tool": "", "confirm": "y"}
    values.update(fields)
    return values


def notifications_of(user_id: int, request_id: int | None = None) -> list[tuple[str, int]]:
    query = select(Notification.event, Notification.request_id).where(Notification.user_id == user_id)
    if request_id is not None:
        query = query.where(Notification.request_id == request_id)
    return [(event, number) for event, number in db.session.execute(query.order_by(Notification.id))]


def state_of(request_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ContactRequest, request_id).state


def count_requests() -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRequest))
