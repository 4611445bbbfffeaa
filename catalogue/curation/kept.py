"""Keeping a curator's typing when their session ended before they pressed Save.

The editor's POST arrives after the curator's session timed out (idle or absolute limit). Instead of dropping it, the
input is stored for its author under a random key held in the browser's session cookie, and the editor offers to
restore it once that curator has signed in again. Restoring only fills the form in; nothing is saved until the
curator saves.

Only a request that proves who sent it is kept: its form token was valid for the session it came from (the site's
CSRF check passed before the session ended) and that session belonged to a curator whose account is still valid. A
request without a session, with a missing or foreign form token, or from a signed-out session stores nothing. Each
curator has at most ``MAX_PER_USER`` kept inputs of at most ``MAX_BYTES_PER_USER`` together (the oldest make way),
and ``flask catalogue forget-kept-edits`` removes those past ``KEEP_FOR``.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from flask import g, request, session
from flask_login import current_user
from sqlalchemy import delete, func, select

from catalogue import policy
from catalogue.extensions import db
from catalogue.models import KeptEdit, User
from catalogue.models.base import utcnow

SESSION_KEY = "kept_edit"
KEEPABLE_ENDPOINTS = frozenset({"curation.new_entry", "curation.edit_entry"})
KEEP_FOR = timedelta(days=1)
MAX_PER_USER = 5
MAX_BYTES_PER_USER = 1_000_000  # the editor's longest input (three Markdown fields at the limit) fits several times


def same_site() -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def _author() -> User | None:
    """The curator whose session this request came from, if it ended by timing out during this very request."""
    user_id = g.get("timed_out_user_id")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    return user if user is not None and policy.can("tools.curate", user) else None


def keep_request_form() -> bool:
    """Keep the current POST to an editor page if it is one and proves its author; returns whether it was kept."""
    if request.method != "POST" or request.endpoint not in KEEPABLE_ENDPOINTS or current_user.is_authenticated \
            or not same_site():
        return False
    author = _author()
    form = {key: values for key, values in request.form.lists() if key != "csrf_token"}
    size = len(json.dumps(form).encode())
    if author is None or not form or size > MAX_BYTES_PER_USER:
        return False
    forget_expired()
    db.session.execute(delete(KeptEdit).where(KeptEdit.user_id == author.id, KeptEdit.path == request.path))
    _make_room(author, size)
    kept = KeptEdit(key=secrets.token_urlsafe(32), user_id=author.id, path=request.path, form=form)
    db.session.add(kept)
    db.session.commit()
    session[SESSION_KEY] = kept.key
    return True


def _make_room(author: User, size: int) -> None:
    """Drop the author's oldest kept inputs until one more of ``size`` bytes fits the limits."""
    kept = list(db.session.scalars(select(KeptEdit).where(KeptEdit.user_id == author.id)
                                   .order_by(KeptEdit.created_at.desc(), KeptEdit.id.desc())))
    total = size
    for number, row in enumerate(kept, start=2):
        total += len(json.dumps(row.form).encode())
        if number > MAX_PER_USER or total > MAX_BYTES_PER_USER:
            db.session.delete(row)
    db.session.flush()


def kept_for(path: str) -> KeptEdit | None:
    """The input kept for ``path`` by the signed-in curator, whose browser holds its key."""
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not key or not current_user.is_authenticated:
        return None
    kept = db.session.scalar(select(KeptEdit).where(KeptEdit.key == key))
    if kept is None or kept.user_id != current_user.id or kept.path != path \
            or kept.created_at < utcnow() - KEEP_FOR:
        return None
    return kept


def forget(kept: KeptEdit) -> None:
    db.session.delete(kept)
    db.session.commit()
    session.pop(SESSION_KEY, None)


def forget_expired() -> int:
    """Remove kept input older than ``KEEP_FOR`` (the caller commits); returns how many were removed."""
    return db.session.execute(delete(KeptEdit).where(KeptEdit.created_at < utcnow() - KEEP_FOR)).rowcount or 0


def clean_up() -> tuple[int, int, int]:
    """``flask catalogue forget-kept-edits``: remove expired kept input; returns how many were removed, how many
    are still kept and for how many curators."""
    removed = forget_expired()
    db.session.commit()
    count, authors = db.session.execute(select(func.count(KeptEdit.id), func.count(KeptEdit.user_id.distinct()))).one()
    return removed, count, authors
