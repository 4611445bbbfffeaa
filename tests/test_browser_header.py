"""The site header for every role in Chromium without JavaScript (issue 21, item 11): at 1280 px the main navigation
keeps to one line under the brand, with the account links and the language beside the brand; at 390 px it folds
behind a "Menu" button (a <details> disclosure) that opens and leads on without script. The open phone menu and the
desktop header of each role are saved under ``test-results/screenshots/header-*.png``."""

from __future__ import annotations

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import User
from tests.axe import check
from tests.browser import photograph, sign_in
from tests.demo_people import CURATOR, MEMBER, PASSWORD, serve_demo_people

DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
ADMIN = "admin@demo.example"
ROLES = {"anonymous": None, "member": MEMBER, "curator": CURATOR, "admin": ADMIN}
#: The main navigation's links each role sees (the demo member has unread requests: a badge widens "Requests").
NAV = {
    "anonymous": ["Home", "About and inclusion criteria"],
    "member": ["Home", "Catalogue", "Learning Centre", "About and inclusion criteria", "Shortlist", "Agencies",
               "Requests"],
    "curator": ["Home", "Catalogue", "Learning Centre", "About and inclusion criteria", "Shortlist", "Agencies",
                "Requests", "Curation"],
    "admin": ["Home", "Catalogue", "Learning Centre", "About and inclusion criteria", "Shortlist", "Agencies",
              "Requests", "Curation", "Administration"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_people(tmp_path_factory, demo_data_dir, "header-live"):
        with app.app_context():
            admin = db.session.scalar(select(User).filter_by(email=ADMIN))
            admin.mfa_secret = app.admin_secret = pyotp.random_base32()
            db.session.commit()
        yield app


@pytest.fixture(scope="module")
def signed_in_state(browser, site):
    """Each role's cookies, signed in once (sign-in is rate-limited per address)."""
    states = {}

    def state_of(role: str):
        account = ROLES[role]
        if account is None:
            return None
        if role not in states:
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            secret = site.admin_secret if account == ADMIN else site.sample.secret_of(account)
            sign_in(page, site.base, account, PASSWORD, totp_secret=secret)
            expect(page.get_by_role("button", name="Sign out")).to_have_count(1)
            states[role] = context.storage_state()
            context.close()
        return states[role]

    return state_of


def open_as(browser, signed_in_state, role: str, viewport):
    context = browser.new_context(viewport=viewport, java_script_enabled=False,
                                  storage_state=signed_in_state(role))
    return context, context.new_page()


@pytest.mark.parametrize("role", list(ROLES))
def test_the_navigation_fits_one_line_at_1280_px(browser, site, signed_in_state, role):
    context, page = open_as(browser, signed_in_state, role, DESKTOP)
    try:
        page.goto(site.base + "/")
        nav = page.get_by_role("navigation", name="Main")
        links = nav.get_by_role("link")
        expect(links).to_have_count(len(NAV[role]))
        texts = links.all_inner_texts()
        assert all(text.startswith(name) for text, name in zip(texts, NAV[role], strict=True)), texts
        expect(page.locator(".site-menu-button")).to_be_hidden()
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, f"{role}: the navigation wraps onto {len(tops)} lines"
        brand, first = page.locator(".brand").bounding_box(), links.first.bounding_box()
        assert brand["y"] + brand["height"] <= first["y"] + 1  # under the brand's row
        assert abs(brand["x"] - first["x"]) < 2  # and starts where the brand starts
        expect(page.locator(".brand-mark")).to_be_visible()
        expect(page.locator(".language-switcher select")).to_be_visible()
        account_link = "Account" if ROLES[role] else "Sign in"
        expect(page.locator(".site-tools").get_by_role("link", name=account_link)).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
        photograph(page, f"header-{role}-1280", clip={"x": 0, "y": 0, "width": 1280, "height": 160})
    finally:
        context.close()


@pytest.mark.parametrize("role", list(ROLES))
def test_the_phone_menu_opens_without_javascript(browser, site, signed_in_state, role):
    context, page = open_as(browser, signed_in_state, role, PHONE)
    try:
        page.goto(site.base + "/about")
        nav = page.get_by_role("navigation", name="Main")
        menu = page.locator("summary.site-menu-button")
        expect(menu).to_be_visible()
        expect(menu).to_have_text("Menu")
        expect(nav.get_by_role("link", name="Home")).to_be_hidden()
        expect(page.locator(".language-switcher")).to_be_hidden()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 120, header  # the brand and the button only

        menu.click()
        expect(nav.get_by_role("link", name="Home")).to_be_visible()
        expect(page.locator(".language-switcher select")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        photograph(page, f"header-{role}-menu-390")
        nav.get_by_role("link", name=NAV[role][-1]).click()
        page.wait_for_load_state()
        expect(page.locator("summary.site-menu-button")).to_be_visible()
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")).to_be_hidden()
    finally:
        context.close()


def test_the_open_phone_menu_passes_the_audit(browser, site, signed_in_state):
    """axe-core with the menu open (axe needs script, so this context has it; the menu itself does not)."""
    context = browser.new_context(viewport=PHONE, storage_state=signed_in_state("admin"))
    page = context.new_page()
    try:
        page.goto(site.base + "/")
        page.locator("summary.site-menu-button").click()
        expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration")).to_be_visible()
        check(page)  # no serious or critical violation
    finally:
        context.close()
