"""Content translations in Chromium without JavaScript: a curator adds a French translation of a tool, then a reader
who chose French sees it and finds it by a French query.

The reader's steps go by addresses, ids and ``lang`` attributes rather than by interface wording, which the French
message catalogue translates."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Agency
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD, make_user

SUMMARY = "Classificateur hors ligne qui hiérarchise les images et les vidéos inédites des appareils saisis."


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "translations-live",
                               ("reader@harbour-police.example", "Reader")):
        with app.app_context():
            agency = db.session.scalar(select(Agency).filter_by(slug="harbour-police"))
            app.secret = make_user("curator", email="translator@harbour-police.example", agency=agency,
                                   name="Translator").mfa_secret
            app.reviewer_secret = make_user("curator", email="reviewer@harbour-police.example", agency=agency,
                                            name="Reviewer").mfa_secret
        yield app


def test_a_curator_translates_a_tool_and_a_french_reader_finds_it(browser, site):
    curator = browser.new_context(java_script_enabled=False).new_page()
    sign_in(curator, site.base, "translator@harbour-police.example", totp_secret=site.secret)
    curator.goto(site.base + "/tools/bramblecheck")
    curator.get_by_role("link", name="Curate this entry").click()
    french = curator.locator("#translations").get_by_role("row", name=re.compile("^French"))
    expect(french.get_by_text("Missing")).to_be_visible()
    french.get_by_role("link", name=re.compile("^Add")).click()
    expect(curator.get_by_role("heading", name="English original: Summary")).to_be_visible()
    curator.get_by_label("Summary").fill(SUMMARY)
    curator.get_by_label("Description").fill("Bramblecheck **classe** les contenus jamais vus selon leur "
                                             "probabilité d'être illicites.")
    curator.get_by_label("Responsible use").fill("Une personne confirme chaque classement.")
    curator.get_by_role("button", name="Save translation").click()
    # The tool is published: the translation waits for a second curator before readers see it (four eyes).
    expect(curator.get_by_text("Your translation into French is proposed for review.")).to_be_visible()

    reviewer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(reviewer, site.base, "reviewer@harbour-police.example", totp_secret=site.reviewer_secret)
    reviewer.get_by_role("link", name="Curation").click()
    reviewer.locator("section", has=reviewer.get_by_role("heading", name=re.compile("^Proposed changes"))) \
        .get_by_role("link", name=re.compile("Bramblecheck")).click()
    expect(reviewer.get_by_text(SUMMARY).first).to_be_visible()
    reviewer.get_by_role("button", name="Approve and publish the change").click()
    expect(reviewer.get_by_text("Approved: readers see the change now, and search finds it.")).to_be_visible()
    curator.goto(site.base + "/tools/bramblecheck")
    curator.get_by_role("link", name="Curate this entry").click()
    expect(french.get_by_text("Up to date")).to_be_visible()

    reader = browser.new_context(java_script_enabled=False).new_page()
    sign_in(reader, site.base, "reader@harbour-police.example", PASSWORD)
    reader.locator("#language-choice").select_option("fr")
    reader.locator(".language-switcher button[type=submit]").click()
    assert reader.locator("html").get_attribute("lang") == "fr"
    reader.goto(site.base + "/tools/")
    reader.locator("#q").fill("hiérarchiser les vidéos")
    reader.locator("#q").press("Enter")
    card = reader.locator(".tool-card", has=reader.locator('a[href="/tools/bramblecheck"]'))
    assert card.locator('p[lang="fr"]').first.inner_text().replace("\n", "") == SUMMARY
    assert card.locator("mark").first.inner_text() == "hiérarchise"
    card.locator('a[href="/tools/bramblecheck"]').first.click()
    assert reader.locator('p.lead[lang="fr"]').inner_text() == SUMMARY
    assert reader.locator('.tool-description [lang="fr"] strong').inner_text() == "classe"
    reader.locator('a[href="/tools/bramblecheck?original=1"]').click()
    assert reader.locator('p.lead[lang="en"]').inner_text().startswith("An offline image and video classifier")
