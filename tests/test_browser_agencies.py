"""The directory journey in Chromium, without JavaScript: a member filters the agency directory by region and
specialism, opens an agency, reads its points of contact, and goes on to a tool the agency uses."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import AgencyUnit, Tool, ToolUsage
from tests.browser import serve_demo_copy, sign_in
from tests.factories import PASSWORD, make_agency, make_user

TOOL = "Amberline Hash"  # a published demo tool


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "agencies-live",
                               ("member@harbour-police.example", "Mira Member")):
        with app.app_context():
            nordhafen = make_agency("nordhafen-police", domains=("nordhafen.example",), name="Nordhafen Police",
                                    country="DE", specialisms=["victim-identification", "digital-forensics"],
                                    languages=["de", "en"], description="Fictional police of a port city.")
            make_agency("sakura-hotline", domains=("sakura.example",), name="Sakura Hotline", country="JP",
                        kind="hotline", specialisms=["victim-identification"], languages=["ja"])
            make_agency("lisboa-prosecutors", domains=("lisboa.example",), name="Lisboa Prosecutors", country="PT",
                        kind="prosecution", specialisms=["prosecution"], languages=["pt"])
            nordhafen.units = [AgencyUnit(name="Victim Identification Team")]
            tool = db.session.scalar(select(Tool).filter_by(slug="amberline-hash"))
            db.session.add(ToolUsage(agency=nordhafen, tool=tool, note="Fast on large seizures; check near misses."))
            db.session.commit()
            make_user("member", email="greta@nordhafen.example", name="Greta Contact", agency=nordhafen,
                      point_of_contact=True, position="Head of victim identification", languages=["de", "en"],
                      time_zone="Europe/Berlin", office_hours="Mon–Fri 08:00–16:00")
        yield app


def test_a_member_finds_an_agency_by_region_and_specialism_and_goes_to_a_tool_it_uses(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, site.base, "member@harbour-police.example", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    expect(page.get_by_role("heading", name="Agency directory")).to_be_visible()

    page.get_by_label("Region", exact=True).select_option("europe")
    page.get_by_label("Specialism", exact=True).select_option("victim-identification")
    page.get_by_role("button", name="Show agencies").click()
    expect(page.get_by_text("1 agency", exact=True)).to_be_visible()
    results = page.locator(".agency-list")
    expect(results.get_by_role("link", name="Nordhafen Police", exact=True)).to_be_visible()
    assert results.get_by_role("link", name="Sakura Hotline").count() == 0  # Asia
    assert results.get_by_role("link", name="Lisboa Prosecutors").count() == 0  # another specialism
    expect(results.get_by_text("1 point of contact · 1 catalogue tool used")).to_be_visible()

    results.get_by_role("link", name="Nordhafen Police", exact=True).click()
    expect(page.get_by_role("heading", name="Nordhafen Police", level=1)).to_be_visible()
    expect(page.get_by_text("Victim Identification Team")).to_be_visible()
    contacts = page.locator("section", has=page.get_by_role("heading", name="Points of contact"))
    expect(contacts.get_by_role("heading", name="Greta Contact")).to_be_visible()
    expect(contacts.get_by_text("Head of victim identification")).to_be_visible()
    expect(contacts.get_by_text("Europe/Berlin (UTC+0")).to_be_visible()
    expect(contacts.get_by_text("Mon–Fri 08:00–16:00")).to_be_visible()

    tools = page.locator("section", has=page.get_by_role("heading", name="Catalogue tools it uses"))
    expect(tools.get_by_text("Fast on large seizures; check near misses.")).to_be_visible()
    tools.get_by_role("link", name=TOOL).click()
    expect(page.get_by_role("heading", name=TOOL, level=1)).to_be_visible()
    using = page.locator("section", has=page.get_by_role("heading", name="Agencies that use this tool"))
    expect(using.get_by_role("link", name="Nordhafen Police", exact=True)).to_be_visible()
    expect(using.get_by_text("Fast on large seizures; check near misses.")).to_be_visible()


def test_the_coverage_overview_leads_to_a_country(browser, site):
    page = browser.new_context(java_script_enabled=False).new_page()
    sign_in(page, site.base, "member@harbour-police.example", PASSWORD)
    page.goto(site.base + "/agencies/")
    coverage = page.locator("section#coverage")
    africa = coverage.locator("section", has=page.get_by_role("heading", name="Africa"))
    expect(africa.get_by_text("No agency in this region yet.")).to_be_visible()
    coverage.locator(".coverage-countries").get_by_role("link", name="Japan").click()
    assert page.get_by_label("Country", exact=True).input_value() == "JP"
    expect(page.locator(".agency-list").get_by_role("link", name="Sakura Hotline")).to_be_visible()
