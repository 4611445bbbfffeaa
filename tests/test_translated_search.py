"""Search in the reader's language: each translation is indexed with its language's analyser, and a query searches
the English text and the reader's language."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from catalogue.entry_translations import services
from catalogue.extensions import db
from catalogue.models import GuidancePage, Tool, ToolTranslation, User
from catalogue.search import health, store
from catalogue.search.groups import search_group
from catalogue.search.schema import state_document
from catalogue.search.service import SearchRequest, search
from tests.factories import make_tools, make_user, tool_record

TEXTS = {
    "imagery": {
        "fr": {"summary": "Outil fictif qui aide les équipes à analyser des images saisies.",
               "description": "Il compare les réseaux de comptes et trie les **photographies**.",
               "responsible_use": "Une personne vérifie chaque résultat."},
        "zh": {"summary": "一款用于图像分析的虚构工具。",
               "description": "它比较账户网络，并对照片进行分类。", "responsible_use": "每个结果都由人员核实。"},
        "ar": {"summary": "أداة خيالية تساعد الفرق على تحليل الصور المضبوطة.",
               "description": "تقارن شبكات الحسابات وتفرز الصور الفوتوغرافية.",
               "responsible_use": "يتحقق شخص من كل نتيجة."},
        "ru": {"summary": "Вымышленный инструмент для анализа изъятых изображений.",
               "description": "Он сравнивает сети учётных записей.", "responsible_use": "Человек проверяет результат."},
        "es": {"summary": "Herramienta ficticia para analizar imágenes incautadas.",
               "description": "Compara redes de cuentas.", "responsible_use": "Una persona revisa cada resultado."},
    },
}


@pytest.fixture
def corpus_app(app):
    """Two tools, one translated into every language; no application context is left open (pages are requested
    as a browser would, each in its own context and language)."""
    with app.app_context():
        make_tools(tool_record("imagery", name="Imagery Desk", summary="A fictional desk for seized pictures.",
                               description="It compares account networks.", responsible_use="A person checks it."),
                   tool_record("ledger", name="Ledger Trace", summary="Follows payments on public ledgers.",
                               description="Traces **wallets**.", responsible_use="Check the addresses."))
        translator = make_user("curator")
        tool = db.session.scalar(select(Tool).where(Tool.slug == "imagery"))
        for language, values in TEXTS["imagery"].items():
            services.save_translation(tool, language, values, translator, 0)
    return app


@pytest.fixture
def corpus(corpus_app):
    with corpus_app.app_context():
        yield corpus_app


@pytest.fixture(autouse=True)
def translations_saved_directly(monkeypatch):
    """Search follows translations however they are saved; that a translation of a published entry first waits for
    a second curator is shown in tests/test_proposed_changes.py."""
    monkeypatch.setattr(services, "needs_review", lambda entry: False)



def found(text: str, language: str = "en") -> list[str]:
    return [hit.tool.slug for hit in search(SearchRequest(text=text, language=language)).hits]


def test_a_french_query_finds_french_text_with_stemming_and_only_in_french(corpus):
    assert found("analyse d'images", "fr") == ["imagery"]  # the text says "analyser des images"
    assert found("réseau", "fr") == ["imagery"]  # the text says "réseaux"
    assert found("photographie", "fr") == ["imagery"]  # in Markdown emphasis, singular for plural
    assert found("reseaux", "fr") == ["imagery"]  # typed without the accent
    assert found("analyser des images", "fr") == ["imagery"]  # "des" is a French stop word, not a requirement
    assert found("réseau", "en") == [] and found("réseau", "es") == []


def test_english_still_works_in_every_interface_language(corpus):
    for language in ("en", "fr", "zh", "ar", "ru", "es"):
        assert found("wallets", language) == ["ledger"], language
        assert found("seized pictures", language) == ["imagery"], language


def test_a_chinese_query_finds_chinese_text_by_character_pairs(corpus):
    assert found("图像分析", "zh") == ["imagery"]
    assert found("图", "zh")[0] == "imagery"  # one character (tools labelled 图… in Chinese follow)
    assert found('"图像分析"', "zh") == ["imagery"]  # as a phrase: the pairs in order
    assert found('"分析图像"', "zh") == []  # not in that order
    assert found("分析 照片", "zh") == ["imagery"]
    assert found("图像分析", "en") == ["imagery"]  # Chinese script is searched in Chinese whatever the interface


def test_an_arabic_query_finds_arabic_text_by_its_light_stem(corpus):
    assert found("الصور", "ar") == ["imagery"]
    assert found("صورة", "ar") == ["imagery"]  # "an image" finds "the images"
    assert found("تحليل", "ar") == ["imagery"]
    assert found("الصور", "fr") == ["imagery"]  # Arabic script is searched in Arabic whatever the interface
    assert found("درجة", "ar") == []  # "grade" shares a root with استدراج but is another word


def test_russian_and_spanish_are_stemmed(corpus):
    assert found("изображения", "ru") == ["imagery"]  # the text says "изображений"
    assert found("incautada", "es") == ["imagery"]  # the text says "incautadas"
    assert found("herramientas", "es") == ["imagery"]


def test_hits_show_the_translation_with_the_query_words_marked(corpus):
    hit = search(SearchRequest(text="images", language="fr")).hits[0]
    assert "<mark>images</mark>" in hit.summary and "Outil fictif" in hit.summary
    hit = search(SearchRequest(text="réseau", language="fr")).hits[0]
    assert hit.summary is None and "<mark>réseaux</mark>" in hit.snippet
    hit = search(SearchRequest(text="图像", language="zh")).hits[0]
    assert hit.summary == "一款用于<mark>图像</mark>分析的虚构工具。"


def test_facets_and_sorting_keep_working_in_another_language(corpus):
    result = search(SearchRequest(text="images", language="fr", filters={"purposes": ["referral-triage"]},
                                  sort="name"))
    assert [hit.tool.slug for hit in result.hits] == ["imagery"]
    purposes = next(facet for facet in result.facets if facet.field == "purposes")
    assert {value.slug: value.count for value in purposes.values}["referral-triage"] == 1


def test_saving_and_deleting_a_translation_updates_the_index_through_the_outbox(corpus):
    tool = db.session.scalar(select(Tool).where(Tool.slug == "ledger"))
    translator = db.session.scalar(select(User))
    services.save_translation(tool, "fr", {"summary": "Suit les paiements sur les registres publics.",
                                           "description": "Retrace les portefeuilles.",
                                           "responsible_use": "Vérifiez les adresses."}, translator, 0)
    assert found("portefeuille", "fr") == ["ledger"]
    assert health.check().ok
    saved = services.get_translation(tool, "fr")
    services.save_translation(tool, "fr", {"summary": "Suit les paiements.", "description": "Retrace les fonds.",
                                           "responsible_use": "Vérifiez."}, translator, saved.version)
    assert found("portefeuille", "fr") == [] and found("fonds", "fr") == ["ledger"]
    services.delete_translation(tool, "fr", translator, services.get_translation(tool, "fr").version)
    assert found("fonds", "fr") == []
    assert health.check().ok


@pytest.mark.apply_on_commit
def test_the_check_notices_a_translation_the_index_missed_and_a_rebuild_picks_it_up(corpus, runner):
    corpus.config["SEARCH_APPLY_ON_COMMIT"] = False
    translation = db.session.scalars(select(ToolTranslation).where(ToolTranslation.language == "es")).one()
    translation.summary = "Herramienta ficticia para clasificar fotografías."
    db.session.commit()
    with store.open_index().writer() as writer:  # as if the change had never reached the index
        writer.update_document(**state_document(store.latest_change()))
    report = health.check()
    assert report.stale == ["imagery"]
    result = runner.invoke(args=["search", "rebuild", "--if-needed"])
    assert result.exit_code == 0 and "Search index rebuilt" in result.output
    assert found("fotografía", "es") == ["imagery"] and health.check().ok


def test_an_index_without_translation_fields_is_rebuilt_when_needed(corpus, runner):
    with store.open_index().writer() as writer:
        writer.update_document(**{**state_document(store.latest_change()), "schema_version": 4})
    assert "older version" in health.check().problem
    result = runner.invoke(args=["search", "rebuild", "--if-needed"])
    assert result.exit_code == 0 and "Search index rebuilt: 2 published document(s)" in result.output
    assert found("图像分析", "zh") == ["imagery"]


def test_guidance_is_found_in_the_readers_language(demo_app):
    from catalogue.entry_translations.demo import load_demo_translations

    with demo_app.app_context():
        load_demo_translations()
        group = search_group("seuil de distance", "guidance", language="fr")
        assert [hit.row.slug for hit in group.hits] == ["perceptual-hashing"]
        assert "<mark>seuils</mark>" in str(group.hits[0].summary)
        assert search_group("阈值", "guidance", language="zh").hits[0].row.slug == "perceptual-hashing"
        assert db.session.scalar(select(GuidancePage.id).where(GuidancePage.slug == "perceptual-hashing"))
        # Among 126 tools, the one whose French text says "analyser des images" is near the top for a French reader.
        assert "emberwick-synthetic-screen" in found("analyse d'images", "fr")[:3]
    client = demo_app.test_client()
    client.set_cookie("catalogue_language", "ru")
    html = client.get("/guidance/?q=коллизии").get_data(as_text=True)
    assert '<a href="/guidance/perceptual-hashing" lang="ru">Перцептивное хеширование' in html
    html = client.get("/tools/?q=хеши").get_data(as_text=True)
    assert 'href="/tools/lanterne-hash"' in html and 'id="group-guidance"' in html


def test_the_catalogue_page_searches_in_the_readers_language(corpus_app):
    client = corpus_app.test_client()
    client.set_cookie("catalogue_language", "fr")
    html = client.get("/tools/?q=réseaux").get_data(as_text=True)
    assert 'href="/tools/imagery"' in html and '<p class="snippet" lang="fr">' in html
    english = corpus_app.test_client()
    assert 'href="/tools/imagery"' not in english.get("/tools/?q=réseaux").get_data(as_text=True)


def test_the_command_line_searches_as_a_reader_of_a_language(corpus, runner):
    result = runner.invoke(args=["catalogue", "search", "图像分析", "--language", "zh", "--json"])
    assert result.exit_code == 0 and [r["slug"] for r in json.loads(result.output)["results"]] == ["imagery"]
    result = runner.invoke(args=["catalogue", "search", "图像分析", "--json"])  # Chinese script: searched in Chinese
    assert [r["slug"] for r in json.loads(result.output)["results"]] == ["imagery"]


def test_a_word_in_the_readers_language_ranks_above_the_same_word_in_english(app):
    with app.app_context():
        make_tools(tool_record("english-triage", name="Alpha Desk", summary="A triage desk for incoming referrals.",
                               purposes=["data-analysis"]),
                   tool_record("french-triage", name="Beta Desk", summary="Sorts incoming referrals by urgency.",
                               purposes=["data-analysis"]))
        tool = db.session.scalar(select(Tool).where(Tool.slug == "french-triage"))
        services.save_translation(tool, "fr", {"summary": "Outil de triage des signalements entrants."},
                                  make_user("curator"), 0)
        assert found("triage", "fr") == ["french-triage", "english-triage"]
        assert found("triage", "en") == ["english-triage"]
