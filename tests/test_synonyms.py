"""Domain synonyms: the shipped file, its checks at start, administrators' edits, and what the query parser asks."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from catalogue.config import SYNONYMS_FILE, UnsafeConfiguration
from catalogue.extensions import db
from catalogue.models import AuditEvent, SynonymGroup
from catalogue.search import synonyms
from tests.auth import csrf_token, signed_in
from tests.conftest import make_app

BASE = "/admin/vocabularies/synonyms"


@pytest.fixture
def admin(app):
    return signed_in(app, "admin", email="admin@harbour-police.example")


def groups_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synonyms.json"
    path.write_text(text, encoding="utf-8")
    return path


def lines(*groups: str) -> str:
    """A synonym file with one group per line: the first group is on line 2."""
    return '{"version": 1, "groups": [\n' + ",\n".join(groups) + "\n]}\n"


def events(app, action: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = db.session.scalars(db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id))
        return [(e.actor, e.target, e.detail) for e in found]


def synonyms_of(app, phrase: str, language: str = "en") -> tuple[str, ...] | None:
    with app.app_context():
        return synonyms.lookup(language).get(synonyms.normalise(phrase))


def post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, f"{BASE}/")})


def edit(client, key: str, phrases: list[str], version: int, language: str = ""):
    return post(client, f"{BASE}/{key}/edit", phrases="\n".join(phrases), language=language, version=str(version))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def page_after(client, response) -> str:
    assert response.status_code == 303, (response.status_code, text_of(response)[-2000:])
    return client.get(response.headers["Location"]).get_data(as_text=True)


def rows(app) -> list[tuple]:
    with app.app_context():
        return list(db.session.execute(db.select(SynonymGroup.key, SynonymGroup.phrases, SynonymGroup.deleted,
                                                 SynonymGroup.version)))


# The shipped file ---------------------------------------------------------------------------------------------------

def test_the_shipped_file_is_valid_with_a_group_per_line():
    groups = synonyms.shipped_groups(SYNONYMS_FILE)
    assert len(groups) >= 45
    text = SYNONYMS_FILE.read_text(encoding="utf-8").splitlines()
    for group in groups:
        assert f'"key": "{group.key}"' in text[group.line - 1]
        assert len(group.normalised) == len(group.phrases), f"{group.key} repeats a phrase"
    assert {g.language for g in groups} == {None, "ar", "zh", "en", "fr", "ru", "es"}


@pytest.mark.parametrize(("typed", "catalogue_wording"), [
    ("bitcoin", "cryptocurrency"), ("Bitcoin", "blockchain"), ("deepfake", "synthetic media"),
    ("dark web", "darknet"), ("dark web", "onion services"), ("P2P", "peer-to-peer"),
    ("victim ID", "victim identification"),
    ("on-prem", "on-premises"), ("OSINT", "open-source intelligence"), ("air gap", "air-gapped"),
    ("sexual blackmail", "sextortion"), ("CSEM", "CSAM"), ("LLM", "language model"), ("ML", "machine learning"),
    ("PhotoDNA", "perceptual hash"), ("ASR", "speech recognition"), ("NLP", "natural language processing"),
    ("OCR", "text recognition"), ("CyberTipline", "platform referral"), ("E2EE", "end-to-end encryption"),
    ("Tor", "hidden services"), ("cell phone forensics", "device extraction"), ("blue on blue", "deconfliction"),
])
def test_investigators_words_reach_the_catalogues_wording(typed, catalogue_wording):
    table = synonyms.lookup_table(synonyms.shipped_groups(SYNONYMS_FILE), "en")
    assert synonyms.normalise(catalogue_wording) in table[synonyms.normalise(typed)]


def test_groups_for_one_language_apply_to_its_readers_only():
    shipped = synonyms.shipped_groups(SYNONYMS_FILE)
    french, english = synonyms.lookup_table(shipped, "fr"), synonyms.lookup_table(shipped, "en")
    assert "artificial intelligence" in french["ia"] and "ia" not in english
    assert "sextortion" in french["sextorsion"] and "sextortion" in english["sextorsion"]


def test_phrases_are_compared_normalised():
    assert synonyms.normalise("  Peer-to-Peer  ") == synonyms.normalise("peer to peer") == "peer to peer"
    assert synonyms.normalise("Géolocalisation") == "geolocalisation"
    assert synonyms.normalise("ＣＳＡＭ_hash/list") == "csam hash list"
    assert synonyms.normalise("Тёмная сеть") == "темная сеть"
    assert synonyms.normalise("الإنترنت") == synonyms.normalise("الانترنت")


def test_the_query_parser_gets_phrase_lengths_and_protected_words(ctx):
    assert synonyms.max_phrase_words() == 5
    english = synonyms.known_words("en")
    assert {"tor", "osint", "p2p", "bitcoin", "csam"} <= english and "artificielle" not in english
    assert "artificielle" in synonyms.known_words("fr")
    assert synonyms.lookup("de") == synonyms.lookup(None)  # not an interface language: the groups for everyone


# Refused at start, with the file, the line and the reason -------------------------------------------------------------

GOOD = '{"key": "p2p", "phrases": ["P2P", "peer-to-peer"]}'


@pytest.mark.parametrize(("text", "line", "reason"), [
    (lines(GOOD, '{"key": "osint" "phrases": ["OSINT", "open-source intelligence"]}'), 3,
     "this is not valid JSON: Expecting ',' delimiter (column 17)"),
    (lines(GOOD, '{"key": "vpn", "phrases": ["VPN"]}'), 3, "at least two different phrases"),
    (lines('{"key": "p2p", "phrases": ["Peer-to-peer", "peer to peer"]}'), 2, "at least two different phrases"),
    (lines(GOOD, '{"key": "vpn", "phrases": ["VPN", " "]}'), 3, "A phrase is empty"),
    (lines(GOOD, '{"key": "vpn", "phrases": ["VPN", "' + "v" * 61 + '"]}'), 3, "longer than 60 characters"),
    (lines('{"key": "vpn", "phrases": ["VPN", "a private network for the whole team"]}'), 2, "more than 5 words"),
    (lines(GOOD, '{"key": "ia", "language": "de", "phrases": ["KI", "AI"]}'), 3,
     "“de” is not an interface language"),
    (lines(GOOD, '{"key": "p2p", "phrases": ["BitTorrent", "torrent"]}'), 3,
     "the key “p2p” is already used by the group on line 2"),
    (lines(GOOD, '{"key": "file-sharing", "language": "fr", "phrases": ["partage de fichiers", "Peer-to-Peer"]}'), 3,
     "“Peer-to-Peer” of “file-sharing” is also in the group “p2p” (line 2)"),
    (lines(GOOD, '{"key": "vpn", "phrase": ["VPN", "virtual private network"]}'), 3, "unknown field “phrase”"),
    (lines(GOOD, '{"key": "Not A Slug", "phrases": ["VPN", "virtual private network"]}'), 3, "needs a “key”"),
    ('{"version": 2, "groups": []}', 1, "“version” must be 1"),
])
def test_a_malformed_file_is_refused_at_start_with_file_line_and_reason(tmp_path, text, line, reason):
    path = groups_file(tmp_path, text)
    with pytest.raises(UnsafeConfiguration) as refused:
        make_app(tmp_path / "data", CATALOGUE_SYNONYMS_FILE=path)
    assert f"{path.resolve()}:{line}: " in str(refused.value)
    assert reason in str(refused.value)


def test_a_phrase_of_a_multi_line_group_is_reported_on_its_own_line(tmp_path):
    path = groups_file(tmp_path, '{"version": 1, "groups": [\n  {"key": "vpn",\n   "phrases": [\n    "VPN",\n'
                                 '    "' + "w" * 70 + '"\n  ]}\n]}\n')
    with pytest.raises(UnsafeConfiguration, match=r":5: “vpn”: .* is longer than 60 characters"):
        make_app(tmp_path / "data", CATALOGUE_SYNONYMS_FILE=path)


def test_the_same_phrase_may_be_in_groups_for_different_languages(tmp_path):
    path = groups_file(tmp_path, lines('{"key": "ai-fr", "language": "fr", "phrases": ["IA", "AI"]}',
                                       '{"key": "ai-es", "language": "es", "phrases": ["IA", "AI"]}'))
    app = make_app(tmp_path / "data", CATALOGUE_SYNONYMS_FILE=path)
    assert [g.key for g in synonyms.shipped_groups(app.config["CATALOGUE_SYNONYMS_FILE"])] == ["ai-fr", "ai-es"]


def test_a_missing_file_is_refused_and_the_setting_comes_from_the_environment(tmp_path, monkeypatch):
    missing = tmp_path / "nowhere.json"
    monkeypatch.setenv("CATALOGUE_SYNONYMS_FILE", str(missing))
    with pytest.raises(UnsafeConfiguration, match="cannot be read"):
        make_app(tmp_path / "data")


def test_several_problems_are_all_listed(tmp_path):
    path = groups_file(tmp_path, lines('{"key": "a", "phrases": ["x"]}', '{"key": "b", "phrases": ["y", ""]}'))
    with pytest.raises(UnsafeConfiguration) as refused:
        make_app(tmp_path / "data", CATALOGUE_SYNONYMS_FILE=path)
    assert f"{path.resolve()}:2: “a”" in str(refused.value) and f"{path.resolve()}:3: “b”" in str(refused.value)


# Administrators' changes --------------------------------------------------------------------------------------------

def test_the_vocabularies_page_links_to_the_groups_which_are_listed(admin):
    assert f'href="{BASE}/"' in text_of(admin.get("/admin/vocabularies/"))
    html = text_of(admin.get(f"{BASE}/"))
    assert 'id="group-cryptocurrency"' in html and "<bdi>bitcoin</bdi>" in html and "Every language" in html
    row = html[html.index('id="group-ai-fr"'):]
    assert "French" in row[:row.index("</tr>")]


def test_an_administrator_adds_a_group_that_searches_use_at_once(app, admin):
    assert synonyms_of(app, "capping") is None
    response = post(admin, f"{BASE}/new", phrases="capping\n\n  webcam capture  ", language="", version="0")
    html = page_after(admin, response)
    assert "The group “capping” was added. Searches use it from now on." in html
    assert 'id="group-capping"' in html and "Added by an administrator" in html
    assert synonyms_of(app, "Capping") == ("webcam capture",)
    assert events(app, "synonyms.add") == [("admin@harbour-police.example", "synonyms:capping",
                                            "all languages: capping; webcam capture")]


def test_an_administrator_edits_a_shipped_group_and_searches_use_it_at_once(app, admin):
    with app.app_context():
        shipped = next(g for g in synonyms.effective_groups() if g.key == "cryptocurrency")
        assert synonyms.lookup("en")["bitcoin"]  # the cache is filled before the edit
    form = text_of(admin.get(f"{BASE}/cryptocurrency/edit"))
    assert "bitcoin\nBTC\ncryptocurrency" in form
    phrases = [p for p in shipped.phrases if p != "BTC"] + ["Tether"]
    html = page_after(admin, edit(admin, "cryptocurrency", phrases, 0))
    assert "The group “cryptocurrency” was saved. Searches use it from now on." in html
    assert "Shipped, edited" in html
    assert "tether" in synonyms_of(app, "bitcoin") and "btc" not in synonyms_of(app, "bitcoin")
    assert synonyms_of(app, "BTC") is None
    assert events(app, "synonyms.edit") == [("admin@harbour-police.example", "synonyms:cryptocurrency",
                                             "added: Tether, removed: BTC")]
    assert "As shipped" in text_of(admin.get(f"{BASE}/cryptocurrency/edit"))


def test_a_group_can_be_limited_to_one_language(app, admin):
    shipped = synonyms.shipped_groups(SYNONYMS_FILE)
    phrases = next(g for g in shipped if g.key == "e2ee").phrases
    page_after(admin, edit(admin, "e2ee", list(phrases), 0, language="fr"))
    assert synonyms_of(app, "E2EE", "fr") and synonyms_of(app, "E2EE", "en") is None
    assert events(app, "synonyms.edit")[0][2] == "language: all languages → fr"


def test_an_administrator_deletes_a_group(app, admin):
    response = post(admin, f"{BASE}/p2p/delete", **{"delete-version": "0"})
    html = page_after(admin, response)
    assert "The group “p2p” was deleted. Searches no longer use it." in html
    assert 'id="group-p2p"' not in html and "Deleted groups" in html
    assert synonyms_of(app, "P2P") is None
    assert events(app, "synonyms.delete")[0][:2] == ("admin@harbour-police.example", "synonyms:p2p")
    assert admin.get(f"{BASE}/p2p/edit").status_code == 404


def test_an_added_group_can_be_edited_and_deleted(app, admin):
    page_after(admin, post(admin, f"{BASE}/new", phrases="capping\nwebcam capture", language="", version="0"))
    page_after(admin, edit(admin, "capping", ["capping", "webcam capture", "screen recording"], 1))
    assert synonyms_of(app, "capping") == ("webcam capture", "screen recording")
    page_after(admin, post(admin, f"{BASE}/capping/delete", **{"delete-version": "2"}))
    assert synonyms_of(app, "capping") is None


@pytest.mark.parametrize(("phrases", "language", "message"), [
    ([], "", "The group is empty: give at least two phrases, one per line."),
    (["P2P"], "", "A group needs at least two different phrases"),
    (["P2P", "p2p"], "", "A group needs at least two different phrases"),
    (["P2P", "peer-to-peer", "Bitcoin"], "",
     "“Bitcoin” is already in the group “cryptocurrency” (bitcoin, BTC, cryptocurrency, cryptocurrencies, …)."),
    (["P2P", "peer-to-peer", "IA"], "", "“IA” is already in the group “ai-fr”"),
    (["P2P", "peer-to-peer", "x" * 61], "", "is longer than 60 characters"),
    (["P2P", "a network shared by many different peers"], "", "has more than 5 words"),
    (["P2P", "peer-to-peer"], "de", "Not a valid choice"),
])
def test_an_edit_that_would_break_the_groups_is_refused_and_changes_nothing(app, admin, phrases, language, message):
    before = synonyms_of(app, "P2P")
    response = edit(admin, "p2p", phrases, 0, language)
    assert response.status_code == 400
    assert message in text_of(response)
    assert synonyms_of(app, "P2P") == before and rows(app) == [] and events(app, "synonyms.edit") == []


def test_a_new_group_is_checked_like_an_edit(app, admin):
    response = post(admin, f"{BASE}/new", phrases="darkweb\nsecret internet", language="es", version="0")
    assert response.status_code == 400
    assert "“darkweb” is already in the group “dark-web”" in text_of(response)
    assert "secret internet" in text_of(response)  # what was typed is kept
    assert rows(app) == [] and events(app, "synonyms.add") == []


@pytest.mark.parametrize("role", ["member", "curator"])
def test_only_administrators_manage_synonyms(app, role):
    client = signed_in(app, role)
    for path in (f"{BASE}/", f"{BASE}/new", f"{BASE}/p2p/edit"):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/account/")
    for path in (f"{BASE}/new", f"{BASE}/p2p/edit", f"{BASE}/p2p/delete"):
        assert client.post(path, data={"phrases": "a\nb", "csrf_token": token}).status_code == 403, path
    assert rows(app) == []


# Several workers, several administrators ----------------------------------------------------------------------------

def test_another_worker_sees_a_change_at_its_next_search(app, admin):
    other_worker = make_app(Path(app.config["CATALOGUE_DATA_DIR"]))  # its own process state, the same database
    with other_worker.app_context():
        assert synonyms.lookup("en")["p2p"]
    page_after(admin, post(admin, f"{BASE}/p2p/delete", **{"delete-version": "0"}))
    with other_worker.app_context():
        assert "p2p" not in synonyms.lookup("en") and "p2p" not in synonyms.known_words("en")
        db.engine.dispose()


def test_a_stale_version_answers_the_form_again_with_a_conflict(app, admin):
    other = signed_in(app, "admin", email="second-admin@harbour-police.example")
    page_after(other, edit(other, "vpn", ["VPN", "virtual private network", "tunnel"], 0))
    response = edit(admin, "vpn", ["VPN", "virtual private network", "VPN service"], 0)
    assert response.status_code == 409
    html = text_of(response)
    assert "Another administrator saved this group while you were editing it" in html
    assert "VPN service" in html and "<bdi>tunnel</bdi>" in html and 'name="version" type="hidden" value="1"' in html
    assert synonyms_of(app, "VPN") == ("virtual private network", "tunnel")
    deleting = post(admin, f"{BASE}/vpn/delete", **{"delete-version": "0"})
    assert deleting.status_code == 409 and "so it was not deleted" in text_of(deleting)
    assert synonyms_of(app, "VPN") == ("virtual private network", "tunnel")


def test_editing_a_group_deleted_meanwhile_keeps_the_text(app, admin):
    other = signed_in(app, "admin", email="second-admin@harbour-police.example")
    page_after(other, post(other, f"{BASE}/vpn/delete", **{"delete-version": "0"}))
    response = edit(admin, "vpn", ["VPN", "virtual private network", "VPN service"], 0)
    assert response.status_code == 409
    assert "deleted the group “vpn” while you were editing it" in text_of(response)
    assert "VPN service" in text_of(response) and f'action="{BASE}/new"' in text_of(response)
    again = post(admin, f"{BASE}/vpn/delete", **{"delete-version": "1"})
    assert "The group “vpn” had already been deleted." in page_after(admin, again)


def save_at_once(clients, tokens, written, version) -> list:
    """Each client posts its phrases for the group ``vpn`` at ``version``, all at the same moment; their answers."""
    barrier, answers = threading.Barrier(len(clients)), [None] * len(clients)

    def save(n):
        barrier.wait()
        answers[n] = clients[n].post(f"{BASE}/vpn/edit", data={
            "phrases": "\n".join(written[n]), "language": "", "version": str(version), "csrf_token": tokens[n]})

    threads = [threading.Thread(target=save, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_simultaneous_edits_of_one_group_never_fail(app):
    """Two administrators save the same version of a group at the same moment, several times over (the first time
    no row exists yet, later the row has a version): one saves, the other is told of the conflict, and the group
    ends as the one who saved wrote it."""
    clients = [signed_in(app, "admin", email=f"admin{n}@harbour-police.example") for n in range(2)]
    tokens = [csrf_token(client, f"{BASE}/") for client in clients]
    version = 0
    for round_number in range(4):
        written = [["VPN", "virtual private network", f"tunnel {round_number} {n}"] for n in range(2)]
        answers = save_at_once(clients, tokens, written, version)
        statuses = [answer.status_code for answer in answers]
        assert sorted(statuses) == [303, 409], statuses
        assert "Another administrator saved this group" in text_of(answers[statuses.index(409)])
        with app.app_context():
            saved = db.session.scalar(db.select(SynonymGroup).filter_by(key="vpn"))
            assert saved.phrases == written[statuses.index(303)]
            version = saved.version
            db.session.remove()
    assert len(events(app, "synonyms.edit")) == version


def test_the_file_parsed_once_per_process(tmp_path):
    path = groups_file(tmp_path, lines(GOOD))
    first = synonyms.shipped_groups(path)
    path.write_text(json.dumps({"version": 1, "groups": []}), encoding="utf-8")
    assert synonyms.shipped_groups(path) is first
