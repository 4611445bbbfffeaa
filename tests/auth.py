"""Signing test clients in, reading CSRF tokens and the e-mails the app wrote."""

from __future__ import annotations

import contextlib
import email
import re
import time
from email.message import Message
from pathlib import Path

import pyotp
from flask import current_app, has_app_context

from catalogue.accounts.sessions import LAST_SEEN, SIGNED_IN_AT
from catalogue.extensions import db
from catalogue.models import User
from catalogue.policy import SIGNED_IN
from tests.factories import PASSWORD, make_user

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/account/sign-in") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_in(app, who: str | int | User = "member", *, client=None, through_form: bool = False,
              password: str = PASSWORD, **fields):
    """A test client signed in as ``who``; the one way tests sign in.

    ``who`` is a role (a new account of that role is made by ``make_user``, which passes ``fields`` on and gives
    curators and admins a second factor), an e-mail address, a user id or a ``User``. By default the client gets
    the session a completed sign-in leaves, second factor included (quick, for what happens after signing in);
    ``through_form=True`` posts the sign-in form with ``password`` and then, for an account with a second factor,
    the current TOTP code. Pass ``client`` to sign in a client the test already has. The client comes back with the
    account's id in ``client.user_id``; works inside or outside an application context.
    """
    client = client or app.test_client()
    with app_context(app):
        user = account(who, **fields)
        client.user_id, email_address, secret = user.id, user.email, user.mfa_secret
        if not through_form:
            now = int(time.time())
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
                session["_fresh"] = True
                session[SIGNED_IN_AT] = now
                session[LAST_SEEN] = now
    if through_form:
        response = sign_in(client, email_address, password)
        assert response.status_code == 303, f"signing in as {email_address} failed"
        if secret:
            assert response.headers["Location"].startswith("/account/sign-in/code"), response.headers["Location"]
            assert enter_code(client, current_code(secret)).status_code == 303, f"{email_address}'s code was refused"
    return client


def account(who: str | int | User, **fields) -> User:
    """The account ``who`` names: a role makes a new one (with ``fields``); an e-mail address, an id or a ``User``
    finds an existing one."""
    if isinstance(who, str) and who in SIGNED_IN:
        return make_user(who, **fields)
    if fields:
        raise TypeError(f"{sorted(fields)} are for a new account: name a role, not {who!r}")
    if isinstance(who, User):
        return db.session.merge(who)
    if isinstance(who, int):
        return db.session.get(User, who)
    return db.session.scalars(db.select(User).filter_by(email=who)).one()


def app_context(app):
    """``app``'s context: the current one when the caller is in it (so its objects stay in its session), else new."""
    if has_app_context() and current_app._get_current_object() is app:
        return contextlib.nullcontext()
    return app.app_context()


def sign_in(client, email_address: str, password: str, follow_redirects: bool = False):
    """Post the sign-in form (for tests of the form itself; others use :func:`signed_in`)."""
    token = csrf_token(client, "/account/sign-in")
    return client.post("/account/sign-in", data={"email": email_address, "password": password, "csrf_token": token},
                       follow_redirects=follow_redirects)


def current_code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def enter_code(client, code: str, follow_redirects: bool = False):
    token = csrf_token(client, "/account/sign-in/code")
    return client.post("/account/sign-in/code", data={"code": code, "csrf_token": token},
                       follow_redirects=follow_redirects)


def outbox(app) -> list[Message]:
    directory = Path(app.config["CATALOGUE_DATA_DIR"]) / "outbox"
    paths = sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if directory.exists() else []
    return [email.message_from_bytes(path.read_bytes()) for path in paths]


def body(message: Message) -> str:
    return message.get_payload(decode=True).decode("utf-8")


def link_in(message: Message) -> str:
    """The path of the first link in the message (links start with the configured base URL)."""
    match = re.search(r"https://catalogue\.test(/\S+)", body(message))
    assert match, body(message)
    return match.group(1)
