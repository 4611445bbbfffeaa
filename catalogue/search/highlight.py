"""Highlighted snippets: matched words wrapped in <mark>, everything else escaped."""

from __future__ import annotations

import functools
import sys
from array import array

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh.analysis import Token


class MarkFormatter(highlight.Formatter):
    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


PASSAGE = highlight.ContextFragmenter(maxchars=220, surround=60)
WHOLE = highlight.WholeFragmenter(charlimit=None)
FORMATTER = MarkFormatter()


def snippet(text: str, terms: set[str], analyzer, whole: bool = False) -> Markup | None:
    """``text`` with the query's ``terms`` marked (all of it, or a short passage), or None if none occur in it."""
    if not text or not terms:
        return None
    found = highlight.highlight(text, frozenset(terms), _Replay(analysed(text, analyzer)), WHOLE if whole else PASSAGE,
                                FORMATTER, top=1 if whole else 2)
    return Markup(found) if found else None  # noqa: S704 - built from escaped parts above


_ANALYZERS: dict[int, object] = {}  # kept alive, so that their ids stay theirs


def analysed(text: str, analyzer) -> tuple[tuple[str, ...], array]:
    """The words ``analyzer`` makes of ``text`` and their character offsets, made once per text and analyzer: a
    result page marks the same descriptions again and again, and analysing (stemming every word) is most of what
    marking costs. Kept by the text itself, so an edited text is analysed afresh."""
    _ANALYZERS.setdefault(id(analyzer), analyzer)
    return _analysed(text, id(analyzer))


@functools.lru_cache(maxsize=1024)
def _analysed(text: str, analyzer_id: int) -> tuple[tuple[str, ...], array]:
    words, offsets = [], array("I")
    for token in _ANALYZERS[analyzer_id](text, chars=True, mode="query", removestops=False):
        words.append(sys.intern(token.text))
        offsets.extend((token.startchar, token.endchar))
    return tuple(words), offsets


class _Replay:
    """Stands in for the analyzer in Whoosh's ``highlight``: gives back the tokens made before."""

    def __init__(self, made: tuple[tuple[str, ...], array]) -> None:
        self.made = made

    def __call__(self, _text, **_options):
        words, offsets = self.made
        for index, word in enumerate(words):
            token = Token(chars=True)
            token.text, token.startchar, token.endchar = word, offsets[2 * index], offsets[2 * index + 1]
            yield token
