"""Redirect targets taken from requests may only ever point back into this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

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
