"""Links from the directory into the contact section, which another part of the application provides.

Until that section is installed there is nowhere to send a request, so the link is None and templates hide the
button; every such link is built here and nowhere else.
"""

from __future__ import annotations

from flask import current_app, url_for

REQUEST_ENDPOINT = "contact.new_request"


def request_link(agency, tool=None, kind: str | None = None) -> str | None:
    """The address of a new request to ``agency`` (about ``tool``), or None while requests cannot be sent."""
    if REQUEST_ENDPOINT not in current_app.view_functions:
        return None
    args = {"agency": agency.slug}
    if tool is not None:
        args["tool"] = tool.slug
    if kind:
        args["kind"] = kind
    return url_for(REQUEST_ENDPOINT, **args)
