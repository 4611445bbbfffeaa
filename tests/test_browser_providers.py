"""The technology provider's journey in Chromium, without JavaScript (issue 23): a provider registers for their
organisation, confirms their address, is approved by an administrator, proposes an update with a source; a curator
sees it marked "From the provider" and publishes it; the provider asking for an agency page gets "not found"."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser import serve, sign_in
from tests.conftest import copy_data_dir, make_app
from tests.factories import make_agency, make_user

PASSWORD = "copper meadow lantern ferry"
TOOL = "Alderwisp Device Triage"  # a fictional demo tool of the fictional Alderwisp Digital Forensics GmbH


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    data_dir = tmp_path_factory.mktemp("providers-live")
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False, CATALOGUE_PUBLIC_BROWSING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police Online Child Protection Unit")
        app.admin_secret = make_user("admin", email="admin@harbour-police.example", agency=agency).mfa_secret
        app.curator_secret = make_user("curator", email="curator@harbour-police.example", agency=agency,
                                       name="Casey Curator").mfa_secret
    for base in serve(app):
        app.base = base
        yield app


def newest_link(app) -> str:
    outbox = Path(app.config["CATALOGUE_DATA_DIR"]) / "outbox"
    newest = max(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    text = email.message_from_bytes(newest.read_bytes()).get_payload(decode=True).decode()
    return re.search(r"https://catalogue\.test(/\S+)", text).group(1)


def test_a_provider_registers_is_approved_proposes_and_a_curator_publishes(browser, site):
    provider = browser.new_context(java_script_enabled=False).new_page()
    provider.goto(site.base + "/")
    provider.get_by_role("link", name="For technology providers").click()
    provider.get_by_label("Full name").fill("Lena Vogel")
    provider.get_by_label("Work e-mail address").fill("lena@alderwisp.example")
    provider.get_by_label("Your organisation").fill("Alderwisp Digital Forensics GmbH")
    provider.get_by_label("Position").fill("Product documentation lead")
    provider.get_by_label("Which tools do you speak for?").fill("Alderwisp Device Triage: I maintain its manuals.")
    provider.get_by_label("New password", exact=True).fill(PASSWORD)
    provider.get_by_label("Repeat the new password").fill(PASSWORD)
    provider.get_by_label("I accept the terms of engagement for technology providers.").check()
    provider.get_by_role("button", name="Send my application").click()
    expect(provider.locator("#accept_notice-error")).to_have_text("You need to read the data-protection notice.")
    provider.get_by_label("New password", exact=True).fill(PASSWORD)
    provider.get_by_label("Repeat the new password").fill(PASSWORD)
    provider.get_by_label("I have read the data-protection notice.").check()
    provider.get_by_role("button", name="Send my application").click()
    expect(provider.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    provider.goto(site.base + newest_link(site))
    provider.get_by_role("button", name="Confirm my e-mail address").click()

    admin = browser.new_context(java_script_enabled=False).new_page()
    sign_in(admin, site.base, "admin@harbour-police.example", totp_secret=site.admin_secret)
    admin.get_by_role("link", name="Administration").click()
    expect(admin.get_by_role("heading", name="Lena Vogel")).to_be_visible()
    expect(admin.get_by_text("Alderwisp Digital Forensics GmbH (technology provider)")).to_be_visible()
    admin.get_by_role("button", name="Approve Lena Vogel").click()
    expect(admin.get_by_text("Lena Vogel is now a technology provider for Alderwisp Digital Forensics GmbH.")) \
        .to_be_visible()

    sign_in(provider, site.base, "lena@alderwisp.example", PASSWORD)
    provider.get_by_role("link", name="Your organisation").click()
    provider.get_by_role("link", name=TOOL).click()
    provider.get_by_role("link", name="Propose a change").click()
    provider.get_by_label("Summary").fill("Triage of seized phones and laptops, now with Arabic keyword lists.")
    source = provider.get_by_role("group", name="Source 1")
    source.get_by_label("Title").fill("Release notes 5.2")
    source.get_by_label("Web address or reference").fill("https://alderwisp.example/releases/5.2")
    source.get_by_label("Kind").select_option("vendor")
    provider.get_by_label("What changed, and why").fill("Arabic keyword lists shipped in 5.2.")
    provider.get_by_role("button", name="Send to the curators").click()
    expect(provider.get_by_text("Your change was sent to the curators")).to_be_visible()
    expect(provider.get_by_text("waiting for a curator")).to_be_visible()

    provider.goto(site.base + "/agencies/harbour-police")
    expect(provider.get_by_role("heading", name="Agency not found")).to_be_visible()
    provider.goto(site.base + "/tools/")
    expect(provider.get_by_role("heading", name="Page not found")).to_be_visible()

    curator = browser.new_context(java_script_enabled=False).new_page()
    sign_in(curator, site.base, "curator@harbour-police.example", totp_secret=site.curator_secret)
    curator.get_by_role("link", name="Curation", exact=True).click()
    proposed = curator.get_by_role("region", name=re.compile("Proposed changes to published entries"))
    expect(proposed.get_by_text("From the provider")).to_be_visible()
    proposed.get_by_role("link", name=re.compile(TOOL)).click()
    expect(curator.get_by_role("region", name="Sources given for the proposed text").get_by_text("Release notes 5.2"))\
        .to_be_visible()
    curator.get_by_role("button", name="Approve and publish the change").click()
    expect(curator.get_by_text("Approved: readers see the change now")).to_be_visible()

    curator.goto(site.base + "/tools/alderwisp-device-triage")
    expect(curator.get_by_text("now with Arabic keyword lists").first).to_be_visible()
    provider.reload()
    provider.goto(site.base + "/provider/")
    expect(provider.get_by_text("approved and published")).to_be_visible()
