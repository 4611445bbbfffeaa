"""A member's workspace in Chromium, without JavaScript: a saved search and a named shortlist outlast signing out; a
newly published tool that matches the search raises an alert (``flask alerts send``) in the list and by e-mail; the
member adds the tool to the shortlist and shares it with the agency; a colleague reads it; a member of another agency
gets 404. Screenshots at 1280 px and 390 px go to ``test-results/screenshots/workspace-*.png``."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.models import Shortlist
from tests.auth import body, outbox
from tests.browser import photograph, serve_demo_copy, sign_in
from tests.factories import PASSWORD, make_agency, make_tools, make_user, tool_record

ALICE, BOB, NINA = "alice@harbour-police.example", "bob@harbour-police.example", "nina@nordhafen.example"
NEW_TOOL = "Quillhash Sentinel"  # invented; published during the test


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "workspace-live", (ALICE, "Alice Example"),
                               (BOB, "Bob Example")):
        with app.app_context():
            make_user("member", email=NINA, name="Nina Example",
                      agency=make_agency("nordhafen", domains=("nordhafen.example",), name="Nordhafen Police"))
        yield app


def shoot(page, name: str) -> None:
    photograph(page, f"workspace-{name}", sizes=((1280, 900), (390, 844)), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_saved_search_and_a_shared_shortlist_from_alert_to_colleague(browser, site):
    alice = browser.new_context(java_script_enabled=False).new_page()
    sign_in(alice, site.base, ALICE, PASSWORD)
    alice.goto(f"{site.base}/tools/")
    alice.get_by_role("searchbox").first.fill("perceptual hashing")
    alice.get_by_role("button", name="Search").first.click()
    alice.get_by_text("Save this search").click()
    alice.get_by_label("Name of the saved search").fill("Hash matching")
    alice.get_by_role("button", name="Save the search").click()
    expect(alice.get_by_text("Search saved as “Hash matching”.")).to_be_visible()
    alice.get_by_label("E-mail alerts for Hash matching").select_option(label="At once")
    alice.get_by_role("row", name=re.compile("Hash matching")).get_by_role("button", name="Save").click()
    expect(alice.get_by_text("E-mail alerts for “Hash matching” saved.")).to_be_visible()

    alice.goto(f"{site.base}/shortlist/")
    alice.get_by_label("New shortlist").fill("Procurement 2027")
    alice.get_by_role("button", name="Create the shortlist").click()
    expect(alice.get_by_role("heading", name="Procurement 2027", level=1)).to_be_visible()

    alice.get_by_role("button", name="Sign out").first.click()
    sign_in(alice, site.base, ALICE, PASSWORD)  # a new session: both are still there
    alice.goto(f"{site.base}/saved-searches/")
    expect(alice.get_by_role("link", name="Hash matching")).to_be_visible()
    alice.goto(f"{site.base}/shortlist/")
    expect(alice.get_by_role("link", name="Procurement 2027")).to_be_visible()

    with site.app_context():  # a curator publishes a matching tool (through the import service, as curators do)
        make_tools(tool_record("quillhash-sentinel", name=NEW_TOOL, demo=True,
                               summary="Flags perceptual hashing matches against vetted lists for review."))
    sent = site.test_cli_runner().invoke(args=["alerts", "send"])
    assert sent.exit_code == 0, sent.output
    mails = [m for m in outbox(site) if m["To"] == ALICE and "saved searches" in m["Subject"]]
    assert len(mails) == 1 and NEW_TOOL in body(mails[0])

    alice.goto(f"{site.base}/saved-searches/")
    alerts = alice.locator("section", has=alice.get_by_role("heading", name=re.compile("^New for you")))
    expect(alerts.get_by_role("link", name=NEW_TOOL)).to_be_visible()
    shoot(alice, "saved-searches")
    alerts.get_by_role("link", name=NEW_TOOL).click()
    expect(alice.get_by_role("heading", name=NEW_TOOL, level=1)).to_be_visible()
    alice.locator("#shortlist-actions").get_by_role("button", name="Add to shortlist").click()
    expect(alice.get_by_text(f"{NEW_TOOL} was added to Procurement 2027.")).to_be_visible()
    expect(alice.get_by_text("In your shortlist: Procurement 2027")).to_be_visible()

    alice.goto(f"{site.base}/shortlist/")
    alice.get_by_role("link", name="Procurement 2027").click()
    alice.get_by_label("Everyone in my agency").check()
    alice.get_by_role("button", name="Save sharing").click()
    expect(alice.get_by_text("Sharing saved.")).to_be_visible()
    shoot(alice, "shortlist")
    list_url = alice.url.split("#")[0]

    bob = browser.new_context(java_script_enabled=False).new_page()
    sign_in(bob, site.base, BOB, PASSWORD)
    bob.goto(f"{site.base}/shortlist/")
    shared = bob.locator("section", has=bob.get_by_role("heading", name="Shared with me"))
    shared.get_by_role("link", name="Procurement 2027").click()
    expect(bob.get_by_text("Alice Example shares this shortlist with you.")).to_be_visible()
    expect(bob.get_by_role("link", name=NEW_TOOL)).to_be_visible()
    expect(bob.get_by_role("button", name="Save sharing")).to_have_count(0)

    nina = browser.new_context(java_script_enabled=False).new_page()
    sign_in(nina, site.base, NINA, PASSWORD)
    assert nina.goto(list_url).status == 404
    with site.app_context():
        assert db.session.scalar(db.select(Shortlist.shared_with_agency).filter_by(name="Procurement 2027"))


def test_a_followed_tool_tells_its_follower_about_an_approved_change(browser, site):
    """Following, without JavaScript: Bob follows a tool from its page; a curator's proposed change is approved by a
    second curator; ``flask alerts send``; Bob finds the change on his followed tools and on his home page."""
    from catalogue.curation import proposals, revisions
    from catalogue.models import Tool

    with site.app_context():
        tool = db.session.scalar(db.select(Tool).where(Tool.status == "published").order_by(Tool.slug))
        slug, name = tool.slug, tool.name
    bob = browser.new_context(java_script_enabled=False).new_page()
    sign_in(bob, site.base, BOB, PASSWORD)
    bob.goto(f"{site.base}/tools/{slug}")
    bob.get_by_role("button", name="Follow this tool").click()
    expect(bob.get_by_text("You follow this tool.")).to_be_visible()
    assert bob.url.endswith(f"/tools/{slug}#follow-actions")

    with site.app_context():  # one curator proposes, another approves: readers now see a new summary
        author = make_user("curator", email="writer@harbour-police.example")
        reviewer = make_user("curator", email="reviewer@harbour-police.example")
        tool = db.session.scalar(db.select(Tool).filter_by(slug=slug))
        change = proposals.propose(tool, "edit", {**revisions.snapshot(tool), "summary": "A new summary."}, author,
                                   tool.version)
        proposals.approve(change, reviewer, change.version)
    sent = site.test_cli_runner().invoke(args=["alerts", "send"])
    assert sent.exit_code == 0 and "1 new changes" in sent.output, sent.output

    bob.goto(f"{site.base}/followed/")
    changes = bob.locator("section", has=bob.get_by_role("heading", name=re.compile("^Changes for you")))
    expect(changes.get_by_role("listitem").filter(has_text="A change was published: Summary.")).to_be_visible()
    expect(changes.get_by_role("link", name=name)).to_be_visible()
    bob.goto(site.base + "/")
    followed = bob.locator("section", has=bob.get_by_role("heading", name="Followed tools"))
    expect(followed.get_by_role("link", name=name)).to_be_visible()
    expect(followed.get_by_text("1 change")).to_be_visible()
