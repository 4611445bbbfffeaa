"""Analysers for curators' translations, one per content language, and the index fields that hold them.

Each translated field has a counterpart per language (``summary_fr``, ``description_zh``…) analysed for that
language, with the English field's boost:

- French, Spanish and Russian: Whoosh's Snowball stemmer and stop words (``analyser des images`` and
  ``analyse d'images`` meet at ``analys imag``). French and Spanish accents are folded after stemming, so a query
  typed without accents still matches; Russian ``ё`` is read as ``е``.
- Arabic: light stemming (``arabic_light_stem``: letter forms normalised, common prefixes and suffixes removed), with
  a short list of function words as stop words (Whoosh has none for Arabic). Not root stemming: roots conflate
  unrelated words (استدراج "grooming" and درجة "grade" share a root).
- Chinese has no spaces between words, so text is cut into characters and overlapping character pairs (1–2-grams):
  most Chinese words are one or two characters, pairs keep a two-character word from matching its characters
  scattered around a text, and single characters let a one-character query match. A query longer than one
  character asks for its pairs only (all of them, in any order; in order when quoted).
"""

from __future__ import annotations

import re

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
    Token,
    Tokenizer,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

from catalogue.languages import LANGUAGES, ORIGINAL

#: Languages entries are translated into: every interface language but the original's.
CONTENT_LANGUAGES = tuple(code for code in LANGUAGES if code != ORIGINAL)
#: English fields that have a translated counterpart (guidance titles are indexed in ``name``).
TRANSLATED_FIELDS = ("name", "summary", "description", "responsible_use")
#: For a reader of another language, a word found in text written in that language counts this many times more than
#: the same word found in English text: French "analyse" in an English description is mostly a coincidence.
READER_LANGUAGE_EMPHASIS = 2.0

WORDS = r"\w+(\.?\w+)*"
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\U00030000-\U0003134f"
HAN_RUN = re.compile(f"[{HAN}]+")
PIECES = re.compile(f"[{HAN}]+|(?:(?![{HAN}])\\w)+")

#: Frequent Arabic function words (prepositions, pronouns, particles), written without diacritics.
ARABIC_STOP_WORDS = frozenset({
    "في", "من", "على", "إلى", "الى", "عن", "مع", "هذا", "هذه", "ذلك", "تلك", "هؤلاء", "التي", "الذي",
    "الذين", "اللذين", "اللتين", "أن", "ان", "إن", "أو", "او", "ثم", "كل", "بعض", "قد", "لا", "ما",
    "لم", "لن", "هو", "هي", "هم", "هن", "أنت", "أنتم", "نحن", "كان", "كانت", "يكون", "تكون", "عند",
    "بين", "حتى", "إذا", "اذا", "كما", "أي", "اي", "غير", "بها", "به", "لها", "له", "فيها", "فيه",
    "منها", "منه", "وقد", "وهو", "وهي", "ولا", "وما", "وفي", "ومن", "وعلى", "أيضا", "ايضا", "لكن",
    "بل", "كي", "لكي", "إلا", "الا", "عليه", "عليها", "إليه", "اليه", "ذات", "هنا", "هناك", "حيث",
    "كيف", "متى",
})


#: Frequent words Snowball's lists leave out (its French list has "le" and "la" but not "les").
EXTRA_STOP_WORDS = {"fr": frozenset({"les", "cette", "cet", "leurs", "dont", "celle", "celui", "ceux", "celles",
                                     "lorsque", "lorsqu"})}


def is_han(text: str) -> bool:
    return bool(HAN_RUN.search(text))


def field_name(field: str, language: str) -> str:
    """The index field holding ``field`` translated into ``language``."""
    return f"{field}_{language}"


class HanNgramTokenizer(Tokenizer):
    """Runs of Chinese characters become single characters and overlapping pairs at the position of their first
    character (so a pair sequence can be matched as a phrase); other words are kept whole.

    ``query=True``: a run longer than one character gives its pairs only.
    """

    def __init__(self, query: bool = False):
        self.query = query

    def __eq__(self, other):
        return type(other) is type(self) and other.query == self.query

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True, start_pos=0,
                 start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        position = start_pos
        for match in PIECES.finditer(value):
            piece, offset = match.group(0), match.start()
            if not HAN_RUN.fullmatch(piece):
                yield from self._emit(token, piece, position, start_char + offset, keeporiginal)
                position += 1
                continue
            singles = not self.query or len(piece) == 1
            for index in range(len(piece)):
                if singles:
                    yield from self._emit(token, piece[index], position + index, start_char + offset + index,
                                          keeporiginal)
                if index + 1 < len(piece):
                    yield from self._emit(token, piece[index:index + 2], position + index,
                                          start_char + offset + index, keeporiginal)
            position += len(piece)

    @staticmethod
    def _emit(token, text, position, start, keeporiginal):
        token.text, token.boost, token.stopped = text, 1.0, False
        if keeporiginal:
            token.original = text
        if token.positions:
            token.pos = position
        if token.chars:
            token.startchar, token.endchar = start, start + len(text)
        yield token


#: Arabic folded as readers type it: diacritics (harakat, tanwin, shadda, sukun, dagger alif) and tatweel dropped,
#: hamza forms of alef read as alef, ى as ي and ة as ه. The index and the synonym groups both fold with it.
ARABIC_FOLDS = {**{code: None for code in (*range(0x064B, 0x0660), 0x0670, 0x0640)},
                **str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه"})}
#: Light10 (Larkey, Ballesteros and Connell, 2007): prefixes and suffixes removed, each once, in this order.
ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def arabic_light_stem(word: str) -> str:
    """Light stemming: letter forms normalised, then the conjunction و, the article and attached prepositions, and
    plural, dual, feminine and pronoun endings removed, keeping at least two letters (three for و).

    Root stemmers (ISRI) reduce words to three-letter roots and so conflate unrelated words: استدراج (grooming) and
    درجة (grade) share the root درج. Light stemming keeps them apart while الصور, صور and صورة still meet."""
    word = word.translate(ARABIC_FOLDS)
    if len(word) >= 5 and word.startswith("و"):  # وتحليل, not وجوه (faces), whose و is its own
        word = word[1:]
    for prefix in ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix):]
            break
    for suffix in ARABIC_SUFFIXES:
        suffix = suffix.translate(ARABIC_FOLDS)
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[:-len(suffix)]
    return word


class ArabicLightStemmer(Filter):
    def __call__(self, tokens):
        for token in tokens:
            token.text = arabic_light_stem(token.text)
            yield token


def _prose(language: str):
    if language == "zh":
        return HanNgramTokenizer() | LowercaseFilter()
    chain = RegexTokenizer(WORDS) | LowercaseFilter()
    if language == "ar":
        return chain | StopFilter(stoplist=ARABIC_STOP_WORDS, minsize=1) | ArabicLightStemmer()
    if language == "ru":
        chain = chain | CharsetFilter({ord("ё"): "е"})
    chain = chain | StopFilter(stoplist=stopwords_for_language(language) | EXTRA_STOP_WORDS.get(language, frozenset()),
                               minsize=2) | StemFilter(lang=language)
    if language in ("fr", "es"):
        chain = chain | CharsetFilter(accent_map)
    return chain


ANALYZERS = {language: _prose(language) for language in CONTENT_LANGUAGES}
#: Where the words of a query are analysed differently from indexed text.
QUERY_ANALYZERS = {"zh": HanNgramTokenizer(query=True) | LowercaseFilter()}


def emphasis(language: str) -> dict[str, float]:
    """Ranking weights for a query in ``language``: its translated fields count more (see above)."""
    if language not in CONTENT_LANGUAGES:
        return {}
    return {field_name(field, language): READER_LANGUAGE_EMPHASIS for field in TRANSLATED_FIELDS}


#: Every index field holding a translation.
TRANSLATED_INDEX_FIELDS = frozenset(field_name(field, language) for language in CONTENT_LANGUAGES
                                    for field in TRANSLATED_FIELDS)
