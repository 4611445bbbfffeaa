"""Saved searches: saved from a results page, listed with what is new, and alerts for tools that newly match them,
found by ``flask alerts send`` (in the list at once, by e-mail as the member chose, never twice)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from catalogue.extensions import db
from catalogue.models import Alert, SavedSearch, Setting, Term, User
from catalogue.models.base import utcnow
from catalogue.vocabularies.services import merge_term
from catalogue.workspace import alerts
from tests.auth import body, csrf_token, outbox, signed_in
from tests.factories import make_tools, make_user, tool_record
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the fixture, for the PostgreSQL test


@pytest.fixture
def member(app):
    with app.app_context():
        make_tools(tool_record("hash-sorter", name="Hash Sorter", summary="Matches perceptual hashes of images."))
    return signed_in(app, "member", email="alice@harbour-police.example", name="Alice")


def save(client, name: str, **args):
    token = csrf_token(client, "/tools/")
    return client.post("/saved-searches/", data={"csrf_token": token, "name": name, **args})


def saved_id(app, name: str) -> int:
    with app.app_context():
        found = db.session.scalar(db.select(SavedSearch).filter_by(name=name))
        found.created_at = found.seen_at = utcnow() - timedelta(hours=1)  # saved before the tools below
        db.session.commit()
        return found.id


def publish(app, slug: str, **fields):
    with app.app_context():
        make_tools(tool_record(slug, **fields))


def test_a_results_page_offers_to_save_its_search(app, member):
    page = member.get("/tools/?q=hashes&purposes=referral-triage&page=2").get_data(as_text=True)
    form = re.search(r'<details class="save-search">(.*?)</details>', page, re.S).group(1)
    assert 'name="q" value="hashes"' in form and 'name="purposes" value="referral-triage"' in form
    assert 'name="page"' not in form
    assert "save-search" not in member.get("/tools/").get_data(as_text=True)  # nothing typed, nothing to save

    response = save(member, "Image hashing", q="hashes", purposes="referral-triage", page="2")
    assert response.status_code == 303 and response.headers["Location"] == "/saved-searches/"
    listing = member.get("/saved-searches/").get_data(as_text=True)
    assert "Search saved as “Image hashing”." in listing and "Image hashing" in listing
    with app.app_context():
        saved = db.session.scalar(db.select(SavedSearch))
        assert saved.query == [["q", "hashes"], ["purposes", "referral-triage"]] and saved.email == "off"
    opened = member.get(f"/saved-searches/{saved.id}/open")
    assert opened.headers["Location"] == "/tools/?q=hashes&purposes=referral-triage"


@pytest.mark.parametrize(("name", "args", "message"), [
    ("   ", {"q": "hashes"}, "Give the search a name."),
    ("x" * 101, {"q": "hashes"}, "at most 100 characters"),
    ("Everything", {}, "Type some words or choose a filter first"),
])
def test_bad_names_and_empty_searches_are_refused_with_a_message(app, member, name, args, message):
    response = save(member, name, **args)
    assert response.status_code == 303
    assert message in member.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(SavedSearch.id))) == 0


def test_alerts_are_listed_and_e_mailed_once(app, member, runner):
    save(member, "Image hashing", q="hashes")
    number = saved_id(app, "Image hashing")
    member.post(f"/saved-searches/{number}/email", data={"csrf_token": csrf_token(member, "/saved-searches/"),
                                                         "email": "immediate"})
    publish(app, "hash-vault", name="Hash Vault", summary="Stores hashes of known images.")
    publish(app, "chat-reader", name="Chat Reader", summary="Reads chat logs.")  # does not match
    listing = member.get("/saved-searches/").get_data(as_text=True)
    row = re.search(r"<tr>\s*<th scope=\"row\"><a href=\"/saved-searches/\d+/open\">Image hashing.*?</tr>",
                    listing, re.S).group(0)
    assert re.search(r"<td>2</td>", row)  # Hash Sorter (made before, but after the search's time here) and Hash Vault

    first = runner.invoke(args=["alerts", "send"])
    assert first.exit_code == 0 and "new alerts" in first.output
    listing = member.get("/saved-searches/").get_data(as_text=True)
    alerts = listing.split("New for you")[1].split("Your searches")[0]
    assert "Hash Vault" in alerts and "Chat Reader" not in alerts
    mails = [m for m in outbox(app) if m["Subject"] == "New tools for your saved searches"]
    assert len(mails) == 1 and mails[0]["To"] == "alice@harbour-police.example"
    assert "Hash Vault" in body(mails[0]) and "/saved-searches/" in body(mails[0])

    again = runner.invoke(args=["alerts", "send"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Alert.id)).where(Alert.tool.has(slug="hash-vault"))) == 1
    assert len([m for m in outbox(app) if m["Subject"] == "New tools for your saved searches"]) == 1

    member.get(f"/saved-searches/{number}/open")  # seen: the alerts are read
    assert "Nothing new." in member.get("/saved-searches/").get_data(as_text=True)


def test_e_mail_is_off_by_default_and_a_daily_digest_goes_once_a_day(app, member, runner):
    save(member, "Image hashing", q="hashes")
    number = saved_id(app, "Image hashing")
    publish(app, "hash-vault", name="Hash Vault", summary="Stores hashes of known images.")
    runner.invoke(args=["alerts", "send"])
    assert not outbox(app)  # listed, not e-mailed
    member.post(f"/saved-searches/{number}/email", data={"csrf_token": csrf_token(member, "/saved-searches/"),
                                                         "email": "daily"})
    publish(app, "hash-keeper", name="Hash Keeper", summary="Keeps hashes of known images.")
    runner.invoke(args=["alerts", "send"])  # today's digest already went out with the first run (to nobody)
    assert not outbox(app)
    with app.app_context():
        db.session.get(Setting, alerts.DIGEST_DAY).value = "2000-01-01"  # a new day
        db.session.commit()
    runner.invoke(args=["alerts", "send"])
    runner.invoke(args=["alerts", "send"])
    mails = outbox(app)
    assert len(mails) == 1 and "Hash Keeper" in body(mails[0]) and "Hash Vault" in body(mails[0])


def test_another_members_saved_search_answers_404(app, member):
    save(member, "Mine", q="hashes")
    number = saved_id(app, "Mine")
    other = signed_in(app, "member", email="bob@harbour-police.example")
    token = csrf_token(other, "/saved-searches/")
    assert other.get(f"/saved-searches/{number}/open").status_code == 404
    assert other.post(f"/saved-searches/{number}/email", data={"csrf_token": token, "email": "daily"}).status_code \
        == 404
    assert other.post(f"/saved-searches/{number}/delete", data={"csrf_token": token}).status_code == 404
    assert "Mine" not in other.get("/saved-searches/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(SavedSearch, number).email == "off"


def test_a_filter_on_a_merged_term_searches_the_surviving_term_and_says_so(app, member):
    save(member, "Triage", purposes="referral-triage")
    with app.app_context():
        source = db.session.scalar(db.select(Term).filter_by(slug="referral-triage"))
        target = next(t for t in source.vocabulary.terms if t.slug != source.slug and not t.merged_into_id)
        target_slug, target_label = target.slug, target.label
        merge_term(source, target, make_user("admin"))
        db.session.commit()
        assert db.session.scalar(db.select(User).filter_by(email="alice@harbour-police.example"))
    listing = member.get("/saved-searches/").get_data(as_text=True)
    assert "was merged into" in listing and target_slug in listing
    with app.app_context():
        number = db.session.scalar(db.select(SavedSearch.id))
    opened = member.get(f"/saved-searches/{number}/open")
    assert opened.status_code == 303 and opened.headers["Location"] == f"/tools/?purposes={target_slug}"
    results = member.get(opened.headers["Location"]).get_data(as_text=True)
    assert "Hash Sorter" in results and target_label in results


@pytest.fixture
def migrated_postgres(postgres_app):  # noqa: F811 - the fixture imported above
    from flask_migrate import upgrade

    from catalogue.search import store
    from catalogue.taxonomy import sync_vocabularies

    with postgres_app.app_context():
        upgrade()
        sync_vocabularies()
        store.rebuild()
    return postgres_app


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_alerts_on_postgresql_are_stored_once(migrated_postgres):
    app = migrated_postgres
    with app.app_context():
        make_tools(tool_record("hash-sorter", name="Hash Sorter", summary="Matches perceptual hashes of images."))
    member = signed_in(app, "member", email="alice@harbour-police.example", name="Alice")
    save(member, "Image hashing", q="hashes")
    number = saved_id(app, "Image hashing")
    publish(app, "hash-vault", name="Hash Vault", summary="Stores hashes of known images.")
    with app.app_context():
        first, second = alerts.run(), alerts.run()
        assert (first.alerts, second.alerts) == (2, 0)
        assert db.session.scalar(db.select(db.func.count(Alert.id)).where(Alert.saved_search_id == number)) == 2
