"""The message catalogues are complete, current and well formed, and templates leave no string untranslatable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from catalogue.config import load_settings

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "catalogue" / "translations"
LANGUAGES = [code for code in load_settings({})["LANGUAGES"] if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%%")
PLURAL_NUMBER = {"%(num)s", "%(num)d", "%(count)s", "%(count)d"}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2), "pgettext": ((1, "c"), 2),
            "npgettext": ((1, "c"), 2, 3)}


def catalogue(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


def extracted_messages() -> set[str]:
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.fixture(scope="module")
def source_messages() -> set[str]:
    return extracted_messages()


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_entry_is_translated_and_none_is_fuzzy(code):
    messages = catalogue(code)
    assert not messages.fuzzy, f"{code}: the catalogue header is marked fuzzy"
    problems = []
    for message in messages:
        if not message.id:
            continue
        label = message.id[0] if message.pluralizable else message.id
        if message.fuzzy:
            problems.append(f"fuzzy: {label!r}")
        strings = message.string if message.pluralizable else (message.string,)
        if message.pluralizable and len(strings) != messages.num_plurals:
            problems.append(f"{len(strings)} plural forms instead of {messages.num_plurals}: {label!r}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"untranslated: {label!r}")
    assert not problems, f"{code}: {len(problems)} problems, first ones: " + "\n".join(problems[:20])


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_every_placeholder(code):
    problems = []
    for message in catalogue(code):
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        strings = message.string if message.pluralizable else (message.string,)
        # A plural form may leave out the number where the grammar carries it (Arabic "one day", "two days").
        may_omit = PLURAL_NUMBER if message.pluralizable else set()
        for string in filter(None, strings):  # an empty one is the other test's business
            found = set(PLACEHOLDER.findall(string))
            if found - expected or (expected - found - may_omit):
                problems.append(f"{ids[0]!r} → {string!r}")
    assert not problems, f"{code}: placeholders differ in {len(problems)} entries: " + "\n".join(problems[:10])


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_catalogue_holds_every_string_of_the_code(code, source_messages):
    translated = {m.id[0] if m.pluralizable else m.id for m in catalogue(code) if m.id}
    missing = sorted(source_messages - translated)
    assert not missing, (f"{code}: {len(missing)} strings are not in the catalogue; run `make messages` and "
                         f"translate them: {missing[:10]}")


def test_the_template_file_is_current(source_messages):
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = {m.id[0] if m.pluralizable else m.id for m in read_po(handle) if m.id}
    assert source_messages == template, "messages.pot is out of date: run `make messages`"


# --- The template check: text that reaches the reader must go through _() -------------------------------------

#: Attributes a reader sees or hears.
READABLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt", "label", "summary", "aria-description")
READABLE = re.compile(r'\b(?:%s)="([^"]*)"' % "|".join(READABLE_ATTRIBUTES))  # noqa: UP031
#: Codes, units and standards shown as they are in every language.
UNTRANSLATED_TOKENS = {"UTC", "CSV", "JSON", "SVG", "ICS", "H0", "H1", "H2", "H3"}


def unwrapped_strings(source: str) -> list[str]:
    """The words of a Jinja template that would reach the page without passing through gettext."""
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%-?\s*trans\b.*?{%-?\s*endtrans\s*-?%}", " ", source, flags=re.S)
    source = re.sub(r"{%-?\s*block body_class\s*-?%}.*?{%-?\s*endblock\s*-?%}", " ", source, flags=re.S)  # CSS
    source = re.sub(r"{%.*?%}|{{.*?}}", " ", source, flags=re.S)
    source = re.sub(r"<(script|style)\b.*?</\1>|<!--.*?-->", " ", source, flags=re.S)
    source = re.sub(r"<code>.*?</code>", " ", source, flags=re.S)
    found = []
    for tag in re.findall(r"<[^>]*>", source):
        for value in READABLE.findall(tag):
            if re.search(r"[^\W\d_]{2,}", value):
                found.append(value)
        if re.match(r"<input\b", tag) and re.search(r'type="(submit|button|reset)"', tag):
            found += [v for v in re.findall(r'\bvalue="([^"]*)"', tag) if re.search(r"[^\W\d_]{2,}", v)]
    text = re.sub(r"<[^>]*>", "\n", source)
    for chunk in re.split(r"\n", text):
        words = [w for w in re.findall(r"[^\W\d_]{2,}", chunk) if w not in UNTRANSLATED_TOKENS]
        if words and not re.fullmatch(r"\s*&\w+;\s*", chunk):
            found.append(chunk.strip())
    return found


def test_templates_wrap_every_readable_string():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            problems += [f"{path.relative_to(ROOT)}: {text!r}" for text in unwrapped_strings(path.read_text())]
    assert not problems, "wrap these in {{ _(\"…\") }}:\n" + "\n".join(problems)


@pytest.mark.parametrize("snippet", [
    "<p>Hello there</p>",
    '<input type="text" placeholder="Search tools">',
    '<img src="x.png" alt="Logo of the site">',
    '<button aria-label="Close the panel">×</button>',
    '<input type="submit" value="Send">',
    "<h1>{{ title }} and more</h1>",
])
def test_the_template_check_finds_unwrapped_text(snippet):
    assert unwrapped_strings(snippet)


@pytest.mark.parametrize("snippet", [
    '<p>{{ _("Hello there") }}</p>',
    '<input type="text" placeholder="{{ _(\'Search tools\') }}">',
    '<button type="submit" name="action" value="save">{{ _("Save") }}</button>',
    "<td>UTC</td>",
    "{# a comment with words #}",
    "{% trans %}Hello {{ name }}{% endtrans %}",
    '<a href="/tools/">{{ tool.name }}</a>',
])
def test_the_template_check_lets_wrapped_text_through(snippet):
    assert not unwrapped_strings(snippet)
