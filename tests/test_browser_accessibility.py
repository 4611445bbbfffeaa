"""The axe-core audit of the key pages, in English and in Arabic (right to left), on the full demo data: any serious or
critical violation fails; moderate and minor ones are written to ``test-results/accessibility.json``."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalogue.languages import COOKIE
from tests import axe
from tests.browser import sign_in
from tests.demo_people import CURATOR, MEMBER, PASSWORD, serve_demo_people

RECORD = Path(__file__).resolve().parent.parent / "test-results" / "accessibility.json"
FILTERED_CATALOGUE = "/tools/?purposes=grooming-detection&technologies=nlp&q=chat"


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data_dir):
    yield from serve_demo_people(tmp_path_factory, demo_data_dir, "accessibility-live")


@pytest.fixture(scope="module")
def contexts(browser, site):
    """One browser context per account, signed in once (sign-in is rate-limited per address and per IP), with one
    tab that the audits of that account take turns in (a new tab costs a quarter of a second)."""
    opened = {}

    def context_for(account: str | None):
        if account not in opened:
            context = browser.new_context()
            context.tab = context.new_page()
            if account:
                sign_in(context.tab, site.base, account, PASSWORD, totp_secret=site.sample.secret_of(account),
                        keyboard=True)
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
    ("contact-inbox", MEMBER, lambda s: "/contact/?sort=newest"),
    ("curator-editor", CURATOR, lambda s: f"/curation/tools/{s.entry}/edit"),
    ("entry-translation", CURATOR, lambda s: f"/curation/tools/{s.entry}/translations/fr"),
]


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize(("name", "account", "path"), PAGES, ids=[name for name, _, _ in PAGES])
def test_key_page_has_no_serious_accessibility_violation(site, contexts, name, account, path, language):
    context = contexts(account)
    context.add_cookies([{"name": COOKIE, "value": language, "url": site.base}])
    page = context.tab
    response = page.goto(site.base + path(site.sample))
    assert response.status == 200, (response.status, page.url)
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    axe.check(page, record=RECORD, label=f"{name} [{language}]")


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
