"""Signed-in sessions: renewed at sign-in, bounded by idle and absolute timeouts, revocable everywhere at once."""

from __future__ import annotations

import time

from flask import Flask, current_app, flash, g, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from catalogue import languages
from catalogue.extensions import db, login_manager
from catalogue.models import User
from catalogue.models.base import utcnow

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"
MFA_PENDING = "mfa_pending"


#: What survives signing in: the shortlist, and the key of editor input kept when the last session ended.
CARRIED_OVER = ("shortlist", "kept_edit")


def start(user: User) -> None:
    """A fresh session for ``user``: nothing from the anonymous session survives except ``CARRIED_OVER``."""
    clear_keeping_carried()
    login_user(user)
    now = int(time.time())
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN] = now
    session.permanent = True
    user.last_sign_in_at = utcnow()
    if user.locale is None:  # a language picked before signing in becomes the account's (and its e-mails')
        user.locale = languages.chosen_with_switcher()


def clear_keeping_carried() -> None:
    carried = {key: session[key] for key in CARRIED_OVER if session.get(key)}
    session.clear()
    session.update(carried)


def end() -> None:
    logout_user()
    session.clear()


def revoke_all(user: User) -> None:
    """Invalidate every session of ``user`` in every browser (the caller commits)."""
    user.session_version = (user.session_version or 1) + 1


def load_user(session_id: str) -> User | None:
    user_id, _sep, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def enforce_timeouts() -> None:
    """Drop a session that has been idle or alive too long, before anything reads the signed-in user."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    config = current_app.config
    started = session.get(SIGNED_IN_AT, 0)
    seen = session.get(LAST_SEEN, 0)
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60 or now - started > config["SESSION_ABSOLUTE_HOURS"] * 3600:
        ended = load_user(str(session["_user_id"]))
        session.clear()
        if ended is not None:  # a session that was valid but for its age: this request still knows whose it was
            g.timed_out_user_id = ended.id
        flash(_("Your session has ended. Please sign in again."), "info")
        return
    if now - seen >= 30:
        session[LAST_SEEN] = now


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "account.sign_in"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(enforce_timeouts)
    app.config["PERMANENT_SESSION_LIFETIME"] = app.config["SESSION_ABSOLUTE_HOURS"] * 3600

