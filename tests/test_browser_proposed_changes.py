"""A proposed change in Chromium, without JavaScript: the demo curator edits a published demo tool (a new summary, a
new address and a source) and proposes it with a note; a member still reads and finds the published text; the demo
reviewer opens the change, sees the field-by-field difference, the sources and the note, and approves it; the member
then reads and finds the new text at once, and the old address answers 301 to the new one."""

from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Tool, User
from tests.browser import photograph, sign_in
from tests.demo_people import CURATOR, MEMBER, PASSWORD, serve_demo_people

REVIEWER = "reviewer@demo.example"
NEW_WORD = "zeppelinfield"  # in no demo text: only the proposed summary has it
NEW_SUMMARY = f"Checks seized devices on scene with the {NEW_WORD} method and flags known material for review."
NOTE = "The vendor renamed the product and documented the new triage method (release notes, 2026)."
SOURCE_TITLE = "Release notes of the renamed product"
SOURCE_URL = "https://vendor.example/release-notes-2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_people(tmp_path_factory, demo_data_dir, "proposed-changes-live"):
        with app.app_context():
            reviewer = db.session.scalar(select(User).filter_by(email=REVIEWER))  # the demo's second curator
            reviewer.mfa_secret = app.reviewer_secret = pyotp.random_base32()
            tool = db.session.get(Tool, app.sample.entry)
            app.old_summary = tool.summary
            db.session.commit()
        yield app


def listed(page, base: str, words: str, slug: str) -> bool:
    page.goto(f"{base}/tools/?q={words}")
    return page.locator(f'a[href$="/tools/{slug}"]').count() > 0


def test_a_proposed_change_waits_for_a_second_curator_then_readers_see_and_find_it(browser, site):
    slug, old_summary = site.sample.tool, site.old_summary
    new_slug = f"{slug}-renewed"
    old_word = max(old_summary.replace(",", " ").replace(".", " ").split(), key=len)  # its longest word

    writer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(writer, site.base, CURATOR, PASSWORD, totp_secret=site.sample.curator_secret)
    writer.goto(f"{site.base}/curation/tools/{site.sample.entry}/edit")
    expect(writer.get_by_text("This entry is published: your changes are proposed for review")).to_be_visible()
    writer.get_by_label("Summary").fill(NEW_SUMMARY)
    writer.get_by_label("Address (slug)").fill(new_slug)
    writer.get_by_label("Change note (optional)").fill(NOTE)
    source = writer.get_by_role("group", name="Source 1")
    source.get_by_label("Title").fill(SOURCE_TITLE)
    source.get_by_label("Web address or reference").fill("javascript:alert(1)")
    source.get_by_label("Kind").select_option(label="Vendor documentation")
    writer.get_by_role("button", name="Save changes").click()
    expect(source.get_by_text("Only web addresses starting with http:// or https://")).to_be_visible()
    source.get_by_label("Web address or reference").fill(SOURCE_URL)
    writer.get_by_role("button", name="Save changes").click()
    expect(writer.get_by_text("Your change is proposed for review.")).to_be_visible()
    change_url = writer.url
    assert "/curation/changes/" in change_url
    expect(writer.get_by_role("button", name="Approve and publish the change")).to_have_count(0)  # not its author

    reader = browser.new_context(java_script_enabled=False).new_page()
    sign_in(reader, site.base, MEMBER, PASSWORD)
    reader.goto(f"{site.base}/tools/{slug}")
    expect(reader.get_by_text(old_summary).first).to_be_visible()
    assert NEW_WORD not in reader.content()
    assert reader.request.get(f"{site.base}/tools/{new_slug}", max_redirects=0).status == 404
    assert not listed(reader, site.base, NEW_WORD, slug)
    assert listed(reader, site.base, old_word, slug)

    reviewer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(reviewer, site.base, REVIEWER, PASSWORD, totp_secret=site.reviewer_secret)
    reviewer.get_by_role("link", name="Curation").click()
    proposed = reviewer.locator("section", has=reviewer.get_by_role(
        "heading", name=re.compile("^Proposed changes to published entries")))
    proposed.get_by_role("link", name=re.compile(re.escape(site.sample.tool_name))).click()
    assert reviewer.url == change_url
    expect(reviewer.get_by_role("heading", name=f"Proposed change to {site.sample.tool_name}")).to_be_visible()
    expect(reviewer.locator("section", has=reviewer.get_by_role("heading", name="The author's note"))
           ).to_contain_text(NOTE)
    differences = reviewer.locator("dl.changes")
    labels = differences.locator("dt").all_inner_texts()
    assert "Summary" in labels and "Address (slug)" in labels, labels
    assert differences.locator("ins", has_text=NEW_WORD).count() == 1
    assert differences.locator("ins", has_text=new_slug).count() == 1
    assert differences.locator("del", has_text=slug).count() >= 1
    sources = reviewer.locator("section.change-sources")
    expect(sources.get_by_role("link", name=SOURCE_URL)).to_have_attribute("href", SOURCE_URL)
    expect(sources).to_contain_text("Vendor documentation")
    photograph(reviewer, "proposed-change", sizes=((1280, 900), (390, 844)), full_page=True)
    reviewer.set_viewport_size({"width": 1280, "height": 900})
    reviewer.get_by_role("button", name="Approve and publish the change").click()
    expect(reviewer.get_by_text("Approved: readers see the change now, and search finds it.")).to_be_visible()

    reader.goto(f"{site.base}/tools/{new_slug}")  # at once: no waiting, no retry
    expect(reader.get_by_text(NEW_SUMMARY).first).to_be_visible()
    listed_sources = reader.locator("section", has=reader.get_by_role("heading", name="Sources", exact=True))
    expect(listed_sources.get_by_role("link", name=SOURCE_URL)).to_be_visible()
    expect(listed_sources).to_contain_text(SOURCE_TITLE)
    moved = reader.request.get(f"{site.base}/tools/{slug}", max_redirects=0)
    assert moved.status == 301 and moved.headers["location"].endswith(f"/tools/{new_slug}")
    assert listed(reader, site.base, NEW_WORD, new_slug)
