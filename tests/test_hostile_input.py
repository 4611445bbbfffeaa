"""Hostile and malformed input (issue 21): each finding of the probe, answered without a 500, a leak or a stored
trace."""

from __future__ import annotations

import re

import pytest

from catalogue import audit
from catalogue.extensions import db
from tests.auth import signed_in
from tests.factories import make_agency

# Query links ------------------------------------------------------------------------------------------------------

#: Names ``url_for`` reads itself; a link built from the query string must never pass them on.
URL_FOR_NAMES = "_method=POST&_external=1&_scheme=javascript&_anchor=x"


FORGED_HOST = "evil.example"


def forged_host(client):
    """The client's session cookie, also sent to a request whose ``Host`` header names another site."""
    client.set_cookie("session", client.get_cookie("session").value, domain=FORGED_HOST)
    return client


@pytest.fixture
def listed_app(app):
    """Lists long enough to have a second page: the audit log and the agency directory."""
    app.config["PAGE_SIZE"] = 2
    with app.app_context():
        for number in range(3):
            make_agency(f"agency-{number}", (f"agency-{number}.example",))
        for number in range(60):
            audit.record("probe.event", target=f"event {number}")
        db.session.commit()
    return app


@pytest.mark.parametrize("path", ["/admin/audit?page=1&action=probe.event", "/agencies/?page=1", "/agencies/?page=9",
                                  "/admin/contact/?kind=", "/admin/users?q="])
def test_links_carry_only_the_pages_own_parameters(listed_app, path):
    admin = forged_host(signed_in(listed_app, "admin"))
    response = admin.get(f"{path}&{URL_FOR_NAMES}", base_url=f"http://{FORGED_HOST}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert FORGED_HOST not in html and "javascript:" not in html
    assert not re.search(r'href="[^"]*[?&](_method|_external|_scheme|_anchor)=', html)
    if path.startswith("/admin/audit"):  # the filter is kept in the next page and in the download
        assert 'href="/admin/audit?action=probe.event&amp;page=2"' in html
        assert 'href="/admin/audit.csv?action=probe.event"' in html
