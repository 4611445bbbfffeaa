"""Query understanding: the filters a query's words name ("air-gapped", "gratuit", "видео"), offered beside the
results as one-click chips and never applied unasked, and the words spelling correction must leave alone."""

from __future__ import annotations

from functools import lru_cache

from catalogue.languages import LANGUAGES, translator
from catalogue.search import synonyms
from catalogue.search.query import QUERY_FILLER, TOKEN, ParsedQuery, analysed
from catalogue.taxonomy import TERM_FIELDS

MAX_CHIPS = 3
LONGEST_LABEL = 5  # words


@lru_cache(maxsize=8192)
def labels_in_every_language(label: str) -> frozenset[str]:
    """``label`` (a term's, as stored) and its wording in each interface language, normalised."""
    found = {synonyms.normalise(label)}
    found.update(synonyms.normalise(translator(code).ugettext(label)) for code in LANGUAGES)
    return frozenset(text for text in found if text and not _trivial(text))


def _trivial(text: str) -> bool:
    """A label too common to stand for a filter on its own ("None", "Partial")."""
    return " " not in text and (text in QUERY_FILLER or not analysed(text, "description"))


def vocabulary_words(vocabularies) -> frozenset[str]:
    """Every word of every term label, in every interface language (normalised)."""
    words = set()
    for vocabulary in vocabularies:
        for term in vocabulary.terms:
            for label in labels_in_every_language(term.label):
                words.update(label.split())
    return frozenset(words)


def typed_phrases(parsed: ParsedQuery) -> list[str]:
    """Runs of up to ``LONGEST_LABEL`` consecutive words as typed (exclusions left out), longest first, then each
    synonym the search added."""
    words = []
    for match in TOKEN.finditer(parsed.text):
        if match["neg"] or match["negword"]:
            continue
        words.append(match["phrase"] if match["word"] is None else match["word"])
    runs = [" ".join(words[start:start + size]) for size in range(min(LONGEST_LABEL, len(words)), 0, -1)
            for start in range(len(words) - size + 1)]
    runs += [alternative for _typed, alternatives in parsed.expanded for alternative in alternatives]
    return [synonyms.normalise(run) for run in runs]


def suggested_filters(parsed: ParsedQuery, facets) -> list[tuple]:
    """(facet, value, the words that named it) for vocabulary values the query names in any language, that are not
    selected yet and would leave tools listed; at most ``MAX_CHIPS``, longest matches first."""
    if parsed.empty:
        return []
    named: dict[str, list[tuple]] = {}
    for facet in facets:
        if facet.field not in TERM_FIELDS:
            continue
        for value in facet.values:
            if value.selected or not value.count:
                continue
            for label in labels_in_every_language(value.label):
                named.setdefault(label, []).append((facet, value))
    found, seen = [], set()
    for phrase in typed_phrases(parsed):
        for facet, value in named.get(phrase, []):
            if (facet.field, value.slug) not in seen:
                seen.add((facet.field, value.slug))
                found.append((facet, value, phrase))
    return found[:MAX_CHIPS]
