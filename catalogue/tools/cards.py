"""Tool cards kept rendered: a list shows twenty, and rendering one (its links, term chips, translated wording, date
and shortlist form) costs about a third of a millisecond, a third of a catalogue page's time.

A card is kept under everything it shows, read from the rows already loaded for the page: the reader's language,
the tool's fields and version, the translation shown and its version, the purposes' slugs, labels and descriptions,
and the marked passages of the search. An edit, a new translation, a relabelled term or another query makes another
key, so nothing shown is ever older than the rows. The form token and the page address in the shortlist form differ
on every request, and which of the reader's shortlists hold the tool is the reader's own: they are put back into the
kept HTML each time.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, get_template_attribute, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from catalogue import kept_pages
from catalogue.languages import ORIGINAL, reader_language, translation_in

KEPT = 2000  # cards per app; a few kilobytes each
TOKEN, NEXT = "\x00csrf-token\x00", "\x00next-page\x00"
#: Where the card says which of the reader's shortlists hold the tool: theirs alone, so put in on every request.
IN_LISTS = "<!--in-your-shortlists-->"
_lock = threading.Lock()


def _kept_cards() -> OrderedDict[tuple, str]:
    return current_app.extensions.setdefault("kept_tool_cards", OrderedDict())


def tool_card(tool, heading: str = "h2", hit=None, compare: bool = False) -> Markup:
    """``_macros.html``'s ``tool_card``, rendered once per distinct content."""
    key = card_key(tool, heading, hit, compare)
    _kept = _kept_cards()
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
    if html is None:
        html = str(get_template_attribute("_macros.html", "tool_card")(tool, heading=heading, hit=hit,
                                                                        compare=compare))
        if compare:  # the shortlist form: this request's token and address, not kept
            html = (html.replace(f'name="csrf_token" value="{generate_csrf()}"', f'name="csrf_token" value="{TOKEN}"')
                    .replace(f'name="next" value="{escape(request.full_path)}#', f'name="next" value="{NEXT}#'))
        with _lock:
            _kept[key] = html
            while len(_kept) > KEPT:
                _kept.popitem(last=False)
    if compare:
        # A part of a page being kept (kept_pages) fills the reader's line in when it is shown, not now.
        lists = kept_pages.IN_LISTS.format(id=tool.id) if kept_pages.keeping() else kept_pages.in_shortlists(tool.id)
        html = (html.replace(TOKEN, generate_csrf()).replace(NEXT, str(escape(request.full_path)))
                .replace(IN_LISTS, str(lists)))
    return Markup(html)  # noqa: S704 - rendered by the autoescaping macro; the two values put back are escaped


def card_key(tool, heading: str, hit, compare: bool) -> tuple:
    language = reader_language()
    translation = translation_in(tool, language) if language != ORIGINAL else None
    return (
        language, request.args.get("original") == "1", heading, compare,
        tool.id, tool.version, tool.slug, tool.name, tool.organisation, tool.country, tool.demo, tool.summary,
        tool.updated_at,
        None if translation is None else (translation.id, translation.version, translation.summary,
                                          translation.updated_at, translation.source_version),
        tuple((term.id, term.slug, term.label, term.description) for term in tool.terms_in("purposes")),
        None if hit is None else (str(hit.summary or ""), str(hit.snippet or "")),
    )


def forget() -> None:
    with _lock:
        _kept_cards().clear()
