"""Highlighted snippets: matched words wrapped in <mark>, everything else escaped."""

from __future__ import annotations

from markupsafe import Markup, escape
from whoosh import highlight


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
    found = highlight.highlight(text, frozenset(terms), analyzer, WHOLE if whole else PASSAGE, FORMATTER,
                                top=1 if whole else 2)
    return Markup(found) if found else None  # noqa: S704 - built from escaped parts above
