"""The account journey in Chromium, without JavaScript: register → confirm the e-mail (read from the outbox) →
an administrator approves → the new member signs in → enrols two-step sign-in."""

from __future__ import annotations

import email
import re
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser import serve, sign_in
from tests.conftest import copy_data_dir, make_app
from tests.factories import make_agency, make_user

NEW_PASSWORD = "copper meadow lantern ferry"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    data_dir = tmp_path_factory.mktemp("accounts-live")
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False, CATALOGUE_PUBLIC_BROWSING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police Online Child Protection Unit")
        admin = make_user("admin", email="admin@harbour-police.example", agency=agency)
        app.admin_secret = admin.mfa_secret
    for base in serve(app):
        app.base = base
        yield app


def newest_link(app) -> str:
    outbox = Path(app.config["CATALOGUE_DATA_DIR"]) / "outbox"
    newest = max(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    text = email.message_from_bytes(newest.read_bytes()).get_payload(decode=True).decode()
    return re.search(r"https://catalogue\.test(/\S+)", text).group(1)


def test_register_confirm_approve_sign_in_and_enrol(browser, site):
    applicant = browser.new_context(java_script_enabled=False).new_page()
    applicant.goto(site.base + "/")
    applicant.get_by_role("link", name="Apply for access").first.click()
    applicant.get_by_label("Full name").fill("Amal Haddad")
    applicant.get_by_label("Official e-mail address").fill("amal@harbour-police.example")
    applicant.get_by_label("Position").fill("Victim identification analyst")
    applicant.get_by_label("Name of your agency").fill("Harbour Police Online Child Protection Unit")
    applicant.get_by_label("Country of your agency").select_option("FR")
    applicant.get_by_label("Type of agency").select_option("police")
    applicant.get_by_label("Why do you need access?").fill("I identify victims and need to compare triage tools.")
    applicant.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    applicant.get_by_label("Repeat the new password").fill("a different password entirely")
    applicant.get_by_label("I accept the terms of use.").check()
    applicant.get_by_role("button", name="Send my application").click()
    expect(applicant.get_by_text("The two passwords are not the same.", exact=True)).to_be_visible()  # by the field
    summary_link = "Repeat the new password: The two passwords are not the same."
    expect(applicant.get_by_role("link", name=summary_link)).to_be_visible()  # and at the top, linked to the field
    assert applicant.get_by_label("Full name").input_value() == "Amal Haddad"  # what was typed is kept
    applicant.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    applicant.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    applicant.get_by_role("button", name="Send my application").click()
    expect(applicant.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    applicant.goto(site.base + newest_link(site))
    applicant.get_by_role("button", name="Confirm my e-mail address").click()
    expect(applicant.get_by_text("your e-mail address is confirmed")).to_be_visible()

    admin = browser.new_context(java_script_enabled=False).new_page()
    sign_in(admin, site.base, "admin@harbour-police.example", totp_secret=site.admin_secret)
    admin.get_by_role("link", name="Administration").click()
    expect(admin.get_by_role("heading", name="Amal Haddad")).to_be_visible()
    admin.get_by_role("button", name="Approve Amal Haddad").click()
    expect(admin.get_by_text("Amal Haddad is now a member.")).to_be_visible()

    member = browser.new_context(java_script_enabled=False).new_page()
    sign_in(member, site.base, "amal@harbour-police.example", NEW_PASSWORD)
    expect(member.get_by_role("link", name="Browse the catalogue")).to_be_visible()
    member.get_by_role("link", name=re.compile("^Account")).click()
    member.get_by_role("link", name="Set up two-step sign-in").click()
    expect(member.get_by_role("img", name="QR code")).to_be_visible()
    secret = member.locator("#mfa-secret").inner_text().replace(" ", "")
    member.get_by_role("textbox", name="Code").fill(pyotp.TOTP(secret).now())
    member.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(member.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert member.locator(".recovery-codes li").count() == 10
