"""Sources: where an entry's claims come from (a vendor's documentation, an independent evaluation, an agency's
experience, a publication). Each entry keeps a list of them; revisions, proposed changes, exports and the interchange
format carry them as plain records ``{"title", "reference", "kind", "accessed"}``.

A reference is a web address or a reference in words ("Evaluation report 2026/4, p. 12"). Only ``http`` and ``https``
addresses become links; anything else that looks like an address (``javascript:``, ``data:``, ``file:``…) is refused,
so no stored source can run code in a reader's browser.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

KINDS = {
    "vendor": _l("Vendor documentation"),
    "evaluation": _l("Independent evaluation"),
    "agency": _l("Agency experience"),
    "publication": _l("Publication"),
}
FIELDS = ("title", "reference", "kind", "accessed")
MAX_SOURCES = 30
TITLE_LIMIT = 300
REFERENCE_LIMIT = 1000

#: Reference schemes that are identifiers written in words, never followed as links.
IDENTIFIER_SCHEMES = frozenset({"doi", "isbn", "issn", "urn", "arxiv", "pmid"})
#: Schemes a browser would act on: refused even inside a sentence.
ACTIVE_SCHEMES = frozenset({"javascript", "vbscript", "data", "file", "blob", "filesystem", "about", "jar",
                            "view-source", "livescript", "mocha"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
#: Characters browsers drop from an address before reading its scheme ("java\tscript:" is "javascript:").
_IGNORED = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def link(reference: str | None) -> str | None:
    """The reference as a link target, when it is an http or https address with a host; else None (shown as text)."""
    text = (reference or "").strip()
    if not text or any(ch.isspace() for ch in text):
        return None
    parts = urlsplit(text)
    return text if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def reference_problem(reference: str) -> str | None:
    """Why a reference cannot be stored, or None. Web addresses must be http(s) with a host; words are fine."""
    text = reference.strip()
    squeezed = _IGNORED.sub("", text)
    scheme = _SCHEME.match(squeezed)
    if scheme is None:
        return None
    name = scheme.group(1).lower()
    if name in ACTIVE_SCHEMES:
        return str(_l("Only web addresses starting with http:// or https:// can be given as links."))
    looks_like_address = not any(ch.isspace() for ch in text)
    if name in ("http", "https"):
        return None if link(text) or not looks_like_address else str(
            _l("Give a web address with a host name, for example https://lab.example/report."))
    if looks_like_address and name not in IDENTIFIER_SCHEMES:
        return str(_l("Only web addresses starting with http:// or https:// can be given as links."))
    return None


def normalise(items: Any) -> list[dict[str, Any]]:
    """Sources in their stored form: known fields only, in order, text stripped, empty rows dropped, dates as
    ``YYYY-MM-DD`` or None. Accepts what forms, revisions and files hold; anything else gives an empty list."""
    if not isinstance(items, list):
        return []
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        accessed = item.get("accessed")
        if isinstance(accessed, date):
            accessed = accessed.isoformat()
        record = {
            "title": _text(item.get("title")), "reference": _text(item.get("reference")),
            "kind": _text(item.get("kind")) or None, "accessed": _text(accessed) or None,
        }
        if record["title"] or record["reference"]:
            found.append(record)
    return found


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def kind_label(kind: str | None) -> str:
    return str(KINDS[kind]) if kind in KINDS else (kind or "")


def describe(source: dict[str, Any]) -> str:
    """One line for comparisons and the history: "Title — reference (kind, accessed 2026-03-01)"."""
    details = [kind_label(source.get("kind"))]
    if source.get("accessed"):
        details.append(str(_l("accessed %(date)s", date=source["accessed"])))
    head = " — ".join(part for part in (source.get("title"), source.get("reference")) if part)
    tail = ", ".join(part for part in details if part)
    return f"{head} ({tail})" if tail else head
