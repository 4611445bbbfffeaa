"""Keeping a curator's typing when their session ended before they pressed Save.

The editor's POST arrives without a usable session (idle timeout, signed out elsewhere, expired form token). Instead
of dropping it, the input is stored under a random key held in the browser's session cookie, and the editor offers
to restore it once the curator has signed in again. Restoring only fills the form in; nothing is saved until the
curator saves, so input planted by another site could at most be offered, never written.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import request, session
from sqlalchemy import delete, select

from catalogue.extensions import db
from catalogue.models import KeptEdit
from catalogue.models.base import utcnow

SESSION_KEY = "kept_edit"
KEEPABLE_ENDPOINTS = frozenset({"curation.new_entry", "curation.edit_entry"})
KEEP_FOR = timedelta(days=1)


def _same_site() -> bool:
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    return origin is None or origin.rstrip("/") == request.host_url.rstrip("/")


def keep_request_form() -> bool:
    """Keep the current POST to an editor page if it is one; returns whether it was kept."""
    if request.method != "POST" or request.endpoint not in KEEPABLE_ENDPOINTS or not _same_site():
        return False
    form = {key: values for key, values in request.form.lists() if key != "csrf_token"}
    if not form:
        return False
    db.session.execute(delete(KeptEdit).where(KeptEdit.created_at < utcnow() - KEEP_FOR))
    kept = KeptEdit(key=secrets.token_urlsafe(32), path=request.path, form=form)
    db.session.add(kept)
    db.session.commit()
    session[SESSION_KEY] = kept.key
    return True


def kept_for(path: str) -> KeptEdit | None:
    key = session.get(SESSION_KEY)
    if not isinstance(key, str) or not key:
        return None
    kept = db.session.scalar(select(KeptEdit).where(KeptEdit.key == key))
    if kept is None or kept.path != path or kept.created_at < utcnow() - KEEP_FOR:
        return None
    return kept


def forget(kept: KeptEdit) -> None:
    db.session.delete(kept)
    db.session.commit()
    session.pop(SESSION_KEY, None)
