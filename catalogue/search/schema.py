"""The index's fields, analysers and boosts (name > summary > labels > description), and the helpers the features'
document builders share (``catalogue.search.registry``)."""

from __future__ import annotations

import re
from datetime import UTC

from whoosh import fields
from whoosh.analysis import (
    CharsetFilter,
    IntraWordFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.support.charset import accent_map

from catalogue.languages import ORIGINAL, catalogues_stamp, translator
from catalogue.search import languages
from catalogue.search.languages import CONTENT_LANGUAGES, TRANSLATED_FIELDS, field_name
from catalogue.taxonomy import TERM_FIELDS

STATE_ID = "__state__"
# Bump whenever the schema, analysers or document contents change: indexes built otherwise are rebuilt.
SCHEMA_VERSION = 6
FACET_PREFIX = "term_"

# Words only: whoosh-reloaded's default pattern also keeps "*" (for wildcards), so Markdown's **bold** words were
# indexed as "**bold" and never found.
WORDS = r"\w+(\.?\w+)*"
# Prose: words, lowercase, accents folded, English stop words dropped, stemmed ("hashes" finds "hash").
prose = RegexTokenizer(WORDS) | LowercaseFilter() | CharsetFilter(accent_map) | StopFilter() | StemFilter()
# Names also split on case changes and keep the joined form: "PhotoDNA" indexes photo, dna and photodna.
names = (RegexTokenizer(r"\w+(-\w+)*") | IntraWordFilter(mergewords=True, mergenums=True) | LowercaseFilter()
         | CharsetFilter(accent_map) | StemFilter())
# At query time names are split but not merged: "PhotoDNA" asks for photo and dna, "photodna" for the joined form.
names_query = (RegexTokenizer(r"\w+(-\w+)*") | IntraWordFilter(mergewords=False, mergenums=False) | LowercaseFilter()
               | CharsetFilter(accent_map) | StemFilter())
# Unstemmed words for spelling suggestions, built from the index's own vocabulary.
spelling = RegexTokenizer(WORDS) | LowercaseFilter() | CharsetFilter(accent_map)

TEXT_FIELDS = {  # field -> boost
    "name": 6.0,
    "name_joined": 6.0,  # a name's adjacent words written together: "whorlhash" finds Whorl Hash
    "summary": 3.0,
    "labels": 2.0,
    "organisation": 1.5,
    "description": 1.0,
    "responsible_use": 0.7,
}


#: The vocabulary's wording in each language: a tool is found through its classification in any interface language
#: (``terms_fr`` holds the French labels and descriptions of its terms, from the message catalogues), and in English
#: through its terms' descriptions (``term_notes``; the English labels are in ``labels``).
VOCABULARY_BOOST = 2.0
TERM_NOTES_BOOST = 0.5


def vocabulary_field(language: str) -> str:
    return "term_notes" if language == ORIGINAL else field_name("terms", language)


def vocabulary_text(terms) -> dict[str, str]:
    """The index fields describing ``terms`` in every language."""
    found = {"term_notes": " ".join(term.description or "" for term in terms)}
    for language in CONTENT_LANGUAGES:
        translate = translator(language).ugettext
        found[vocabulary_field(language)] = " ".join(
            f"{translate(term.label)} {translate(term.description) if term.description else ''}" for term in terms)
    return found


def state_document(last_change: int) -> dict:
    """The one non-tool document: the last outbox change applied. Sort columns get values so every document has
    them (Whoosh fails reading a numeric column for a document without one). ``wording`` fingerprints the message
    catalogues the vocabulary fields were indexed from."""
    return {"id": STATE_ID, "kind": "state", "last_change": last_change, "schema_version": SCHEMA_VERSION,
            "wording": catalogues_stamp(),
            "name_sort": "", "updated": 0}


QUERY_ANALYZERS = {"name": names_query, "name_joined": names_query, "organisation": names_query,
                   **{field_name(field, language): analyzer for language, analyzer in languages.QUERY_ANALYZERS.items()
                      for field in (*TRANSLATED_FIELDS, "terms")}}


def search_fields(languages: str | tuple[str, ...] | None = None) -> dict[str, float]:
    """The text fields a query searches, with their boosts: the original's, and in each of ``languages`` (the
    reader's, and any other the query is written in) curators' translations and the vocabulary's wording."""
    found = {**TEXT_FIELDS, "term_notes": TERM_NOTES_BOOST}
    for language in (languages,) if isinstance(languages, str) or languages is None else languages:
        if language in CONTENT_LANGUAGES:
            found.update({field_name(field, language): TEXT_FIELDS[field] for field in TRANSLATED_FIELDS})
            found[vocabulary_field(language)] = VOCABULARY_BOOST
    return found


def build_schema() -> fields.Schema:
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        kind=fields.ID(),  # "tool", "guidance", "training", or "state" for the document holding the last change
        slug=fields.ID(stored=True),
        version=fields.STORED(),
        name=fields.TEXT(analyzer=names, field_boost=TEXT_FIELDS["name"], phrase=True),
        name_joined=fields.TEXT(analyzer=names, field_boost=TEXT_FIELDS["name_joined"], phrase=False),
        summary=fields.TEXT(analyzer=prose, field_boost=TEXT_FIELDS["summary"], phrase=True),
        labels=fields.TEXT(analyzer=prose, field_boost=TEXT_FIELDS["labels"], phrase=True),
        organisation=fields.TEXT(analyzer=names, field_boost=TEXT_FIELDS["organisation"], phrase=True),
        description=fields.TEXT(analyzer=prose, field_boost=TEXT_FIELDS["description"], phrase=True),
        responsible_use=fields.TEXT(analyzer=prose, field_boost=TEXT_FIELDS["responsible_use"], phrase=False),
        words=fields.TEXT(analyzer=spelling, phrase=False, spelling=True),
        name_sort=fields.ID(sortable=True),
        updated=fields.NUMERIC(sortable=True, bits=64),
        last_change=fields.STORED(),
        schema_version=fields.STORED(),
        wording=fields.STORED(),
        term_notes=fields.TEXT(analyzer=prose, field_boost=TERM_NOTES_BOOST, phrase=True),
        translations=fields.STORED(),  # which translations, at which version, the document holds (health check)
    )
    for language in CONTENT_LANGUAGES:
        for field in TRANSLATED_FIELDS:
            schema.add(field_name(field, language),
                       fields.TEXT(analyzer=languages.ANALYZERS[language], field_boost=TEXT_FIELDS[field],
                                   phrase=field != "responsible_use"))
    for language in CONTENT_LANGUAGES:
        schema.add(vocabulary_field(language), fields.TEXT(analyzer=languages.ANALYZERS[language],
                                                           field_boost=VOCABULARY_BOOST, phrase=True))
    for field in TERM_FIELDS:
        schema.add(FACET_PREFIX + field, fields.KEYWORD(commas=True))
    return schema


def translation_stamp(translations) -> str:
    """Which translations a document holds, at which version ("fr:2 zh:1"): the health check compares it with the
    database, since saving a translation leaves the entry's own version alone."""
    return " ".join(f"{t.language}:{t.version}" for t in sorted(translations, key=lambda t: t.language)
                    if t.language in CONTENT_LANGUAGES)


def with_translations(document: dict, row, mapping: dict[str, str]) -> dict:
    """Add each translation of ``row`` to ``document`` in its language's fields. Words of languages written with
    spaces also feed spelling suggestions."""
    spelled = []
    for translation in row.translations:
        if translation.language not in CONTENT_LANGUAGES:
            continue
        for field, attribute in mapping.items():
            document[field_name(field, translation.language)] = getattr(translation, attribute) or ""
        if translation.language != "zh":
            spelled += [getattr(translation, mapping[field]) or "" for field in ("name", "summary") if field in mapping]
    document["translations"] = translation_stamp(row.translations)
    if spelled:
        document["words"] = " ".join([document["words"], *spelled])
    return document


def document_id(kind: str, row_id: int) -> str:
    """Tools keep their bare id (facets and ranking read it as a number); other kinds are prefixed."""
    return str(row_id) if kind == "tool" else f"{kind}:{row_id}"


def timestamp(moment) -> int:
    """A naive UTC datetime as the ``updated`` sort key."""
    return int(moment.replace(tzinfo=UTC).timestamp())


def joined_forms(name: str) -> str:
    """A name's adjacent words written together, and the whole name: "Aspenvale Video Digest" gives
    "aspenvalevideo videodigest aspenvalevideodigest", so a query typed without spaces finds it."""
    words = re.findall(r"\w+", name.casefold())
    forms = ["".join(words[i:i + 2]) for i in range(len(words) - 1)]
    if len(words) > 2:
        forms.append("".join(words))
    return " ".join(forms)
