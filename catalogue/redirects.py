"""Redirect targets taken from requests may only ever point back into this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import abort, redirect, request, url_for
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import FormerSlug

MAX_LENGTH = 2000


def is_local_path(target: str | None) -> bool:
    """True for a path on this site such as ``/tools/?q=x``; false for anything a browser could read as another
    host (``//evil.example``, ``/\\evil.example``, ``/%09/evil.example``, schemes, control characters)."""
    if not target or len(target) > MAX_LENGTH:
        return False
    for candidate in (target, unquote(target)):
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in candidate) or "\\" in candidate:
            return False
        if not candidate.startswith("/") or candidate.startswith("//"):
            return False
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return False
    return True


def safe_target(target: str | None, default: str) -> str:
    return target if is_local_path(target) else default


def moved_to(kind_clause, model, slug: str) -> None:
    """Answer 301 to an entry's current public address when ``slug`` is one it had before a rename; return when it
    is not (the caller answers 404). ``kind_clause`` picks the kind's former slugs."""
    entry_id = db.session.scalar(select(FormerSlug.entry_id).where(kind_clause, FormerSlug.slug == slug))
    entry = db.session.get(model, entry_id) if entry_id is not None else None
    if entry is None or entry.slug == slug or entry.status != "published":
        return
    values = {**(request.view_args or {}), "slug": entry.slug}
    abort(redirect(url_for(request.endpoint, **values, **request.args.to_dict()), 301))
