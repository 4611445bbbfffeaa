"""Signing test clients in, reading CSRF tokens and the e-mails the app wrote."""

from __future__ import annotations

import email
import re
import time
from email.message import Message
from pathlib import Path

import pyotp

from catalogue.accounts.sessions import LAST_SEEN, SIGNED_IN_AT

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/account/sign-in") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def session_for(client, user) -> None:
    """Put ``user`` in the client's session as a completed sign-in would (quick, for permission tests)."""
    now = int(time.time())
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SIGNED_IN_AT] = now
        session[LAST_SEEN] = now


def sign_in(client, email_address: str, password: str, follow_redirects: bool = False):
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
