"""A contact request in Chromium, without JavaScript: a member opens a tool, asks an agency that uses it; that agency's
point of contact acknowledges the request, replies and closes it; both see the thread and the history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import Tool, ToolUsage, User
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD, make_agency, make_user

SUBJECT = "Experience with the chat analysis tool on long exports"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "contact-live",
                               ("mira@harbour-police.example", "Mira Member")):
        with app.app_context():
            db.session.scalar(select(User).filter_by(email="mira@harbour-police.example")).languages = ["fr", "en"]
            northbridge = make_agency("northbridge-police", ("northbridge.example",), country="DE",
                                      name="Northbridge Police Cyber Unit")
            make_user("member", "paul@northbridge.example", agency=northbridge, name="Paul Contact",
                      point_of_contact=True)
            tool = db.session.scalar(select(Tool).where(Tool.status == "published").order_by(Tool.name))
            db.session.add(ToolUsage(agency=northbridge, tool=tool, note="We run it on every seized phone."))
            db.session.commit()
            app.tool_name = tool.name
        yield app


def test_a_request_is_sent_acknowledged_answered_and_closed(browser, site):
    sender = browser.new_context(java_script_enabled=False).new_page()
    sign_in(sender, site.base, "mira@harbour-police.example", PASSWORD)
    sender.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    sender.get_by_role("link", name=site.tool_name, exact=True).first.click()
    usage = sender.locator("section", has=sender.get_by_role("heading", name="Agencies that use this tool"))
    expect(usage.get_by_text("We run it on every seized phone.")).to_be_visible()
    usage.get_by_role("link", name="Ask an agency that uses this tool").click()
    # the form arrives filled in with the agency, the type and the tool
    assert "Northbridge Police Cyber Unit" in sender.get_by_label("Agency").locator("option:checked").inner_text()
    assert sender.get_by_label("Tool experience").is_checked()
    assert site.tool_name in sender.get_by_label("Related tool").locator("option:checked").inner_text()
    sender.get_by_label("Subject").fill(SUBJECT)
    sender.get_by_label("Message").fill("How does the tool cope with very long exports?\nThank you.")
    sender.get_by_label("H2 – not to be passed on without the sender's permission").check()
    sender.get_by_label("I confirm that this request contains no abuse material").check()
    sender.get_by_role("button", name="Send the request").click()
    expect(sender.get_by_text("Your request has been sent as number")).to_be_visible()
    expect(sender.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(sender.get_by_role("heading", name="Handling code H2")).to_be_visible()
    expect(sender.get_by_role("link", name=site.tool_name).first).to_be_visible()
    request_url = sender.url

    contact = browser.new_context(java_script_enabled=False).new_page()
    sign_in(contact, site.base, "paul@northbridge.example", PASSWORD)
    requests_link = contact.get_by_role("navigation", name="Main").get_by_role("link", name="Requests")
    assert "1" in requests_link.inner_text()  # the unread badge
    requests_link.click()
    contact.get_by_role("link", name=SUBJECT).click()
    contact.get_by_role("button", name="Acknowledge").click()
    expect(contact.get_by_text("You acknowledged the request.")).to_be_visible()
    contact.get_by_label("Your message").fill("We use it daily. Long exports work if you split them by month.")
    contact.get_by_role("button", name="Send the message").click()
    expect(contact.get_by_text("Your message has been added to the thread.")).to_be_visible()
    contact.get_by_role("button", name="Close the request").click()
    expect(contact.get_by_text("The request is closed.")).to_be_visible()

    for page in (contact, sender):
        page.goto(request_url)
        history = page.locator("section", has=page.get_by_role("heading", name="History"))
        for step in ("Sent the request", "Acknowledged the request", "Wrote a message", "Closed the request"):
            expect(history.get_by_text(step), step).to_be_visible()
        expect(page.get_by_text("Long exports work if you split them by month.")).to_be_visible()
        expect(page.get_by_text("Nothing more: this request is closed.")).to_be_visible()
    sender.get_by_role("link", name="My requests").first.click()
    expect(sender.get_by_role("link", name=SUBJECT)).to_be_visible()
