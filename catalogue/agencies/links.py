"""Links from the directory into the contact section: a new request to an agency, perhaps about a tool."""

from __future__ import annotations

from flask import url_for


def request_link(agency, tool=None, kind: str | None = None) -> str:
    """The address of the request form, filled in with ``agency`` (and ``tool`` and the request ``kind``)."""
    args = {"agency": agency.slug}
    if tool is not None:
        args["tool"] = tool.slug
    if kind:
        args["kind"] = kind
    return url_for("contact.new_request", **args)
