"""Curators translate tool entries and guidance pages; readers see them in their language, or the English original
with a notice."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, func, select

from catalogue.curation import editing
from catalogue.entry_translations.demo import load_demo_translations
from catalogue.extensions import db
from catalogue.models import AuditEvent, GuidancePage, GuidanceTranslation, Tool, ToolTranslation, User
from tests.auth import csrf_token
from tests.curation_helpers import curator_clients, version_on
from tests.factories import make_tools, make_user, tool_record
from tests.test_assessment import every, form_data
from tests.test_guidance import publish_guidance
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the fixture, for the PostgreSQL test
from tests.training_helpers import make_training
from tests.translation_helpers import said

FRENCH = {"summary": "Un outil fictif qui trie les signalements.",
          "description": "Il **classe** les signalements.<script>alert(1)</script>",
          "responsible_use": "Gardez une personne dans la boucle."}


@pytest.fixture(autouse=True)
def translations_saved_directly(monkeypatch):
    """These tests are about the translations themselves (checks, versions, readers): they save them as on an entry
    readers do not see yet. That a translation of a published entry waits for a second curator is shown in
    tests/test_proposed_changes.py."""
    from catalogue.entry_translations import services

    monkeypatch.setattr(services, "needs_review", lambda entry: False)


@pytest.fixture
def tool_id(app) -> int:
    with app.app_context():
        make_tools(tool_record(summary="A fictional tool that sorts reports.", description="It **ranks** reports.",
                               responsible_use="Keep a human in the loop."),
                   tool_record("second-tool", summary="Another fictional tool."))
        return db.session.scalar(select(Tool.id).where(Tool.slug == "sample-tool"))


@pytest.fixture
def curator(app):
    return curator_clients(app, "translator@harbour-police.example")[0]


def page_for(language: str | None, app, path: str, **kwargs):
    client = app.test_client()
    if language:
        client.set_cookie("catalogue_language", language)
    response = client.get(path, **kwargs)
    return response.status_code, response.get_data(as_text=True)


def translate(client, kind: str, entry_id: int, language: str, values: dict, version: str | None = None):
    path = f"/curation/{kind}/{entry_id}/translations/{language}"
    token = csrf_token(client, path)
    version = version if version is not None else version_on(client, path)
    return client.post(path, data={**values, "version": version, "csrf_token": token})


TRANSLATED_ON = "Translated by curators from English on %(date)s."
STALE = "The English original has changed since; it may say more."
MISSING = "This entry is not yet available in %(language)s; it is shown in English."
MISSING_IN_LIST = ("%(count)s entry here is not yet available in %(language)s; it is shown in English.",
                   "%(count)s entries here are not yet available in %(language)s; they are shown in English.")


def lead(html: str) -> str:
    return re.search(r'<p class="lead"[^>]*>.*?</p>', html, re.S).group(0)


def test_the_entry_page_lists_every_language_and_its_state(app, tool_id, curator):
    html = curator.get(f"/curation/tools/{tool_id}").get_data(as_text=True)
    section = html[html.index('id="translations"'):]
    for code in ("ar", "zh", "fr", "ru", "es"):
        assert f'href="/curation/tools/{tool_id}/translations/{code}"' in section
    assert 'href="/curation/tools/' + str(tool_id) + '/translations/en"' not in section
    assert section.count(">Missing<") == 5

    assert translate(curator, "tools", tool_id, "fr", FRENCH).status_code == 303
    section = curator.get(f"/curation/tools/{tool_id}").get_data(as_text=True)
    section = section[section.index('id="translations"'):]
    assert section.count(">Missing<") == 4 and ">Up to date<" in section and "Translator" in section


def test_the_translation_page_shows_the_original_beside_each_field(app, tool_id, curator):
    response = curator.get(f"/curation/tools/{tool_id}/translations/ar")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "English original: Summary" in html and "A fictional tool that sorts reports." in html
    assert 'lang="en" dir="ltr">It **ranks** reports.' in html  # the Markdown source, to keep its formatting
    assert re.search(r'<textarea[^>]*dir="rtl"[^>]*lang="ar"[^>]*name="summary"', html)


def test_saving_cleans_markdown_audits_and_readers_see_it_marked_with_its_language(app, tool_id, curator):
    response = translate(curator, "tools", tool_id, "fr", FRENCH)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/curation/tools/{tool_id}#translations")
    with app.app_context():
        saved = db.session.scalars(select(ToolTranslation)).one()
        assert saved.description == "Il **classe** les signalements." and saved.demo is False
        assert saved.source["summary"] == "A fictional tool that sorts reports."
        assert saved.translated_by.email == "translator@harbour-police.example"
        event_ = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "tool.translate")).one()
        assert (event_.target, event_.detail) == ("tool:sample-tool", "fr: added")

    status, html = page_for("fr", app, "/tools/sample-tool")
    assert status == 200
    assert lead(html) == '<p class="lead" lang="fr">Un outil fictif qui trie les signalements.</p>'
    assert '<div lang="fr"><p>Il <strong>classe</strong> les signalements.</p>' in html
    assert "<script>" not in html.split("</header>")[1]
    assert said("fr", TRANSLATED_ON) in html
    assert said("fr", STALE) not in html
    assert 'href="/tools/sample-tool?original=1"' in html
    assert 'content="Un outil fictif qui trie les signalements."' in html  # the meta description too


def test_readers_without_a_translation_see_the_original_marked_english_with_a_notice(app, tool_id, curator):
    translate(curator, "tools", tool_id, "fr", FRENCH)
    status, html = page_for("es", app, "/tools/sample-tool")
    assert lead(html) == '<p class="lead" lang="en">A fictional tool that sorts reports.</p>'
    assert said("es", MISSING, language="español") in html
    _status, html = page_for("ar", app, "/tools/sample-tool")  # an English text on a right-to-left page
    assert lead(html) == '<p class="lead" lang="en" dir="ltr">A fictional tool that sorts reports.</p>'
    _status, html = page_for(None, app, "/tools/sample-tool")
    assert lead(html) == '<p class="lead" lang="en">A fictional tool that sorts reports.</p>'
    assert "not yet available" not in html and "Translated by curators" not in html  # English readers read the original


def test_a_changed_original_is_announced_and_the_original_is_one_link_away(app, tool_id, curator):
    translate(curator, "tools", tool_id, "fr", FRENCH)
    with app.app_context():
        tool = db.session.get(Tool, tool_id)
        values = {**editing.revisions.snapshot(tool), "summary": "A fictional tool that sorts and ranks reports."}
        author = db.session.scalars(select(User)).first()
        change = editing.propose_edit(tool, values, author, tool.version)
        editing.proposals.approve(change, make_user("curator", email="second@harbour-police.example"),
                                  change.version)

    _status, html = page_for("fr", app, "/tools/sample-tool")
    assert "Un outil fictif qui trie les signalements." in lead(html)
    assert said("fr", STALE) in html
    _status, html = page_for("fr", app, "/tools/sample-tool?original=1")
    assert lead(html) == '<p class="lead" lang="en">A fictional tool that sorts and ranks reports.</p>'
    assert said("fr", "You are reading the English original.") in html and 'href="/tools/sample-tool">' in html

    page = curator.get(f"/curation/tools/{tool_id}").get_data(as_text=True)
    assert ">The English original changed since<" in page
    edit = curator.get(f"/curation/tools/{tool_id}/translations/fr").get_data(as_text=True)
    assert "The English original has changed since this translation was saved" in edit
    assert "sorts <ins>and ranks </ins>reports." in edit  # what changed in the English, word by word

    # Saving the translation unchanged confirms it still says the same: it is up to date again.
    assert translate(curator, "tools", tool_id, "fr", FRENCH).status_code == 303
    _status, html = page_for("fr", app, "/tools/sample-tool")
    assert said("fr", STALE) not in html and said("fr", TRANSLATED_ON) in html


@pytest.mark.parametrize("values, message", [
    ({**FRENCH, "summary": "x" * 301}, "Field cannot be longer than 300 characters."),
    ({**FRENCH, "responsible_use": ""}, "Translate this text too: the English original has it."),
])
def test_bad_input_is_400_with_a_message_and_the_input_kept(app, tool_id, curator, values, message):
    response = translate(curator, "tools", tool_id, "ru", values)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "Il **classe** les signalements." in html  # what was typed is still in the form
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ToolTranslation)) == 0


def test_the_original_language_is_explained_and_unknown_ones_are_not_found(app, tool_id, curator):
    path = f"/curation/tools/{tool_id}/translations/en"
    token = csrf_token(curator, f"/curation/tools/{tool_id}/translations/fr")
    for response in (curator.get(path), curator.post(path, data={**FRENCH, "version": "0", "csrf_token": token}),
                     curator.post(f"{path}/delete", data={"delete-version": "1", "csrf_token": token})):
        assert response.status_code == 400 and b"Entries are written in English" in response.data
    assert curator.get(f"/curation/tools/{tool_id}/translations/xx").status_code == 404
    assert curator.get(f"/curation/tools/{tool_id}/translations/de").status_code == 404
    assert curator.get("/curation/tools/99999/translations/fr").status_code == 404
    assert curator.get("/curation/guidance/99999/translations/fr").status_code == 404
    response = curator.post(f"/curation/tools/{tool_id}/translations/fr/delete",
                            data={"delete-version": "1", "csrf_token": token})
    assert response.status_code == 404  # there is no translation to delete
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.like("tool.%translate"))) == 0


def test_two_curators_saving_the_same_translation_the_second_is_told_and_keeps_their_text(app, tool_id):
    first, second = curator_clients(app, "one@harbour-police.example", "two@harbour-police.example")
    path = f"/curation/tools/{tool_id}/translations/fr"
    token_first, token_second = csrf_token(first, path), csrf_token(second, path)
    assert first.post(path, data={**FRENCH, "version": "0", "csrf_token": token_first}).status_code == 303
    theirs = {**FRENCH, "summary": "Un outil fictif pour trier les signalements."}
    response = second.post(path, data={**theirs, "version": "0", "csrf_token": token_second})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Someone else saved this translation" in html
    assert "Un outil fictif pour trier les signalements." in html  # their text, kept
    assert "Un outil fictif qui trie les signalements." in html  # beside what was saved meanwhile
    with app.app_context():
        assert db.session.scalars(select(ToolTranslation)).one().summary == FRENCH["summary"]
    # The form now carries the saved version: sending it again replaces the translation.
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    assert second.post(path, data={**theirs, "version": version, "csrf_token": token_second}).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(ToolTranslation)).one().summary == theirs["summary"]


def test_deleting_needs_the_current_version_and_brings_back_the_notice(app, tool_id, curator):
    translate(curator, "tools", tool_id, "fr", FRENCH)
    path = f"/curation/tools/{tool_id}/translations/fr"
    token = csrf_token(curator, path)
    response = curator.post(f"{path}/delete", data={"delete-version": "7", "csrf_token": token})
    assert response.status_code == 409 and b"was not deleted" in response.data
    response = curator.post(f"{path}/delete", data={"delete-version": version_on(curator, path),
                                                    "csrf_token": token})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ToolTranslation)) == 0
        event_ = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "tool.untranslate")).one()
        assert event_.detail == "fr"
    _status, html = page_for("fr", app, "/tools/sample-tool")
    assert said("fr", MISSING, language="français") in html


def test_guidance_pages_are_translated_and_shown_wherever_they_are_listed(app):
    with app.app_context():
        make_tools(tool_record("face-finder", name="Face Finder", technologies=["face-analysis"]))
    page_id = publish_guidance(app)
    curator = curator_clients(app, "translator@harbour-police.example")[0]
    chinese = {"title": "核查人脸匹配", "summary": "在根据人脸匹配采取行动之前应核查的事项。",
               "body": "## 开始之前\n\n匹配是**线索**，不是身份认定。"}
    assert translate(curator, "guidance", page_id, "zh", chinese).status_code == 303
    with app.app_context():
        slug = db.session.get(GuidancePage, page_id).slug
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "guidance.translate")).one()

    _status, html = page_for("zh", app, f"/guidance/{slug}")
    assert '<h1 id="guidance-title"><span lang="zh">核查人脸匹配</span>' in html
    assert "<title>核查人脸匹配" in html
    assert '<div class="guidance-body" lang="zh"><h2>开始之前</h2>' in html
    assert said("zh", TRANSLATED_ON) in html
    _status, html = page_for("zh", app, "/guidance/")
    assert f'<a href="/guidance/{slug}" lang="zh">核查人脸匹配</a>' in html
    _status, html = page_for("zh", app, "/tools/face-finder")  # "Before you use this tool"
    before = html[html.index('id="before-use-title"'):]
    assert '<a href="/guidance/checking-face-matches" lang="zh">核查人脸匹配</a>' in before
    _status, html = page_for("zh", app, "/tools/face-finder/print")
    assert '<span lang="zh">核查人脸匹配</span>' in html
    _status, html = page_for("ru", app, "/guidance/")
    assert f'<a href="/guidance/{slug}" lang="en">Checking face matches</a>' in html
    assert said("ru", MISSING_IN_LIST, 1, language="русский") in html


def test_lists_and_compare_show_translations_and_count_what_is_untranslated(app, tool_id, curator):
    translate(curator, "tools", tool_id, "fr", FRENCH)
    _status, html = page_for("fr", app, "/tools/")
    assert '<p lang="fr">Un outil fictif qui trie les signalements.</p>' in html
    assert '<p lang="en">Another fictional tool.</p>' in html
    assert said("fr", MISSING_IN_LIST, 1, language="français") in html
    assert html.count(said("fr", TRANSLATED_ON)) == 1
    _status, html = page_for("fr", app, "/tools/compare?tool=sample-tool&tool=second-tool")
    assert '<p lang="fr">Un outil fictif qui trie les signalements.</p>' in html
    assert '<td class="prose" lang="fr"><p>Gardez une personne dans la boucle.</p>' in html
    assert '<p lang="en">Another fictional tool.</p>' in html


def test_lists_load_translations_in_one_query_whatever_their_length(app, curator):
    def statements_for(path: str) -> int:
        count = [0]

        def counted(*_args):
            count[0] += 1

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", counted)
        try:
            status, _html = page_for("fr", app, path)
            assert status == 200
        finally:
            with app.app_context():
                event.remove(db.engine, "before_cursor_execute", counted)
        return count[0]

    def add_translated(count: int, start: int) -> None:
        with app.app_context():
            make_tools(*(tool_record(f"tool-{n}") for n in range(start, start + count)))
            ids = db.session.scalars(select(Tool.id).where(Tool.slug.like("tool-%"))).all()
        for entry_id in ids[start:]:
            translate(curator, "tools", entry_id, "fr", {"summary": f"Outil {entry_id}.", "description": "",
                                                         "responsible_use": ""})

    add_translated(2, 0)
    page_for("fr", app, "/tools/")  # warm the index and caches
    few = statements_for("/tools/")
    add_translated(8, 2)
    page_for("fr", app, "/tools/")
    assert statements_for("/tools/") == few


def test_the_demo_loader_adds_translations_once_and_keeps_curators_edits(demo_app):
    with demo_app.app_context():
        assert load_demo_translations() >= 25
        tools = db.session.scalar(select(func.count(func.distinct(ToolTranslation.tool_id))))
        languages = set(db.session.scalars(select(ToolTranslation.language)))
        assert tools >= 4 and languages == {"ar", "zh", "fr", "ru", "es"}
        assert set(db.session.scalars(select(GuidanceTranslation.language))) == languages
        assert all(db.session.scalars(select(ToolTranslation.demo)))
        edited = db.session.scalars(select(ToolTranslation).where(ToolTranslation.language == "fr")).first()
        edited.summary = "Changé par une personne."
        db.session.commit()
        assert load_demo_translations() == 0
        assert db.session.get(ToolTranslation, edited.id).summary == "Changé par une personne."
    client = demo_app.test_client()
    client.set_cookie("catalogue_language", "es")
    html = client.get("/tools/eastmoor-chat-lens").get_data(as_text=True)
    assert said("es", STALE) in html  # the stale example
    client.set_cookie("catalogue_language", "ar")
    html = client.get("/guidance/perceptual-hashing").get_data(as_text=True)
    assert '<span lang="ar">البصمة الإدراكية: ما تثبته المطابقة وما لا تثبته</span>' in html


def test_the_demo_command_loads_translations_on_an_existing_catalogue(tmp_path, demo_data_dir):
    from tests.conftest import copy_data_dir, make_app

    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path)
    result = app.test_cli_runner().invoke(args=["catalogue", "demo", "--if-empty"])
    assert result.exit_code == 0 and "Demo translations of demo tools and guidance pages: 25 added." in result.output
    again = app.test_cli_runner().invoke(args=["catalogue", "demo", "--if-empty"])
    assert "Demo translations of demo tools and guidance pages: 0 added." in again.output
    with app.app_context():
        db.engine.dispose()


def test_a_translation_saved_between_the_check_and_the_write_is_a_conflict(app, tool_id, monkeypatch):
    """Two curators adding the same language at the same instant: the database's unique constraint decides."""
    from catalogue.entry_translations import services

    with app.app_context():
        tool, author = db.session.get(Tool, tool_id), db.session.scalars(select(User)).first()
        services.save_translation(tool, "fr", FRENCH, author, 0)
        monkeypatch.setattr(services, "get_translation", lambda *_args: None)  # as if read before it existed
        with pytest.raises(services.TranslationConflict):
            services.save_translation(tool, "fr", {**FRENCH, "summary": "Autre."}, author, 0)
        monkeypatch.undo()
        assert services.get_translation(tool, "fr").summary == FRENCH["summary"]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "tool.translate")) == 1


@pytest.fixture
def migrated_postgres(postgres_app):  # noqa: F811 - the fixture imported above
    """A fresh PostgreSQL database with the tables as the migrations make them, the vocabularies and an index."""
    from flask_migrate import upgrade

    from catalogue.search import store
    from catalogue.taxonomy import sync_vocabularies

    with postgres_app.app_context():
        upgrade()  # the migration, not create_all: the tables as production has them
        sync_vocabularies()
        store.rebuild()
    return postgres_app


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_translations_on_postgresql(migrated_postgres, monkeypatch):
    from catalogue.entry_translations import services

    app = migrated_postgres
    with app.app_context():
        make_tools(tool_record(summary="A fictional tool that sorts reports.", description="It **ranks** reports.",
                               responsible_use="Keep a human in the loop."))
        tool_id = db.session.scalar(select(Tool.id))
    curator = curator_clients(app, "translator@harbour-police.example")[0]
    assert translate(curator, "tools", tool_id, "fr", FRENCH).status_code == 303
    assert translate(curator, "tools", tool_id, "fr", FRENCH, version="0").status_code == 409
    assert translate(curator, "tools", tool_id, "zh", {**FRENCH, "summary": "长" * 301}).status_code == 400
    _status, html = page_for("fr", app, "/tools/?q=réseau OR classe")
    assert '<p lang="fr">Un outil fictif qui trie les signalements.</p>' in html
    _status, html = page_for("fr", app, "/tools/sample-tool")
    assert 'lang="fr"' in lead(html) and said("fr", TRANSLATED_ON) in html
    with app.app_context():
        tool, author = db.session.get(Tool, tool_id), db.session.scalars(select(User)).first()
        with monkeypatch.context() as patched, pytest.raises(services.TranslationConflict):
            patched.setattr(services, "get_translation", lambda *_args: None)
            services.save_translation(tool, "fr", FRENCH, author, 0)  # the unique constraint, then a usable session
        translation = services.get_translation(tool, "fr")
        services.delete_translation(tool, "fr", author, translation.version)
        assert db.session.scalar(select(func.count()).select_from(ToolTranslation)) == 0
        from catalogue.search import health

        assert health.check().ok


def test_every_page_that_names_a_translated_entry_shows_it_in_the_readers_language(app, tool_id, curator):
    """The workflow page, a training, the assessment result and the shortlist name guidance pages and tools too."""
    page_id = publish_guidance(app, slug="principle-human-autonomy", workflow_steps=["victim-identification"])
    french_page = {"title": "Le principe d’autonomie humaine",
                   "summary": "Garder la décision entre des mains humaines.",
                   "body": "## Avant de commencer\n\nUne correspondance est une **piste**."}
    assert translate(curator, "guidance", page_id, "fr", french_page).status_code == 303
    assert translate(curator, "tools", tool_id, "fr", FRENCH).status_code == 303
    with app.app_context():
        training_slug = make_training(guidance_ids=[page_id]).slug
    reader = app.test_client()
    reader.set_cookie("catalogue_language", "fr")
    french_link = '<a href="/guidance/principle-human-autonomy" lang="fr">Le principe d’autonomie humaine</a>'

    assert french_link in reader.get("/workflow").get_data(as_text=True)

    html = reader.get(f"/trainings/{training_slug}").get_data(as_text=True)
    assert french_link + ' – <span lang="fr">Garder la décision entre des mains humaines.</span>' in html

    token = csrf_token(reader, "/assessment/")
    html = reader.post("/assessment/", data=form_data(every(1), token)).get_data(as_text=True)
    assert french_link in html
    # A recommended page nobody published keeps the questionnaire's English title, marked as English.
    assert '<a href="/guidance/human-oversight-of-automated-results" lang="en">' in html

    shortlist_form = reader.get("/tools/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', shortlist_form).group(1)
    assert reader.post("/shortlist/add", data={"tool": "sample-tool", "csrf_token": token}).status_code == 303
    html = reader.get("/shortlist/").get_data(as_text=True)
    assert '<td lang="fr">Un outil fictif qui trie les signalements.</td>' in html

    english = app.test_client()
    assert ('<a href="/guidance/principle-human-autonomy" lang="en">Checking face matches</a>'
            in english.get("/workflow").get_data(as_text=True))
