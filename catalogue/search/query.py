"""The search box's own small syntax, parsed without Whoosh's query parser and analysed with the index's analysers.

Users get words, "quoted phrases", -exclusions and OR. Nothing else is syntax: no fields, wildcards, regular
expressions, ranges, boosts or fuzzy operators, and no nesting, so no input can reach the parser crashes and
slow paths that Whoosh's own parser has (``NOT NOT``, deep parentheses, huge tokens).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from catalogue.search.languages import CONTENT_LANGUAGES, field_name
from catalogue.search.schema import QUERY_ANALYZERS, build_schema, search_fields

MAX_LENGTH = 256
MAX_TERMS = 32
TOKEN = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<negword>-)?(?P<word>[^\s"]+)')
SCHEMA = build_schema()


class QueryError(ValueError):
    """The query cannot be searched; the message is meant for the user."""


@dataclass
class Clause:
    text: str
    phrase: bool = False
    negated: bool = False
    alternatives: list[Clause] = field(default_factory=list)  # joined by OR with this one


@dataclass
class ParsedQuery:
    text: str
    clauses: list[Clause]
    words: list[str]  # positive single words, as typed, for spelling suggestions
    language: str = "en"  # the reader's: its translations are searched beside the original

    @property
    def empty(self) -> bool:
        return not self.clauses


def clean(text: str) -> str:
    """Drop control and format characters and fold runs of white space."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return " ".join(kept.split())


def parse(text: str, language: str | None = None) -> ParsedQuery:
    """The query as clauses. With a ``language`` other than English, that language's translations are searched too,
    and a word that is a stop word in it (``des``, ``los``) is left out as English stop words are."""
    language = language if language in CONTENT_LANGUAGES else "en"
    translated = field_name("description", language) if language != "en" else None
    text = clean(text or "")
    if len(text) > MAX_LENGTH:
        raise QueryError(_("Your search is %(length)s characters long; at most %(limit)s are allowed. "
                           "Please shorten it.", length=len(text), limit=MAX_LENGTH))
    clauses: list[Clause] = []
    words: list[str] = []
    join_next = False
    term_count = 0
    for match in TOKEN.finditer(text):
        if match["word"] == "OR" and not match["negword"]:
            join_next = bool(clauses) and not clauses[-1].negated
            continue
        if match["word"] is not None:
            clause = Clause(match["word"], negated=bool(match["negword"]))
        else:
            clause = Clause(match["phrase"], phrase=True, negated=bool(match["neg"]))
        if (not analysed(clause.text, "description") and not analysed(clause.text, "name")) or (
                translated and not clause.phrase and not analysed(clause.text, translated)):
            join_next = False
            continue  # only stop words or punctuation
        term_count += max(1, len(clause.text.split()))
        if term_count > MAX_TERMS:
            raise QueryError(_("Your search has more than %(limit)s words. Please use fewer words.",
                               limit=MAX_TERMS))
        if not clause.phrase and not clause.negated:
            words.append(clause.text)
        if join_next and not clause.negated:
            clauses[-1].alternatives.append(clause)
        else:
            clauses.append(clause)
        join_next = False
    return ParsedQuery(text, clauses, words, language)


def analysed(text: str, name: str) -> list[str]:
    analyzer = QUERY_ANALYZERS.get(name) or SCHEMA[name].analyzer
    return [token.text for token in analyzer(text)]


def clause_terms(clause: Clause, language: str = "en") -> list[tuple[str, list[str]]]:
    """Per text field searched in ``language``, the indexed terms a word or phrase stands for (empty fields left
    out)."""
    found = []
    for name in search_fields(language):
        terms = analysed(clause.text, name)
        if terms and not (clause.phrase and len(terms) > 1 and not SCHEMA[name].format.supports("positions")):
            found.append((name, terms))
    return found


def replace_words(text: str, corrections: dict[str, str]) -> str:
    """The user's text with misspelt words replaced, everything else kept as typed."""
    def swap(match: re.Match) -> str:
        word = match["word"]
        if word is not None and not match["negword"] and word in corrections:
            return corrections[word]
        return match.group(0)

    return TOKEN.sub(swap, clean(text))
