"""Links to pages another part of the contact section owns, built in one place so that a page never breaks while
that part is missing (the agency directory is built in parallel; this is simplified once both are merged)."""

from __future__ import annotations

from flask import current_app, url_for

from catalogue.models import Agency


def agency_href(agency: Agency | None) -> str | None:
    """The agency's page in the directory, or None when the directory is not there (the template shows the name)."""
    if agency is None or "agencies.agency" not in current_app.view_functions:
        return None
    return url_for("agencies.agency", slug=agency.slug)
