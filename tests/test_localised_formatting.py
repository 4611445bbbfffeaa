"""Dates, numbers, plural forms and shipped data wording in the reader's language (docs/languages.md).

The real catalogues are translated elsewhere; these tests do not depend on them. Translated rendering is checked
with small catalogues compiled for the test (tests/translation_helpers.py), using the shipped Plural-Forms.
"""

from __future__ import annotations

import gettext
import re
from io import BytesIO

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import ngettext
from sqlalchemy import insert, select

from catalogue import charts
from catalogue.assessment import questionnaire as qn
from catalogue.extensions import db
from catalogue.languages.formatting import arrow, isolate, number, percent, sort_key, wording
from catalogue.models import AuditEvent, Term, Vocabulary
from catalogue.vocabularies.services import relabel_term
from tests.auth import csrf_token, signed_in
from tests.conftest import empty_app
from tests.factories import make_agency, make_tools, make_user, tool_record
from tests.translation_helpers import SHIPPED, compile_catalogue, fresh_translations

ARABIC_INDIC_DIGITS = re.compile("[\u0660-\u0669\u06f0-\u06f9]")
QUESTIONNAIRE = qn.load()


def page(client, path: str, language: str, **kwargs) -> str:
    client.set_cookie("catalogue_language", language)
    response = client.get(path, **kwargs)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.fixture
def test_catalogues(tmp_path):
    """Where a test compiles its catalogues; the app below reads them instead of the shipped ones."""
    return tmp_path / "translations"


@pytest.fixture
def translated_app(tmp_path, test_catalogues, empty_data_dir):
    with fresh_translations():
        yield from empty_app(tmp_path / "data", empty_data_dir, BABEL_TRANSLATION_DIRECTORIES=str(test_catalogues))


# Dates and numbers ----------

@pytest.mark.parametrize(("language", "shown"), [
    ("en", "Nov 25, 2026"),
    ("fr", "25 nov. 2026"),
    ("es", "25 nov 2026"),
    ("ru", "25 нояб. 2026\u202fг."),
    ("zh", "2026年11月25日"),
    ("ar", "25\u200f/11\u200f/2026"),  # CLDR's Arabic date: Latin digits, right-to-left marks around the slashes
])
def test_a_known_date_reads_the_locale_way_on_the_tool_page(app, client, language, shown):
    with app.app_context():
        make_tools(tool_record("dated-tool", last_reviewed="2026-11-25"))
    html = page(client, "/tools/dated-tool", language)
    assert f'<html lang="{language}"' in html
    assert shown in html


def test_arabic_pages_write_every_number_in_latin_digits_like_their_dates(app, client):
    """The digits decision (docs/languages.md): CLDR's default numbering system for ``ar`` is ``latn``."""
    with app.app_context():
        make_tools(*(tool_record(f"tool-{n}", last_reviewed="2026-11-25") for n in range(3)))
    for path in ("/", "/tools/", "/tools/tool-1", "/workflow", "/about"):
        html = page(client, path, "ar")
        assert 'dir="rtl"' in html
        assert not ARABIC_INDIC_DIGITS.search(html), path
    assert "25\u200f/11\u200f/2026" in page(client, "/tools/tool-1", "ar")


@pytest.mark.parametrize(("language", "grouped"), [
    ("en", "12,345"), ("zh", "12,345"), ("ar", "12,345"),
    ("fr", "12\u202f345"), ("ru", "12\xa0345"), ("es", "12.345"),
])
def test_a_count_in_a_sentence_is_grouped_the_locale_way_on_the_audit_log(closed_app, language, grouped):
    with closed_app.app_context():
        client = signed_in(closed_app, "admin", email="admin@harbour-police.example", agency=make_agency())
        db.session.execute(insert(AuditEvent), [{"action": "test.bulk"}] * 12345)
        db.session.commit()
    html = page(client, "/admin/audit?action=test.bulk", language)
    # the count, wherever the sentence puts it
    assert re.search(rf"(?<![\d.,\xa0\u202f]){re.escape(grouped)}(?![\d])", html)


def test_numbers_and_percentages_follow_the_locale(app):
    for language, big, score in (("en", "1,234.5", "63%"), ("fr", "1\u202f234,5", "63\xa0%"),
                                 ("ru", "1\xa0234,5", "63\xa0%"), ("ar", "1,234.5", "63%")):
        with app.test_request_context(headers={"Accept-Language": language}):
            assert (number(1234.5), percent(63)) == (big, score)
            assert (number(None), percent(None)) == ("", "")


def test_the_assessment_chart_ticks_and_bar_values_are_locale_percentages(app, client):
    answers = {q.id: "2" for q in QUESTIONNAIRE.questions}
    client.set_cookie("catalogue_language", "fr")
    html = client.post("/assessment/", data={"csrf_token": csrf_token(client, "/assessment/"), "name": "",
                                             **answers}).get_data(as_text=True)
    ticks = re.findall(r'<text class="chart-tick"[^>]*>([^<]*)</text>', html)
    assert ticks == ["0\xa0%", "25\xa0%", "50\xa0%", "75\xa0%", "100\xa0%"]
    assert re.search(r'<text class="chart-value score-value"[^>]*>50\xa0%</text>', html)
    assert '<span class="score-number">50\xa0%</span>' in html


# Plural forms ----------

def shipped_rule(language: str):
    header = read_po(BytesIO((SHIPPED / language / "LC_MESSAGES" / "messages.po").read_bytes())).plural_forms
    return gettext.c2py(header.split("plural=", 1)[1].rstrip(";"))


@pytest.mark.parametrize(("language", "order"), [
    ("ar", ("zero", "one", "two", "few", "many", "other")),
    ("ru", ("one", "few", "many")),
    ("fr", ("one", "other")),
    ("es", ("one", "other")),
    ("zh", ("other",)),
])
def test_each_shipped_catalogue_picks_the_cldr_plural_category_for_whole_numbers(language, order):
    """Translators fill msgstr[0], msgstr[1]… in this order (docs/glossary.md); the catalogue's formula must agree
    with CLDR for every count the interface shows."""
    rule, locale = shipped_rule(language), Locale.parse(language)
    for n in range(0, 1001):
        assert order[rule(n)] == locale.plural_form(n), (language, n)


RUSSIAN_TOOLS = ("%(num)s инструмент", "%(num)s инструмента", "%(num)s инструментов")
ARABIC_TOOLS = ("لا أدوات (%(num)s)", "أداة واحدة (%(num)s)", "أداتان (%(num)s)", "%(num)s أدوات", "%(num)s أداةً",
                "%(num)s أداة")


def test_ngettext_picks_the_russian_and_arabic_forms(translated_app, test_catalogues):
    key = ("%(num)s tool", "%(num)s tools")
    compile_catalogue(test_catalogues, "ru", {}, {key: RUSSIAN_TOOLS})
    compile_catalogue(test_catalogues, "ar", {}, {key: ARABIC_TOOLS})
    template = '{{ ngettext("%(num)s tool", "%(num)s tools", n) }}'
    cases = {"ru": {1: "1 инструмент", 3: "3 инструмента", 5: "5 инструментов", 21: "21 инструмент"},
             "ar": {0: "لا أدوات (0)", 1: "أداة واحدة (1)", 2: "أداتان (2)", 3: "3 أدوات", 11: "11 أداةً",
                    100: "100 أداة"}}
    for language, expected in cases.items():
        with translated_app.test_request_context(headers={"Accept-Language": language}):
            assert {n: render_template_string(template, n=n) for n in expected} == expected  # templates
            assert {n: ngettext(*key, n) for n in expected} == expected  # Python


def test_the_home_page_count_takes_the_russian_plural_form(translated_app, test_catalogues):
    singular = "The catalogue lists %(count)s published tool."
    compile_catalogue(test_catalogues, "ru", {}, {(singular, "The catalogue lists %(count)s published tools."): (
        "В каталоге %(count)s опубликованный инструмент.", "В каталоге %(count)s опубликованных инструмента.",
        "В каталоге %(count)s опубликованных инструментов.")})
    client = translated_app.test_client()
    made = 0
    for total, shown in ((1, "1 опубликованный инструмент."), (3, "3 опубликованных инструмента."),
                         (5, "5 опубликованных инструментов."), (21, "21 опубликованный инструмент.")):
        with translated_app.app_context():
            make_tools(*(tool_record(f"tool-{n}") for n in range(made, total)))
        made = total
        assert f"В каталоге {shown}" in page(client, "/", "ru")


# Shipped data wording ----------

FRENCH = {
    "Purpose": "Finalité",
    "Known CSAM detection": "Détection de contenus connus",
    "Finds files that match material already confirmed as CSAM, usually by comparing hashes with reference "
    "databases.": "Repère les fichiers déjà reconnus comme contenus d'abus.",
    "Technology": "Technologie",
    "Computer vision": "Vision par ordinateur",
    "Workflow step": "Étape de l'enquête",
    "Intake and triage": "Réception et tri",
    "Lawfulness": "Licéité",
    "Not in place": "Inexistant",
    QUESTIONNAIRE.principles[0].questions[0].text: "Pour chaque outil, avez-vous noté la loi qui vous y autorise ?",
    QUESTIONNAIRE.principles[0].questions[0].help: "Tout en place : une fiche par outil.",
    QUESTIONNAIRE.principles[0].questions[0].recommendation: "Dressez la liste des outils et de leur base légale.",
}


def test_vocabulary_and_questionnaire_wording_is_translated_where_it_is_shown(translated_app, test_catalogues):
    compile_catalogue(test_catalogues, "fr", FRENCH)
    with translated_app.app_context():
        make_tools(tool_record("hash-tool", purposes=["known-csam-detection"], technologies=["computer-vision"],
                               workflow_steps=["intake-triage"]))
    client = translated_app.test_client()

    catalogue = page(client, "/tools/", "fr")
    assert "<legend>Finalité</legend>" in catalogue  # the facet
    assert re.search(r">Détection de contenus connus <span class=\"count\">\(1\)</span>", catalogue)
    assert 'title="Repère les fichiers déjà reconnus comme contenus d&#39;abus.">Détection de contenus connus</a>' \
        in catalogue  # the card's chip
    chosen = page(client, "/tools/?purposes=known-csam-detection", "fr")
    assert '<span class="chip-vocabulary">Finalité:</span> Détection de contenus connus' in chosen
    tool = page(client, "/tools/hash-tool", "fr")
    assert "<dt>Finalité</dt>" in tool and ">Vision par ordinateur</a>" in tool
    assert ">Détection de contenus connus</span>" in page(client, "/", "fr")  # home: tools by purpose
    about = page(client, "/about", "fr")
    assert ">Finalité</h3>" in about and "<dd>Repère les fichiers déjà reconnus" in about
    workflow = page(client, "/workflow", "fr")
    assert "<span>Vision par ordinateur</span></th>" in workflow and '<th scope="row">Réception et tri</th>' in workflow
    compared = page(client, "/tools/compare?tool=hash-tool&tool=hash-tool", "fr")
    assert '<th scope="row">Finalité</th>' in compared

    questions = page(client, "/assessment/", "fr")
    assert '<span class="principle-title">Licéité</span>' in questions
    assert "Pour chaque outil, avez-vous noté la loi qui vous y autorise ?</legend>" in questions
    assert ">Tout en place : une fiche par outil.</p>" in questions
    assert re.search(r'<label for="law-1-0">Inexistant</label>', questions)
    answers = {q.id: "0" for q in QUESTIONNAIRE.questions}
    result = client.post("/assessment/", data={"csrf_token": csrf_token(client, "/assessment/"), "name": "",
                                               **answers}).get_data(as_text=True)
    assert "Dressez la liste des outils et de leur base légale." in result
    assert 'text-anchor="end" dominant-baseline="middle">Licéité</text>' in result  # the chart's row label


def test_a_term_a_curator_renamed_shows_as_stored(translated_app, test_catalogues):
    compile_catalogue(test_catalogues, "fr", FRENCH)
    with translated_app.app_context():
        make_tools(tool_record("hash-tool", purposes=["known-csam-detection"]))
        term = db.session.scalar(select(Term).where(Term.slug == "known-csam-detection"))
        relabel_term(term, "Hash matching", term.description, make_user("admin", email="a@harbour-police.example",
                                                                          agency=make_agency()))
    html = page(translated_app.test_client(), "/tools/hash-tool", "fr")
    assert ">Hash matching</a>" in html and "Détection de contenus connus" not in html


def test_empty_wording_is_not_the_catalogue_header(translated_app, test_catalogues):
    compile_catalogue(test_catalogues, "fr", FRENCH)
    with translated_app.test_request_context(headers={"Accept-Language": "fr"}):
        assert (wording(""), wording(None), wording("Purpose")) == ("", "", "Finalité")
        assert wording("A label nobody translated") == "A label nobody translated"
        assert db.session.scalar(select(Vocabulary).where(Vocabulary.slug == "purposes")).label == "Purpose"


# Sorting and direction ----------

def test_country_options_sort_by_their_localised_name_ignoring_accents_and_case(client):
    html = page(client, "/account/register", "fr")
    names = re.findall(r'<option value="[A-Z]{2}"[^>]*>([^<]+)</option>', html)
    assert names.index("Danemark") < names.index("Égypte") < names.index("Espagne") < names.index("États-Unis") \
        < names.index("Éthiopie") < names.index("Fidji")
    assert names == sorted(names, key=sort_key)


def test_the_sort_key_ignores_accents_and_case_and_needs_no_system_locale():
    assert sorted(["Zambie", "égypte", "Espagne", "Éthiopie"], key=sort_key) == ["égypte", "Espagne", "Éthiopie",
                                                                                  "Zambie"]
    assert sort_key("Ёлка") == sort_key("елка")


def test_a_right_to_left_chart_is_the_left_to_right_one_mirrored():
    layout = charts.ASSESSMENT
    args = (["A", "B"], [[(100, "100"), (50, "50")]], layout)
    ltr, rtl = charts.bar_chart(*args, ticks=(0, 50, 100), rtl=False), charts.bar_chart(*args, ticks=(0, 50, 100),
                                                                                         rtl=True)
    assert (ltr.direction, rtl.direction) == ("ltr", "rtl")
    assert rtl.label_x == layout.width - ltr.label_x
    for left, right in zip(ltr.rows, rtl.rows, strict=True):
        bar, mirrored = left.bars[0], right.bars[0]
        assert mirrored.width == bar.width
        assert mirrored.x + mirrored.width == layout.width - bar.x  # grows leftwards from the right-hand axis
        assert mirrored.text_x == layout.width - bar.text_x  # the value beyond the bar's end, on its left
    assert [t.x for t in rtl.ticks] == [layout.width - t.x for t in ltr.ticks]  # 0 on the right


def test_charts_follow_the_page_direction(app, client):
    answers = {q.id: "3" for q in QUESTIONNAIRE.questions}
    for language, direction in (("ar", "rtl"), ("en", "ltr")):
        client.set_cookie("catalogue_language", language)
        html = client.post("/assessment/", data={"csrf_token": csrf_token(client, "/assessment/"), "name": "",
                                                 **answers}).get_data(as_text=True)
        assert f'direction="{direction}" role="img"' in html


def test_arrows_point_the_reading_way_and_isolates_wrap_data(app):
    with app.test_request_context(headers={"Accept-Language": "ar"}):
        assert arrow() == "←"
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        assert arrow() == "→"
    assert isolate("H2") == "\u2068H2\u2069"
