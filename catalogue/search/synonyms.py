"""Domain synonyms and acronyms, curated as data: investigators' words joined to the catalogue's ("bitcoin" and
cryptocurrency, "P2P" and peer-to-peer, "victim ID" and victim identification).

The synonym file (``CATALOGUE_SYNONYMS_FILE``, by default ``catalogue/data/synonyms.json``) is the base. It is
checked when the app starts and parsed once per process. Administrators' changes are rows of ``synonym_groups``
(:class:`~catalogue.models.SynonymGroup`) that replace or delete a shipped group by its key, or add groups of their
own. The query parser asks :func:`lookup`, :func:`max_phrase_words` and :func:`known_words`; they answer from a
per-process cache that one small query per call checks against the database, so an administrator's change reaches
the next search in every worker process, with no reindexing.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError
from whoosh.support.charset import accent_map

from catalogue.config import SYNONYMS_FILE, UnsafeConfiguration
from catalogue.extensions import db
from catalogue.languages import LANGUAGES
from catalogue.models import SynonymGroup
from catalogue.search.languages import ARABIC_FOLDS

MAX_PHRASE_CHARACTERS = 60
MAX_PHRASE_WORDS = 5
MAX_PHRASES = 40
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_KEY_LENGTH = 60
GROUP_FIELDS = frozenset({"key", "phrases", "language", "note"})

SHIPPED, EDITED, ADDED = "shipped", "edited", "added"

#: Folded on top of NFKC, case folding and Whoosh's accent map: dashes, underscores and slashes separate words;
#: Russian ``ё`` is read as ``е``; Arabic is folded as the index folds it (``ARABIC_FOLDS``); the typographic
#: apostrophe is the plain one.
_FOLDS = {**accent_map, **{ord(c): " " for c in "-‐‑‒–—―−_/\\"}, ord("ё"): "е", ord("’"): "'", **ARABIC_FOLDS}


def normalise(text: str) -> str:
    """``text`` as phrases are compared: NFKC, case folded, accents folded, dashes, underscores and slashes as
    spaces, white space collapsed. ``"Peer-to-Peer"`` and ``"peer to peer"`` are the same phrase."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().translate(_FOLDS).split())


# Groups --------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """A set of equivalent words or phrases, for readers of one interface language or (``language`` None) of all."""

    key: str
    phrases: tuple[str, ...]  # as written
    language: str | None = None
    origin: str = SHIPPED  # shipped, edited (a shipped group an administrator changed) or added by an administrator
    version: int = 0  # of the administrators' row; 0: the group is as shipped
    line: int = 0  # in the synonym file; 0 for an administrator's group
    note: str = ""
    normalised: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "normalised", distinct_normalised(self.phrases))

    def applies_to(self, language: str | None) -> bool:
        return self.language is None or self.language == language

    def meets(self, other: Group) -> bool:
        """Whether some reader's searches use both groups (then they may not share a phrase)."""
        return self.language is None or other.language is None or self.language == other.language


def distinct_normalised(phrases: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in map(normalise, phrases) if p))


def phrase_problem(phrase: str) -> str | None:
    """Why ``phrase`` (as written) cannot be in a group, or None."""
    words = normalise(phrase).split()
    if not words:
        return _("A phrase is empty: give a word or a phrase on each line.")
    if len(phrase.strip()) > MAX_PHRASE_CHARACTERS:
        return _("“%(phrase)s” is longer than %(limit)s characters.", phrase=phrase.strip(),
                 limit=MAX_PHRASE_CHARACTERS)
    if len(words) > MAX_PHRASE_WORDS:
        return _("“%(phrase)s” has more than %(limit)s words.", phrase=phrase.strip(), limit=MAX_PHRASE_WORDS)
    return None


def language_problem(language: str | None) -> str | None:
    if language is None or language in LANGUAGES:
        return None
    return _("“%(language)s” is not an interface language: use one of %(codes)s, or none for every language.",
             language=language, codes=", ".join(LANGUAGES))


def size_problem(phrases: Sequence[str]) -> str | None:
    if len(phrases) > MAX_PHRASES:
        return _("A group holds at most %(limit)s phrases; this one has %(count)s.", limit=MAX_PHRASES,
                 count=len(phrases))
    if len(distinct_normalised(phrases)) < 2:
        return _("A group needs at least two different phrases: a word and what it means.")
    return None


def group_problems(phrases: Sequence[str], language: str | None) -> list[str]:
    """What is wrong with a group on its own: its language, each phrase, how many phrases it has."""
    problems = [problem for problem in map(phrase_problem, phrases) if problem]
    if not problems and size_problem(phrases):
        problems.append(size_problem(phrases))
    return [problem for problem in [language_problem(language)] if problem] + problems


def shared_phrases(group: Group, others: Iterable[Group]) -> list[tuple[str, Group]]:
    """Each phrase of ``group`` that another group used by the same readers already has, with that group.

    One phrase in two such groups would chain them into each other, so the file and the administration refuse it."""
    mine = set(group.normalised)
    found = []
    for other in others:
        if other.key != group.key and group.meets(other):
            found += [(phrase, other) for phrase in other.normalised if phrase in mine]
    return found


def describe(group: Group, limit: int = 4) -> str:
    """The group's first phrases, for messages that name it."""
    shown = ", ".join(group.phrases[:limit])
    return shown + (", …" if len(group.phrases) > limit else "")


# The synonym file -----------------------------------------------------------------------------------------------------

class SynonymFileError(UnsafeConfiguration):
    """The synonym file cannot be used; ``problems`` are (line or None, reason), the message names the file."""

    def __init__(self, path: Path | str, problems: list[tuple[int | None, str]]):
        self.path, self.problems = str(path), problems
        lines = [f"{path}:{line}: {reason}" if line else f"{path}: {reason}" for line, reason in problems]
        super().__init__("The synonym file (CATALOGUE_SYNONYMS_FILE) cannot be used:\n" + "\n".join(lines))


def shipped_groups(path: Path | str | None = None) -> tuple[Group, ...]:
    """The groups of the synonym file (the configured one, else the shipped one), parsed once per process.
    Raises :class:`SynonymFileError` with the file, the line and the reason of each problem."""
    if path is None:
        path = current_app.config["CATALOGUE_SYNONYMS_FILE"] if has_app_context() else SYNONYMS_FILE
    return _parse_file(str(Path(path).resolve()))


@lru_cache(maxsize=8)
def _parse_file(path: str) -> tuple[Group, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeError) as error:
        raise SynonymFileError(path, [(None, _("it cannot be read: %(error)s", error=error))]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SynonymFileError(path, [(error.lineno, _("this is not valid JSON: %(reason)s (column %(column)s)",
                                                       reason=error.msg, column=error.colno))]) from None
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise SynonymFileError(path, [(1, _("the file must hold an object with a “groups” list"))])
    if data.get("version") != 1:
        raise SynonymFileError(path, [(1, _("“version” must be 1"))])
    offsets = array_offsets(text, "groups")
    problems: list[tuple[int | None, str]] = []
    groups: list[Group] = []
    for raw, start, end in zip(data["groups"], offsets, [*offsets[1:], len(text)], strict=True):
        group, found = read_group(raw, text, start, end, groups)
        problems += found
        if group is not None:
            groups.append(group)
    if problems:
        raise SynonymFileError(path, problems)
    return tuple(groups)


def read_group(raw: object, text: str, start: int, end: int,
               before: list[Group]) -> tuple[Group | None, list[tuple[int, str]]]:
    """One group of the file, checked against itself and the groups ``before`` it; problems come with their line
    (a phrase's own line when the group spans several)."""
    line = line_at(text, start)
    if not isinstance(raw, dict):
        return None, [(line, _("a group must be an object with a “key” and “phrases”"))]
    unknown = sorted(set(raw) - GROUP_FIELDS)
    if unknown:
        return None, [(line, _("unknown field “%(field)s”: a group has key, phrases, language and note",
                               field=unknown[0]))]
    key, phrases, language = raw.get("key"), raw.get("phrases"), raw.get("language")
    if not isinstance(key, str) or not KEY.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
        return None, [(line, _("a group needs a “key” of lower-case letters a–z, digits and single hyphens, at most "
                               "%(limit)s characters", limit=MAX_KEY_LENGTH))]
    first = next((group for group in before if group.key == key), None)
    if first is not None:
        return None, [(line, _("the key “%(key)s” is already used by the group on line %(line)s", key=key,
                               line=first.line))]
    if not isinstance(phrases, list) or not all(isinstance(p, str) for p in phrases):
        return None, [(line, _("“phrases” of “%(key)s” must be a list of strings", key=key))]
    if language is not None and not isinstance(language, str):
        return None, [(line, _("“language” of “%(key)s” must be a language code or left out", key=key))]
    if not isinstance(raw.get("note", ""), str):
        return None, [(line, _("“note” of “%(key)s” must be a string", key=key))]

    def line_of(phrase: str) -> int:
        for written in (json.dumps(phrase, ensure_ascii=False), json.dumps(phrase)):
            found = text.find(written, start, end)
            if found >= 0:
                return line_at(text, found)
        return line

    problems = [(line, problem) for problem in filter(None, [language_problem(language)])]
    problems += [(line_of(p), problem) for p in phrases for problem in filter(None, [phrase_problem(p)])]
    if not problems and size_problem(phrases):
        problems.append((line, size_problem(phrases)))
    if problems:
        return None, [(where, f"“{key}”: {problem}") for where, problem in problems]
    group = Group(key, tuple(p.strip() for p in phrases), language, line=line, note=raw.get("note", ""))
    by_normalised = {normalise(p): p for p in phrases}
    shared = [(line_of(by_normalised[phrase]),
               _("“%(phrase)s” of “%(key)s” is also in the group “%(other)s” (line %(line)s), which the same readers "
                 "use: a phrase may be in one such group only, or the groups would chain into each other",
                 phrase=by_normalised[phrase], key=key, other=other.key, line=other.line))
              for phrase, other in shared_phrases(group, before)]
    return (None if shared else group), shared


def array_offsets(text: str, member: str) -> list[int]:
    """Where each element of the top-level object's ``member`` array starts in ``text``, which is valid JSON: the
    object's members are decoded one by one with ``raw_decode``, which tells where each one ends."""
    decoder = json.JSONDecoder()
    index = skip_space(text, skip_space(text, 0) + 1)  # past "{"
    found: list[int] = []
    while text[index] != "}":
        name, index = decoder.raw_decode(text, index)
        index = skip_space(text, skip_space(text, index) + 1)  # past ":"
        if name == member and text[index] == "[":
            found, index = [], skip_space(text, index + 1)
            while text[index] != "]":
                found.append(index)
                _value, index = decoder.raw_decode(text, index)
                index = skip_space(text, index)
                index = skip_space(text, index + 1) if text[index] == "," else index
            index += 1
        else:
            _value, index = decoder.raw_decode(text, index)
        index = skip_space(text, index)
        index = skip_space(text, index + 1) if text[index] == "," else index
    return found


def skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def check_file(path: Path | str) -> None:
    """Refuse to start with a synonym file that cannot be used (``create_app`` calls this)."""
    shipped_groups(path)


# The groups in force: the file with administrators' changes -----------------------------------------------------------

@dataclass
class Effective:
    """The groups in force for one state of the administrators' rows, and what the query parser asks of them."""

    signature: tuple
    groups: tuple[Group, ...]
    lookups: dict[str | None, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    words: dict[str | None, frozenset[str]] = field(default_factory=dict)
    longest: int = 1

    def __post_init__(self):
        self.longest = max((len(p.split()) for g in self.groups for p in g.normalised), default=1)


class _Holder:
    """Per application (tests run many in one process): the last groups built, and a lock to build them once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.effective: Effective | None = None


def apply_overrides(shipped: Sequence[Group], rows: Iterable[tuple]) -> tuple[Group, ...]:
    """The shipped groups with the administrators' rows ``(id, key, language, phrases, deleted, version)`` applied
    by key, followed by the administrators' own groups in the order they were added."""
    by_key = {row[1]: row for row in sorted(rows)}
    groups = []
    for group in shipped:
        row = by_key.pop(group.key, None)
        if row is None:
            groups.append(group)
        elif not row[4]:
            groups.append(Group(group.key, tuple(row[3]), row[2], EDITED, row[5], group.line, group.note))
    groups += [Group(row[1], tuple(row[3]), row[2], ADDED, row[5]) for row in by_key.values() if not row[4]]
    return tuple(groups)


#: Plain SQL on purpose: through the ORM the same query costs four times as much, and it runs on every search.
SIGNATURE = f"SELECT count(id), coalesce(sum(version), 0) FROM {SynonymGroup.__tablename__}"
ROWS = select(SynonymGroup.id, SynonymGroup.key, SynonymGroup.language, SynonymGroup.phrases, SynonymGroup.deleted,
              SynonymGroup.version)


def effective() -> Effective:
    """The groups in force now. One query compares the administrators' rows with the cached state (every change
    adds a row or raises a version, so their count and version sum grow); only a change rebuilds it."""
    if not has_app_context():
        return _shipped_only(str(SYNONYMS_FILE))
    app = current_app._get_current_object()
    holder = app.extensions.get("catalogue.synonyms") or app.extensions.setdefault("catalogue.synonyms", _Holder())
    try:
        signature = tuple(db.session.connection().exec_driver_sql(SIGNATURE).one())
    except (OperationalError, ProgrammingError):  # no synonym_groups table: the database is not migrated yet
        db.session.rollback()
        return _shipped_only(str(app.config["CATALOGUE_SYNONYMS_FILE"]))
    current = holder.effective
    if current is not None and current.signature == signature:
        return current
    with holder.lock:
        if holder.effective is None or holder.effective.signature != signature:
            rows = [tuple(row) for row in db.session.execute(ROWS)]
            holder.effective = Effective(signature, apply_overrides(shipped_groups(), rows))
        return holder.effective


@lru_cache(maxsize=8)
def _shipped_only(path: str) -> Effective:
    return Effective((), shipped_groups(path))


def effective_groups() -> tuple[Group, ...]:
    return effective().groups


# What the query parser asks -------------------------------------------------------------------------------------------

def lookup(language: str | None) -> dict[str, tuple[str, ...]]:
    """For each normalised phrase of the groups that readers of ``language`` use, the other phrases of its group
    (normalised). The same dict is handed to every caller until the groups change: read it, never change it."""
    state = effective()
    language = language if language in LANGUAGES else None
    found = state.lookups.get(language)
    if found is None:
        found = state.lookups.setdefault(language, lookup_table(state.groups, language))
    return found


def lookup_table(groups: Iterable[Group], language: str | None) -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in groups:
        if not group.applies_to(language):
            continue
        for phrase in group.normalised:
            others = tuple(p for p in group.normalised if p != phrase)
            # Two groups sharing a phrase only arise from simultaneous administrators' edits: use both.
            table[phrase] = tuple(dict.fromkeys(table[phrase] + others)) if phrase in table else others
    return table


def max_phrase_words() -> int:
    """The most words any phrase of any group has: how many words the query parser joins to look for phrases."""
    return effective().longest


def known_words(language: str | None) -> frozenset[str]:
    """Every single word (normalised) of the phrases readers of ``language`` use, so that spelling correction never
    "corrects" a word a synonym group knows (``tor`` into ``for``)."""
    state = effective()
    language = language if language in LANGUAGES else None
    found = state.words.get(language)
    if found is None:
        found = frozenset(word for group in state.groups if group.applies_to(language)
                          for phrase in group.normalised for word in phrase.split())
        found = state.words.setdefault(language, found)
    return found
