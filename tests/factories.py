"""Test data made through the same import service that production data goes through."""

from __future__ import annotations

import json
from typing import Any

from catalogue.cli import DEMO_FILE
from catalogue.interchange.services import import_tools
from catalogue.trainings.demo import load_demo_trainings


def tool_record(slug: str = "sample-tool", **fields: Any) -> dict[str, Any]:
    record = {
        "slug": slug,
        "name": slug.replace("-", " ").title(),
        "organisation": "Example Research Lab",
        "summary": f"A fictional tool called {slug} for tests.",
        "purposes": ["referral-triage"],
        "status": "published",
    }
    record.update(fields)
    return record


def document(*records: dict[str, Any]) -> dict[str, Any]:
    return {"format": "ai-tools-catalogue", "version": 1, "tools": list(records)}


def make_tools(*records: dict[str, Any]):
    """Import records (default: one published tool) and return the import report."""
    return import_tools(document(*(records or (tool_record(),))))


def load_demo():
    from catalogue.curation.demo import load_demo_guidance

    report = import_tools(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    load_demo_guidance()
    load_demo_trainings()
    return report


PASSWORD = "violet kettle drums anchor"


def make_agency(slug: str = "harbour-police", domains: tuple[str, ...] = ("harbour-police.example",), **fields):
    from catalogue.accounts.services import agency_by_slug
    from catalogue.admin.services import AgencyDetails, save_agency

    details = AgencyDetails(name=fields.pop("name", slug.replace("-", " ").title()),
                            country=fields.pop("country", "FR"), kind=fields.pop("kind", "police"),
                            domains=list(domains), description=fields.pop("description", ""),
                            specialisms=fields.pop("specialisms", None), languages=fields.pop("languages", None))
    agency = save_agency(details)
    assert agency.slug == slug or agency_by_slug(slug) is None
    return agency


def make_user(role: str = "member", email: str | None = None, agency=None, mfa: bool | None = None, **fields):
    """An account made through the admin service; curators and admins get a second factor unless ``mfa=False``."""
    import pyotp

    from catalogue.admin.services import create_user
    from catalogue.extensions import db

    user = create_user(email or f"{role}@harbour-police.example", fields.pop("name", f"Test {role.title()}"), role,
                       agency, fields.pop("password", PASSWORD))
    if mfa if mfa is not None else role in ("curator", "admin"):
        user.mfa_secret = pyotp.random_base32()
    for name, value in fields.items():
        setattr(user, name, value)
    if "accepted_documents" not in fields:  # every signed-in page waits for the current terms otherwise
        from catalogue.agreements import documents

        documents.record(user)
    db.session.commit()
    return user
