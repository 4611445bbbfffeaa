"""The search box's own small syntax, parsed without Whoosh's query parser and analysed with the index's analysers.

Users get words, "quoted phrases", -exclusions and OR. Nothing else is syntax: no fields, wildcards, regular
expressions, ranges, boosts or fuzzy operators, and no nesting, so no input can reach the parser crashes and
slow paths that Whoosh's own parser has (``NOT NOT``, deep parentheses, huge tokens).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import gettext as _

from catalogue.search import synonyms
from catalogue.search.languages import CONTENT_LANGUAGES, HAN, HAN_RUN, PIECES, field_name, is_han
from catalogue.search.schema import QUERY_ANALYZERS, build_schema, search_fields

MAX_LENGTH = 256
MAX_TERMS = 32
WORD = re.compile(r"[^\W_]+")  # letters and digits only
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
    searched: tuple[str, ...] = ("en",)  # languages whose fields are searched: the reader's, and the query's script's
    expanded: list[tuple[str, list[str]]] = field(default_factory=list)  # (as typed, synonyms searched too)

    @property
    def empty(self) -> bool:
        return not self.clauses


#: Words that say what the user wants rather than what it is ("tools for …", "I need software that …"): never
#: required, never searched. English stop words are the prose analyser's; these are the catalogue's own.
QUERY_FILLER = frozenset({
    "tool", "tools", "software", "solution", "solutions", "app", "apps", "application", "applications", "program",
    "programs", "product", "products", "something", "anything", "need", "needs", "want", "wants", "looking", "look",
    "help", "helps", "helping", "able", "way", "ways", "which", "what", "how", "who", "where", "can", "could",
    "would", "should", "does", "do", "i", "we", "me", "my", "our", "us", "you", "your", "please", "find", "search",
    "searching", "some", "any", "there", "thing", "things",
})

#: Scripts that name their language unambiguously: a query in them is searched in that language's fields whatever
#: the interface language.
SCRIPTS = (("ar", re.compile("[\u0600-\u06ff\u0750-\u077f]")), ("ru", re.compile("[\u0400-\u04ff]")),
           ("zh", re.compile(f"[{HAN}]")))


def clean(text: str) -> str:
    """Drop control and format characters and fold runs of white space."""
    kept = "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") else c for c in text)
    return " ".join(kept.split())


def languages_of(text: str, reader: str) -> tuple[str, ...]:
    """The reader's language, then any other whose script the query is written in."""
    found = [reader]
    found += [code for code, script in SCRIPTS if code != reader and script.search(text)]
    return tuple(found)


def parse(text: str, language: str | None = None) -> ParsedQuery:
    """The query as clauses. With a ``language`` other than English, that language's translations are searched too,
    and a word that is a stop word in it (``des``, ``los``) is left out as English stop words are. Words and phrases
    a synonym group knows are searched with their synonyms too (each group one clause, its phrases ORed)."""
    language = language if language in CONTENT_LANGUAGES else "en"
    text = clean(text or "")
    if len(text) > MAX_LENGTH:
        raise QueryError(_("Your search is %(length)s characters long; at most %(limit)s are allowed. "
                           "Please shorten it.", length=len(text), limit=MAX_LENGTH))
    searched = languages_of(text, language)
    known = synonyms.lookup(language)
    longest = synonyms.max_phrase_words()
    typed = [_token(match) for match in TOKEN.finditer(text)]
    if sum(_size(token) for token in typed) > MAX_TERMS:
        raise QueryError(_("Your search has more than %(limit)s words. Please use fewer words.", limit=MAX_TERMS))
    tokens = [piece for token in typed for piece in _han_pairs(token, known)]
    parsed = ParsedQuery(text, [], [], language, searched)
    owners: dict[int, Clause] = {}  # tokens taken into a synonym group's clause
    join_next = False
    position = 0
    while position < len(tokens):
        token = tokens[position]
        if token == "OR":
            join_next = bool(parsed.clauses) and not parsed.clauses[-1].negated
            position += 1
            continue
        clause, used = _synonym_clause(tokens, position, known, longest)
        if clause is not None:
            parsed.expanded.append((clause.text, [alternative.text for alternative in clause.alternatives]))
            owners.update({id(token): clause for token in tokens[position:position + used]})
        else:
            clause, used = token, 1
            if not _meaningful(clause, searched):
                join_next = False
                position += 1
                continue  # only stop words, filler or punctuation
        position += used
        if not clause.phrase and not clause.negated:
            parsed.words.append(clause.text)
        if join_next and not clause.negated:
            parsed.clauses[-1].alternatives.append(clause)
        else:
            parsed.clauses.append(clause)
        join_next = False
    _join_neighbours(tokens, parsed, owners)
    return parsed


def _size(token: Clause | str) -> int:
    """How many words a token counts for the length limit: Chinese, written without spaces, a word per two
    characters."""
    if not isinstance(token, Clause):
        return 0
    han = sum(len(run) for run in HAN_RUN.findall(token.text))
    return max(1, len(HAN_RUN.sub(" ", token.text).split()) + -(-han // 2))


def _han_pairs(token: Clause | str, known: dict[str, tuple[str, ...]]) -> list[Clause | str]:
    """A word holding a run of Chinese characters longer than a pair, as one word per overlapping pair (and one per
    other piece): Chinese has no spaces, so a sentence is one "word" whose pairs would all be required, including
    pairs that straddle two words ("图像哈希" asks for 图像, 哈希 and the meaningless 像哈)."""
    if not isinstance(token, Clause) or token.phrase or token.negated or synonyms.normalise(token.text) in known:
        return [token]
    pieces = PIECES.findall(token.text)
    if not any(HAN_RUN.fullmatch(piece) and len(piece) > 2 for piece in pieces):
        return [token]
    found = []
    for piece in pieces:
        if HAN_RUN.fullmatch(piece) and len(piece) > 2:
            found += [Clause(piece[index:index + 2]) for index in range(len(piece) - 1)]
        else:
            found.append(Clause(piece))
    return found


def _join_neighbours(tokens: list, parsed: ParsedQuery, owners: dict[int, Clause]) -> None:
    """Two neighbouring words may be one name written apart ("bramble check" for Bramblecheck, "under tow" for
    Undertow): the clause of each word also matches the two written together (stop words included, as typed)."""
    kept = {id(clause) for clause in parsed.clauses}
    for first, second in zip(tokens, tokens[1:], strict=False):
        if not all(isinstance(t, Clause) and not t.phrase and not t.negated and WORD.fullmatch(t.text)
                   and not is_han(t.text) for t in (first, second)):
            continue
        joined = first.text + second.text
        clauses = {id(owners.get(id(t), t)): owners.get(id(t), t) for t in (first, second)}
        if len(clauses) < 2:
            continue  # both words are one synonym phrase already
        for clause in clauses.values():
            if id(clause) in kept and all(other.text != joined for other in clause.alternatives):
                clause.alternatives.append(Clause(joined))


def _token(match: re.Match) -> Clause | str:
    if match["word"] == "OR" and not match["negword"]:
        return "OR"
    if match["word"] is not None:
        return Clause(match["word"], negated=bool(match["negword"]))
    return Clause(match["phrase"], phrase=True, negated=bool(match["neg"]))


def _meaningful(clause: Clause, searched: tuple[str, ...]) -> bool:
    """Whether a word means anything to search. A stop word in English or in any language the query is searched in
    (``of``, ``des``, ``и``) never does, nor does a filler word (``tools``): as required words they would empty the
    results, since only names keep them. A quoted phrase does if any analyser keeps a word of it."""
    if clause.phrase:
        return any(analysed(clause.text, name) for name in ("description", "name"))
    if clause.text.casefold() in QUERY_FILLER:
        return False
    fields = {"description", *(field_name("description", code) for code in searched if code in CONTENT_LANGUAGES)}
    return all(analysed(clause.text, name) for name in fields)


def _synonym_clause(tokens: list, position: int, known: dict[str, tuple[str, ...]],
                    longest: int) -> tuple[Clause | None, int]:
    """The longest run of plain words (or one quoted phrase) from ``position`` that a synonym group knows, as a
    clause with the group's other phrases as alternatives, and how many tokens it used."""
    words = []
    for token in tokens[position:position + longest]:
        if not isinstance(token, Clause) or token.phrase or token.negated:
            break  # a quoted phrase means exactly itself, and an exclusion excludes exactly what it says
        words.append(token.text)
    for used in range(len(words), 0, -1):
        typed = " ".join(words[:used])
        others = known.get(synonyms.normalise(typed))
        if others:
            alternatives = [Clause(other, phrase=" " in other) for other in others]
            alternatives = [a for a in alternatives if any(analysed(a.text, n) for n in ("description", "name"))]
            if alternatives:
                return Clause(typed, phrase=used > 1, alternatives=alternatives), used
    return None, 1


def analysed(text: str, name: str) -> list[str]:
    return list(_analysed(text, name))


@lru_cache(maxsize=65536)
def _analysed(text: str, name: str) -> tuple[str, ...]:
    """The analysers are pure functions of their text: a query's words, their synonyms and their fields are analysed
    once per process, not on every search."""
    analyzer = QUERY_ANALYZERS.get(name) or SCHEMA[name].analyzer
    return tuple(token.text for token in analyzer(text))


def clause_terms(clause: Clause, languages: str | tuple[str, ...] = "en") -> list[tuple[str, list[str]]]:
    """Per text field searched in ``languages``, the indexed terms a word or phrase stands for (empty fields left
    out)."""
    return [(name, list(terms)) for name, terms in _clause_terms(clause.text, clause.phrase, languages)]


@lru_cache(maxsize=16384)
def _clause_terms(text: str, phrase: bool, languages: str | tuple[str, ...]) -> tuple[tuple[str, tuple], ...]:
    found = []
    for name in search_fields(languages):
        terms = _analysed(text, name)
        if terms and not (phrase and len(terms) > 1 and not SCHEMA[name].format.supports("positions")):
            found.append((name, terms))
    return tuple(found)


def replace_words(text: str, corrections: dict[str, str]) -> str:
    """The user's text with misspelt words replaced, everything else kept as typed."""
    def swap(match: re.Match) -> str:
        word = match["word"]
        if word is not None and not match["negword"] and word in corrections:
            return corrections[word]
        return match.group(0)

    return TOKEN.sub(swap, clean(text))
