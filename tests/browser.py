"""What the browser tests share: Debian's Chromium (skipped when missing locally, a failure in CI), a live server on a
free port, and signing in through the form.

Every test in a ``tests/test_browser*.py`` module is marked ``browser`` by ``tests/conftest.py``, which checks for
Chromium before each of them with :func:`require_chromium`; pytest-playwright's ``browser`` fixture starts one
Chromium per test process and every module uses it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from catalogue.extensions import db
from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-results" / "screenshots"


def require_chromium() -> None:
    """Skip the calling test without Chromium; in CI (``CI`` set) fail it instead, so browser tests cannot vanish."""
    if CHROMIUM.exists():
        return
    if in_ci():
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}; .ci/run installs it.", pytrace=False)
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def photograph(page, name: str, *, sizes: tuple[tuple[int, int], ...] = (), **options) -> None:
    """Save ``test-results/screenshots/<name>.png`` (``<name>-<width>.png`` at each of ``sizes``, leaving the page at
    the last one) for people to look at; no test reads them. Taken on a developer's machine, not in CI (where nobody
    looks, and a full page costs a fifth of a second) unless ``SCREENSHOTS=1``."""
    wanted = os.environ.get("SCREENSHOTS")
    if (wanted is None and in_ci()) or (wanted or "1").lower() in ("0", "false"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if not sizes:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **options)
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), **options)


def serve(app):
    """Serve ``app`` on a free local port; yields its base URL, then stops."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def serve_demo_copy(tmp_path_factory, demo_data_dir, name: str, *members: tuple[str, str]):
    """A closed catalogue on a copy of the demo data, with vetted members (e-mail, name) of one agency; yields the
    app with its base URL in ``app.base``."""
    from tests.conftest import copy_data_dir, make_app
    from tests.factories import make_agency, make_user

    data_dir = tmp_path_factory.mktemp(name)
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False, CATALOGUE_PUBLIC_BROWSING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police Online Child Protection Unit")
        for email, name_of_member in members:
            make_user("member", email=email, agency=agency, name=name_of_member)
    for base in serve(app):
        app.base = base
        yield app


_sessions: dict[tuple[str, str], dict] = {}


def signed_in_context(browser, base: str, address: str, password: str = PASSWORD, *, totp_secret: str | None = None,
                      **options):
    """A new browser context (``options`` as for ``browser.new_context``) already signed in as ``address``.

    The first call per site and address signs in through the form; later ones start from that session's cookies
    (Playwright's storage state), as a person who signed in earlier does: signing in costs a second a test, and a
    code of ``totp_secret`` is refused when used twice. Tests that sign out, revoke sessions or change the
    password must sign in themselves, since the saved session would end for every later test of the module."""
    key = (base, address)
    if key not in _sessions:
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, base, address, password, totp_secret=totp_secret)
        expect(page.locator("form.sign-out, form[action$='/sign-out']")).to_have_count(1)
        _sessions[key] = context.storage_state()
        context.close()
    return browser.new_context(storage_state=_sessions[key], **options)


def sign_in(page, base: str, address: str, password: str = PASSWORD, *, totp_secret: str | None = None,
            keyboard: bool = False) -> None:
    """Sign ``page`` in through the sign-in form, then enter the current code of ``totp_secret`` when given.

    ``keyboard=True`` types and presses Enter instead of clicking, and checks that the code field takes the focus
    and that the sign-in succeeded; otherwise the outcome is left to the caller to check.
    """
    page.goto(base + "/account/sign-in")
    page.get_by_label("Official e-mail address").fill(address)
    page.get_by_label("Password").fill(password)
    if keyboard:
        page.keyboard.press("Enter")
    else:
        page.get_by_role("button", name="Sign in").click()
    if totp_secret:
        code = page.get_by_label("Code")
        if keyboard:
            expect(code).to_be_focused()
        code.fill(pyotp.TOTP(totp_secret).now())
        if keyboard:
            page.keyboard.press("Enter")
        else:
            page.get_by_role("button", name="Continue").click()
    if keyboard:
        expect(page.get_by_role("button", name="Sign out", include_hidden=True)).to_have_count(1)  # folded on phones
