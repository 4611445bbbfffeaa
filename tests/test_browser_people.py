"""Finding a peer in Chromium, without JavaScript (issue 23's done-when): a member opts in to a profile listing a
tool; another member finds them from the tool's page, asks for an introduction, which is accepted, and then sees the
address that was hidden until then."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Tool
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD, make_agency, make_user

SUBJECT = "Your experience of the triage tool on shared phones"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "people-live",
                               ("mira@harbour-police.example", "Mira Member")):
        with app.app_context():
            northbridge = make_agency("northbridge-police", ("northbridge.example",), country="DE",
                                      name="Northbridge Police Cyber Unit")
            make_user("member", "nora@northbridge.example", agency=northbridge, name="Nora Examiner")
            tool = db.session.scalar(select(Tool).where(Tool.status == "published").order_by(Tool.name))
            app.tool_name, app.tool_slug = tool.name, tool.slug
        yield app


def test_a_member_is_found_from_a_tool_and_introduced(browser, site):
    officer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(officer, site.base, "nora@northbridge.example", PASSWORD)
    officer.get_by_role("link", name="Account").click()
    officer.get_by_role("link", name="Your profile for other members").click()
    expect(officer.get_by_text("Your profile is not published: nobody else can see it.")).to_be_visible()
    officer.get_by_label("Publish my profile to other vetted members").check()
    officer.get_by_label("I accept introduction requests").check()
    officer.get_by_label("Role or position", exact=True).fill("Mobile forensics examiner")
    officer.get_by_label("Show my role to other members").check()
    officer.get_by_label(site.tool_name, exact=True).check()
    officer.get_by_label("Show my tools to other members").check()
    officer.get_by_role("button", name="Save your profile").click()
    expect(officer.get_by_text("Your profile was saved. Other members can see it now.")).to_be_visible()

    member = browser.new_context(java_script_enabled=False).new_page()
    sign_in(member, site.base, "mira@harbour-police.example", PASSWORD)
    member.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    member.get_by_role("link", name="Looking for a person? The people directory").click()
    member.get_by_label("Tool").select_option(site.tool_slug)
    member.get_by_role("button", name="Show people").click()
    expect(member.locator(".directory-count")).to_contain_text("1 person")
    expect(member.get_by_role("link", name="Nora Examiner", exact=True)).to_be_visible()
    member.goto(f"{site.base}/tools/{site.tool_slug}")
    officers = member.locator("section", has=member.get_by_role("heading", name="Officers with experience of "
                                                                             "this tool"))
    expect(officers.get_by_role("link", name="Nora Examiner", exact=True)).to_be_visible()
    expect(officers.get_by_text("Mobile forensics examiner")).to_be_visible()
    expect(member.get_by_text("nora@northbridge.example")).to_have_count(0)
    officers.get_by_role("link", name="Ask for an introduction").first.click()
    expect(member.get_by_role("heading", name="Ask Nora Examiner for an introduction")).to_be_visible()
    assert member.get_by_label("Tool experience").is_checked()
    assert site.tool_name in member.get_by_label("Related tool").locator("option:checked").inner_text()
    member.get_by_label("Subject").fill(SUBJECT)
    member.get_by_label("Message").fill("Could we compare notes on the tool? A short call would help.")
    member.get_by_label("H0 – for law-enforcement purposes only").check()
    member.get_by_label("I confirm that this request contains no abuse material").check()
    member.get_by_role("button", name="Send the introduction request").click()
    expect(member.get_by_text("Your introduction request has been sent as number")).to_be_visible()
    expect(member.get_by_text("E-mail addresses stay hidden on both sides")).to_be_visible()
    expect(member.get_by_text("nora@northbridge.example")).to_have_count(0)
    request_url = member.url

    officer.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    officer.get_by_role("link", name=SUBJECT).click()
    expect(officer.get_by_text("Accepting shows your e-mail address to the sender")).to_be_visible()
    officer.get_by_role("button", name="Accept", exact=True).click()
    expect(officer.get_by_text("You accepted the request.")).to_be_visible()
    expect(officer.get_by_role("link", name="mira@harbour-police.example")).to_be_visible()

    member.goto(request_url)
    expect(member.get_by_text("The introduction was accepted")).to_be_visible()
    expect(member.get_by_role("link", name="nora@northbridge.example")).to_be_visible()
