"""Addresses made from names: ``Harbour Police (North)`` becomes ``harbour-police-north``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

LIMIT = 80


def slugify(text: str, fallback: str, limit: int = LIMIT) -> str:
    """Lowercase ASCII words joined by hyphens, at most ``limit`` characters; ``fallback`` when nothing is left (a
    name in a script without ASCII letters)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-") or fallback


def unique_slug(base: str, used: Callable[[str], bool], limit: int = LIMIT) -> str:
    """``base``, or ``base-2``, ``base-3``… (shortened to stay within ``limit``): the first that is not ``used``."""
    candidate, number = base, 2
    while used(candidate):
        suffix = f"-{number}"
        candidate = base[:limit - len(suffix)].rstrip("-") + suffix
        number += 1
    return candidate
