"""The curation journey in Chromium, without JavaScript: a curator writes a draft and submits it, a second curator
reviews it against the inclusion criteria and publishes it, and a member finds it by search straight away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser import serve, sign_in
from tests.conftest import copy_data_dir, make_app
from tests.factories import make_agency, make_user

WRITER, REVIEWER, MEMBER = (f"{name}@harbour-police.example" for name in ("writer", "reviewer", "member"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    data_dir = tmp_path_factory.mktemp("curation-live")
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False, CATALOGUE_PUBLIC_BROWSING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police Online Child Protection Unit")
        app.secrets = {}
        for role, address in (("curator", WRITER), ("curator", REVIEWER), ("member", MEMBER)):
            user = make_user(role, email=address, agency=agency, name=address.split("@")[0].title())
            app.secrets[address] = user.mfa_secret
    for base in serve(app):
        app.base = base
        yield app


def test_draft_review_and_publish_then_find_it_by_search(browser, site):
    writer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(writer, site.base, WRITER, totp_secret=site.secrets[WRITER])
    writer.get_by_role("link", name="Curation").click()
    writer.get_by_role("link", name="Add a new tool").click()
    writer.get_by_label("Name", exact=True).fill("Tidewater Grooming Lens")
    writer.get_by_label("Organisation", exact=True).fill("Invented Research Cooperative")
    writer.get_by_label("Summary").fill("Flags chat messages that show grooming patterns for human review.")
    writer.get_by_label("Description").fill("Tidewater **ranks** conversations by risk.\n\n- explains each flag")
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_text("Choose at least one.", exact=True)).to_be_visible()  # refused; what was typed is kept
    expect(writer.get_by_role("link", name="Purpose: Choose at least one.")).to_be_visible()  # the summary's link
    assert writer.get_by_label("Name", exact=True).input_value() == "Tidewater Grooming Lens"
    writer.get_by_role("checkbox", name="Grooming detection").check()
    writer.get_by_role("button", name="Preview").click()
    assert writer.locator(".preview strong").inner_text() == "ranks"
    writer.get_by_role("button", name="Save draft").click()
    expect(writer.get_by_text("Draft “Tidewater Grooming Lens” created.")).to_be_visible()
    writer.get_by_role("button", name="Submit for review").click()
    expect(writer.get_by_text("Submitted for review.")).to_be_visible()
    assert writer.get_by_role("link", name="Review this entry").count() == 0  # not for its own author

    reviewer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(reviewer, site.base, REVIEWER, totp_secret=site.secrets[REVIEWER])
    reviewer.get_by_role("link", name="Curation").click()
    heading = reviewer.get_by_role("heading", name=re.compile("^Waiting for my review"))
    waiting = reviewer.locator("section", has=heading)
    waiting.get_by_role("link", name="Tidewater Grooming Lens").click()
    reviewer.get_by_role("link", name="Review this entry").click()
    criteria = reviewer.locator("#criteria input[type=checkbox]")
    for index in range(criteria.count()):
        criteria.nth(index).check()
    reviewer.get_by_label("Sources checked").fill("Provider's technical documentation, version 3 (2026)")
    reviewer.get_by_role("button", name="Approve and publish").click()
    expect(reviewer.get_by_text("Published. The entry is in the catalogue and in search.")).to_be_visible()

    member = browser.new_context(java_script_enabled=False).new_page()
    sign_in(member, site.base, MEMBER, totp_secret=site.secrets[MEMBER])
    member.goto(site.base + "/tools/?q=tidewater")  # at once: no waiting, no retry
    member.get_by_role("link", name="Tidewater Grooming Lens").click()
    expect(member.get_by_text("Last verified")).to_be_visible()
    assert member.locator(".tool-description strong").inner_text() == "ranks"
