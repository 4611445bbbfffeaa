"""How numbers, stored wording and mixed-direction text are shown in the reader's language.

- Numbers go through Babel with the locale's own separators and the CLDR default digits. For Arabic (``ar``) CLDR's
  default numbering system is ``latn``: every language shows the digits 0–9, as Babel already does in dates, so
  a date, a count, a score and a code such as ``H2`` never mix two digit sets on one page (docs/languages.md).
- Wording that ships with the app as data (vocabulary labels, the readiness questionnaire) is English in the
  database and the JSON files and is translated when shown, through the same message catalogues as the interface
  (``catalogue/languages/extract.py`` puts it there). A label a curator renamed has no entry and shows as stored.
- Data values placed inside a translated sentence in plain text (SVG labels, e-mails) are wrapped in Unicode
  first-strong isolates, so an English tool name inside an Arabic sentence cannot reorder its neighbours; HTML
  uses ``<bdi>`` for the same purpose.
- Lists sorted alphabetically sort on :func:`sort_key`: the text decomposed (NFKD), without its accents, case-folded.
  It needs no system locale and no collation tables, and is good enough for short labels in the six languages
  (Chinese sorts by code point, not by pinyin).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context
from flask_babel import format_decimal, format_percent, get_locale, get_translations

from catalogue.languages import direction

T = TypeVar("T")

FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def page_direction() -> str:
    """``rtl`` or ``ltr``: the direction of the language the current request is answered in."""
    locale = get_locale() if has_request_context() else None
    return direction(locale.language if locale else "en")


def number(value: float | int | None) -> str:
    """A count or a measure with the locale's digits, decimal sign and grouping; empty for None."""
    if value is None:
        return ""
    if type(value) is not int or not has_app_context():
        return format_decimal(value)
    # A catalogue page writes a hundred counts, mostly the same few; Babel takes about 7 µs for each.
    here = g._get_current_object()
    locale = getattr(getattr(here, "_flask_babel", None), "babel_locale", None)
    kept = getattr(here, "catalogue_numbers", None)
    if kept is None or locale is None or kept[0] is not locale:
        kept = here.catalogue_numbers = (locale, {})
    written = kept[1].get(value)
    if written is None:
        written = kept[1][value] = format_decimal(value)
    return written


def percent(value: float | int | None) -> str:
    """A whole-number percentage (63 for 63 %) in the locale's way of writing percentages; empty for None."""
    return "" if value is None else format_percent(value / 100)


def translations() -> NullTranslations:
    """``flask_babel.get_translations()``, found once per request and language rather than on every message.

    A page asks for a few hundred messages and labels, and Flask-Babel finds the catalogue afresh for each (about
    5 µs: context look-ups, the locale's name, a dictionary). The catalogue found is kept on ``g`` with the locale
    it was found for; Flask-Babel's ``force_locale`` and ``refresh`` put another locale object in place, so a
    changed language is never answered from the kept one.
    """
    if not has_app_context():
        return get_translations()
    here = g._get_current_object()
    locale = getattr(getattr(here, "_flask_babel", None), "babel_locale", None)
    kept = getattr(here, "catalogue_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    found = get_translations()
    here.catalogue_translations = (getattr(getattr(here, "_flask_babel", None), "babel_locale", None), found)
    return found


def wording(text: str | None) -> str:
    """Shipped data wording (a vocabulary label, a question) in the reader's language, or as stored."""
    if not text:
        return ""  # gettext("") is the catalogue's header
    return translations().ugettext(text)


def isolate(text: object) -> str:
    """``text`` wrapped in first-strong isolate marks, for data inside a sentence in plain text."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"


def arrow() -> str:
    """"From … to …" in the reading direction: → in left-to-right pages, ← in right-to-left ones."""
    return "←" if page_direction() == "rtl" else "→"


def sort_key(text: str | None) -> str:
    """A locale-independent alphabetical key: accents ignored, case folded (see the module's docstring)."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sorted_by_text(items: Iterable[T], text: Callable[[T], str]) -> list[T]:
    """``items`` in alphabetical order of ``text(item)`` as the reader sees it."""
    return sorted(items, key=lambda item: sort_key(text(item)))


def sorted_choices(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Select options ``(value, text)`` in alphabetical order of their text."""
    return sorted_by_text(pairs, lambda pair: pair[1])
