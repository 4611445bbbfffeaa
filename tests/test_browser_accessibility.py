"""The axe-core audit of the key pages, in English and in Arabic (right to left), on the full demo data: any serious or
critical violation fails; moderate and minor ones are written to ``test-results/accessibility.json``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import select

from catalogue.accounts import demo as accounts_demo
from catalogue.contact.demo import load_demo_requests
from catalogue.extensions import db
from catalogue.languages import COOKIE
from catalogue.models import ContactRequest, GuidancePage, Tool, ToolUsage, Training, User
from tests import axe
from tests.conftest import CHROMIUM, serve_demo_copy

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"Browser tests need Chromium at {CHROMIUM}; .ci/run installs it.")
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

RECORD = Path(__file__).resolve().parent.parent / "test-results" / "accessibility.json"
MEMBER, CURATOR = "member@demo.example", "curator@demo.example"
FILTERED_CATALOGUE = "/tools/?purposes=grooming-detection&technologies=nlp&q=chat"


def load_demo_people() -> None:
    """What ``flask catalogue demo`` adds on top of the tools, guidance and trainings: agencies, their points of
    contact, the demo accounts and the demo contact requests between them."""
    from catalogue.trainings.demo import enrol_demo_accounts

    accounts_demo.load_agencies()
    accounts_demo.create_accounts()
    enrol_demo_accounts()
    load_demo_requests()


@dataclass(frozen=True)
class Sample:
    """Addresses of demo records the pages are opened on."""

    tool: str
    compared: tuple[str, ...]
    guidance: str
    training: str
    agency: str
    thread: int
    entry: int
    curator_secret: str


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    for app in serve_demo_copy(tmp_path_factory, demo_data_dir, "accessibility-live"):
        with app.app_context():
            load_demo_people()
            curator = db.session.scalar(select(User).filter_by(email=CURATOR))
            curator.mfa_secret = pyotp.random_base32()
            member = db.session.scalar(select(User).filter_by(email=MEMBER))
            usage = db.session.scalars(select(ToolUsage).join(Tool).where(
                Tool.status == "published", ToolUsage.agency_id != member.agency_id).order_by(Tool.name)).first()
            tool = usage.tool
            published = select(Tool.slug).where(Tool.status == "published").order_by(Tool.name).limit(3)
            thread = select(ContactRequest.id).where(ContactRequest.sender_id == member.id,
                                                     ContactRequest.state == "accepted").order_by(ContactRequest.id)
            app.sample = Sample(
                tool=tool.slug,
                compared=tuple(db.session.scalars(published)),
                guidance=db.session.scalars(select(GuidancePage.slug).where(GuidancePage.status == "published")
                                            .order_by(GuidancePage.slug)).first(),
                training=db.session.scalars(select(Training.slug).where(Training.status == "published")
                                            .order_by(Training.starts_at.desc())).first(),
                agency=usage.agency.slug,
                thread=db.session.scalars(thread).first(),
                entry=tool.id,
                curator_secret=curator.mfa_secret,
            )
            db.session.commit()
        yield app


@pytest.fixture(scope="module")
def contexts(browser, site):
    """One browser context per account, signed in once (sign-in is rate-limited per address and per IP)."""
    opened = {}

    def context_for(account: str | None):
        if account not in opened:
            context = browser.new_context()
            if account:
                page = context.new_page()
                page.goto(site.base + "/account/sign-in")
                page.get_by_label("Official e-mail address").fill(account)
                page.get_by_label("Password").fill(accounts_demo.DEMO_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                if account == CURATOR:
                    page.get_by_label("Code").fill(pyotp.TOTP(site.sample.curator_secret).now())
                    page.get_by_role("button", name="Continue").click()
                assert page.get_by_role("button", name="Sign out").count() == 1, page.url
                page.close()
            opened[account] = context
        return opened[account]

    yield context_for
    for context in opened.values():
        context.close()


#: (name, account or None for a visitor, path given the sample records)
PAGES = [
    ("home", MEMBER, lambda s: "/"),
    ("catalogue-filtered", MEMBER, lambda s: FILTERED_CATALOGUE),
    ("tool", MEMBER, lambda s: f"/tools/{s.tool}"),
    ("compare", MEMBER, lambda s: "/tools/compare?" + "&".join(f"tool={slug}" for slug in s.compared)),
    ("sign-in", None, lambda s: "/account/sign-in"),
    ("registration", None, lambda s: "/account/register"),
    ("guidance", MEMBER, lambda s: f"/guidance/{s.guidance}"),
    ("workflow", MEMBER, lambda s: "/workflow"),
    ("assessment", MEMBER, lambda s: "/assessment/"),
    ("training", MEMBER, lambda s: f"/trainings/{s.training}"),
    ("agency-directory", MEMBER, lambda s: "/agencies/"),
    ("contact-form", MEMBER, lambda s: f"/contact/new?agency={s.agency}&tool={s.tool}&kind=tool_experience"),
    ("contact-thread", MEMBER, lambda s: f"/contact/requests/{s.thread}"),
    ("curator-editor", CURATOR, lambda s: f"/curation/tools/{s.entry}/edit"),
]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(("name", "account", "path"), PAGES, ids=[name for name, _, _ in PAGES])
def test_key_page_has_no_serious_accessibility_violation(site, contexts, name, account, path, language):
    context = contexts(account)
    context.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    page = context.new_page()
    try:
        response = page.goto(site.base + path(site.sample))
        assert response.status == 200, (response.status, page.url)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        axe.check(page, record=RECORD, label=f"{name} [{language}]")
    finally:
        page.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_registration_form_with_errors_has_no_serious_accessibility_violation(site, contexts, language):
    """Error states add messages, ``aria-invalid`` and ``aria-describedby`` links: audit them too."""
    context = contexts(None)
    context.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    page = context.new_page()
    try:
        page.goto(site.base + "/account/register")
        page.locator("main form button[type=submit]").click()
        assert page.locator("[aria-invalid=true]").count() > 0
        axe.check(page, record=RECORD, label=f"registration-with-errors [{language}]")
    finally:
        page.close()


def test_the_audit_fails_on_a_planted_violation(site, contexts):
    """The audit really runs under the site's Content-Security-Policy and reports what it finds."""
    page = contexts(None).new_page()
    try:
        page.goto(site.base + "/account/sign-in")
        page.evaluate("""() => {
            const image = document.createElement('img');
            image.src = '/static/favicon.svg';
            document.querySelector('main').append(image);
        }""")
        with pytest.raises(AssertionError) as failure:
            axe.check(page)
        assert "image-alt (critical)" in str(failure.value)
        assert '<img src="/static/favicon.svg">' in str(failure.value)
    finally:
        page.close()
