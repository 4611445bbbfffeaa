"""Curators, editor form data and workflow posts for the curation tests."""

from __future__ import annotations

import re
from typing import Any

from catalogue.extensions import db
from catalogue.models import Tool
from tests.auth import csrf_token, signed_in

VERSION = re.compile(r'name="(?:[a-z]+-)?version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="(?:[a-z]+-)?version"')


def curator_clients(app, *emails: str) -> list:
    """One signed-in test client per curator e-mail (each curator has a second factor)."""
    return [signed_in(app, "curator", email=email, name=email.split("@")[0].title()) for email in emails]


def editor_data(**fields: Any) -> dict[str, Any]:
    data = {"name": "Harbour Chat Triage", "slug": "", "organisation": "Example Lab", "country": "FR",
            "website": "https://chat-triage.example", "summary": "Ranks chat logs for grooming risk.",
            "description": "It **ranks** chats.", "responsible_use": "Keep a human in the loop.",
            "purposes": ["grooming-detection"], "languages": ["en", "fr"], "note": "", "action": "save"}
    data.update(fields)
    return data


def version_on(client, path: str) -> str:
    match = VERSION.search(client.get(path).get_data(as_text=True))
    assert match, f"no version field on {path}"
    return match.group(1) or match.group(2)


def create_draft(client, **fields: Any) -> int:
    token = csrf_token(client, "/curation/tools/new")
    response = client.post("/curation/tools/new", data={**editor_data(**fields), "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def post_step(client, tool_id: int, step: str, kind: str = "tools", **data: Any):
    """Post a workflow step with the CSRF token and the version shown on the entry's page."""
    page = f"/curation/{kind}/{tool_id}"
    token = csrf_token(client, page)
    prefix = {"unpublish": "unpublish-", "archive": "archive-", "reopen": "reopen-"}.get(step, "")
    fields = {f"{prefix}csrf_token": token, **{f"{prefix}{key}": value for key, value in data.items()}}
    fields.setdefault(f"{prefix}version", version_on(client, page))
    return client.post(f"{page}/{step}", data=fields)


def approve(client, tool_id: int, criteria: int = 4, sources: str = "Vendor documentation, 2026",
            verified_on: str = "2026-01-15", step: str = "review", kind: str = "tools"):
    page = f"/curation/{kind}/{tool_id}/{step}"
    token = csrf_token(client, page)
    return client.post(page, data={"csrf_token": token, "version": version_on(client, page),
                                   "criteria": [str(n) for n in range(1, criteria + 1)], "sources": sources,
                                   "verified_on": verified_on})


def tool(app, tool_id: int) -> Tool:
    with app.app_context():
        found = db.session.get(Tool, tool_id)
        db.session.expunge(found)
        return found
