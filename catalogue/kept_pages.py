"""Parts of pages kept rendered while what they show does not change: the catalogue's results (search form,
filters, cards and pages), a tool page's entry, guidance and related tools, a guidance page, and the home page's
catalogue.

Every change to what these parts show is recorded in the search outbox in the transaction that makes it (tools,
guidance, trainings, their translations and terms, and the vocabularies), so the outbox's last change id is the
version of the catalogue's content. A part is kept under that version and everything else it depends on: the
reader's language, role and time zone, the day, and the page's address. A change makes a new version, so a kept part
is never older than the database; nothing is invalidated by hand.

The reader's own bits are put back on every request: the form token (one per session) and, on each card, which of
the reader's shortlists hold the tool.
"""

from __future__ import annotations

import re
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, g, get_template_attribute, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from catalogue.extensions import db
from catalogue.languages import reader_language
from catalogue.policy import role_of
from catalogue.search import outbox, store
from catalogue.times import reader_zone

#: Bytes of kept HTML per process (``CATALOGUE_KEPT_PAGES_MB``, default 8): the least recently shown go first.
KEPT_MB = 8
TOKEN = "\x00csrf-token\x00"
#: Where a kept card says which of the reader's shortlists hold tool N.
IN_LISTS = "<!--in-your-shortlists:{id}-->"
_IN_LISTS = re.compile(r"<!--in-your-shortlists:(\d+)-->")
_lock = threading.Lock()


class Kept(OrderedDict):
    """Kept parts, least recently shown first, with the bytes they hold."""

    size = 0


def _kept() -> Kept:
    return current_app.extensions.setdefault("kept_page_parts", Kept())


def _size(parts: dict[str, str]) -> int:
    return sum(sys.getsizeof(html) for html in parts.values())


def keeping() -> bool:
    """Whether a part being rendered now will be kept (cards then leave the reader's shortlist line to fill in)."""
    return g.get("keeping_page_part", False)


def dont_keep() -> None:
    """Called while rendering a part that must not be kept (e.g. search answered from the database)."""
    g.keeping_page_part = False


def content_version(searched: bool = False) -> tuple | None:
    """The version of what the catalogue shows: the last change the outbox recorded, and with ``searched`` the
    search index's state, which must have applied that change. None when it has not (and cannot now catch up) or
    cannot be read: the page is then made afresh and not kept."""
    try:
        latest = store.latest_change()
        if not searched:
            return (latest,)
        if store.last_applied(store.searcher()) < latest:
            outbox.catch_up()
        folder, applied = store.generation(store.searcher())
    except Exception:  # the index is missing or damaged: the search says so and answers from the database
        db.session.rollback()
        return None
    return (latest, folder, applied) if applied >= latest else None


def key(page: str, *details, searched: bool = False) -> tuple | None:
    """The key a part of ``page`` is kept under: the content version (with ``searched``, the index's state too),
    ``details`` of the page's own (an entry's id and version…), the reader's language, role, time zone and day, and
    the page's address. None when the content version cannot be known: the part is then made afresh and not kept."""
    version = content_version(searched)
    if version is None:
        return None
    zone = reader_zone()
    reader = (reader_language(), role_of(), zone, datetime.now(ZoneInfo(zone)).date())
    return (page, version, details, reader, request.path, tuple(sorted(request.args.items(multi=True))))


def head(title: str, description: str) -> dict[str, str]:
    """An entry page's ``<title>`` text and description ``<meta>``, kept with its other parts."""
    return {"title": str(escape(title)),
            "meta": Markup('<meta name="description" content="{}">').format(description)}


def part(key: tuple | None, render: Callable[[], dict[str, str]]) -> dict[str, Markup]:
    """The parts ``render`` makes (name → HTML), kept under ``key`` (None: made afresh and not kept), with this
    reader's own bits put back."""
    kept = None
    if key is not None:
        with _lock:
            kept = _kept().get(key)
            if kept is not None:
                _kept().move_to_end(key)
    if kept is None:
        g.keeping_page_part = key is not None
        try:
            made = render()
            keep = key is not None and keeping()
        finally:
            g.keeping_page_part = False
        token = generate_csrf()
        kept = {name: str(html).replace(token, TOKEN) for name, html in made.items()}
        if keep:
            budget = current_app.config.get("CATALOGUE_KEPT_PAGES_MB", KEPT_MB) * 1024 * 1024
            with _lock:
                parts = _kept()
                if key not in parts:
                    parts[key] = kept
                    parts.size += _size(kept)
                while parts.size > budget and parts:
                    _key, dropped = parts.popitem(last=False)
                    parts.size -= _size(dropped)
    return {name: personal(html) for name, html in kept.items()}


def personal(html: str) -> Markup:
    """A kept part with this reader's form token and shortlist lines."""
    if TOKEN in html:
        html = html.replace(TOKEN, generate_csrf())
    if "<!--in-your-shortlists:" in html:
        html = _IN_LISTS.sub(lambda found: str(in_shortlists(int(found.group(1)))), html)
    return Markup(html)  # noqa: S704 - rendered by autoescaping templates; the values put back are escaped


def in_shortlists(tool_id: int) -> Markup:
    """The reader's own "In your shortlist: …" line (``shortlist_names`` is the shortlist feature's template global)."""
    names = current_app.jinja_env.globals.get("shortlist_names")
    found = names(tool_id) if names is not None else []
    return get_template_attribute("_macros.html", "in_shortlists")(found) if found else Markup("")
