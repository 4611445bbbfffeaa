"""What a reader sees of an entry: its text in the reader's language when curators translated it, else the original.

Everything here works on the translations already loaded with the entries (``entry.translations`` is loaded for a
whole list at once), so pages and lists ask nothing more of the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import has_request_context, request
from markupsafe import Markup

from catalogue.entry_translations.kinds import ORIGINAL, Translated, target_languages, translated_of
from catalogue.languages import LANGUAGES, direction, reader_language, translation_in

MISSING, CURRENT, STALE = "missing", "current", "stale"


def is_stale(translation, entry, described: Translated | None = None) -> bool:
    """Whether the original's text has changed since the translation was made from it."""
    described = described or translated_of(entry)
    source = translation.source or {}
    return any((source.get(name) or "") != text for name, text in described.originals(entry).items())


@dataclass
class Shown:
    """One entry as a reader sees it. ``shown.summary`` (and each translated field) is the text to show;
    ``shown.attrs("summary")`` its ``lang`` (and ``dir`` when it differs from the page's) attributes."""

    entry: Any
    reader: str  # the reader's language
    available: Any = None  # the translation into the reader's language, if there is one
    original_asked: bool = False  # the reader asked for the original although a translation exists

    @property
    def described(self) -> Translated:
        return translated_of(self.entry)

    @property
    def translation(self):
        """The translation being shown, or None when the original is."""
        return None if self.original_asked else self.available

    @property
    def stale(self) -> bool:
        return self.available is not None and is_stale(self.available, self.entry, self.described)

    @property
    def missing(self) -> bool:
        """The reader reads another language than the original and nobody has translated this entry into it."""
        return self.reader != ORIGINAL and self.available is None

    @property
    def language(self) -> str:
        """The language of the entry's main text as shown."""
        return self.translation.language if self.translation is not None else ORIGINAL

    def text(self, name: str) -> str:
        translated = getattr(self.translation, name, "") if self.translation is not None else ""
        return translated or getattr(self.entry, name) or ""

    def lang(self, name: str) -> str:
        """The language of one field as shown: a field the translation leaves empty is shown in the original."""
        if self.translation is not None and getattr(self.translation, name, ""):
            return self.translation.language
        return ORIGINAL

    def attrs(self, name: str | None = None) -> Markup:
        code = self.lang(name) if name else self.language
        found = Markup(' lang="{}"').format(code)
        if direction(code) != direction(self.reader):
            found += Markup(' dir="{}"').format(direction(code))
        return found

    def __getattr__(self, name: str):
        entry = self.__dict__.get("entry")  # not self.entry: that would come back here while unset (copies)
        if entry is None or name.startswith("_") or name not in translated_of(entry).fields:
            raise AttributeError(name)
        return self.text(name)


def shown(entry, language: str | None = None, original: bool | None = None) -> Shown:
    """``entry`` in ``language`` (default: the reader's). ``original`` (default: ``?original=1`` on the page
    address) shows the original even where a translation exists."""
    language = language or reader_language()
    if original is None:
        original = has_request_context() and request.args.get("original") == "1"
    available = translation_in(entry, language) if language != ORIGINAL else None
    return Shown(entry, language, available, bool(original and available is not None))


@dataclass
class LanguageState:
    code: str
    native_name: str
    state: str  # MISSING, CURRENT or STALE
    translation: Any = None


def states(entry) -> list[LanguageState]:
    """Every language the entry can be translated into, with whether its translation is missing, up to date, or
    older than the original's text."""
    described = translated_of(entry)
    found = []
    for code in target_languages():
        translation = translation_in(entry, code)
        state = MISSING if translation is None else STALE if is_stale(translation, entry, described) else CURRENT
        found.append(LanguageState(code, LANGUAGES.get(code, code), state, translation))
    return found
