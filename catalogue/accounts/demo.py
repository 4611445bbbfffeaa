"""Fictional agencies and one account per role, for development and demonstrations only."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from catalogue.admin.services import agency_by_slug, create_user
from catalogue.extensions import db
from catalogue.models import Agency, Tool, User

AGENCIES_FILE = Path(__file__).resolve().parent.parent / "demo" / "agencies.json"

#: Printed by ``flask catalogue demo`` and listed in the README. Never created in production.
DEMO_PASSWORD = "demo-catalogue-2026"
DEMO_ACCOUNTS = (
    ("admin@demo.example", "Demo Administrator", "admin"),
    ("curator@demo.example", "Demo Curator", "curator"),
    ("reviewer@demo.example", "Demo Reviewer", "curator"),
    ("member@demo.example", "Demo Member", "member"),
    ("pending@demo.example", "Demo Applicant", "pending"),
)


def load_agencies() -> int:
    """Add the demo agencies that are missing; returns how many were added."""
    added = 0
    for record in json.loads(AGENCIES_FILE.read_text(encoding="utf-8")):
        if agency_by_slug(record["slug"]) is None:
            db.session.add(Agency(**record, demo=True))
            added += 1
    db.session.commit()
    return added


def create_accounts() -> list[tuple[str, str]]:
    """Create the demo accounts that are missing; returns (e-mail, role) of every demo account."""
    agency = db.session.scalar(select(Agency).where(Agency.demo.is_(True)).order_by(Agency.slug))
    for email, name, role in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            user = create_user(email, name, role, agency, DEMO_PASSWORD, demo=True)
            user.position = "Demonstration account"
            user.justification = ("A demonstration application, to show the vetting queue and its warnings."
                                  if role == "pending" else "")
            db.session.commit()
    attribute_demo_work()
    return [(email, role) for email, _name, role in DEMO_ACCOUNTS]


def attribute_demo_work() -> None:
    """Make the demo curator the author of demo drafts and entries in review, so the second demo curator
    (the reviewer) finds entries waiting for a four-eyes review on their dashboard."""
    curator = db.session.scalar(select(User).filter_by(email="curator@demo.example"))
    unattributed = select(Tool).where(Tool.demo.is_(True), Tool.status.in_(("draft", "in_review")),
                                      Tool.created_by_id.is_(None))
    for tool in db.session.scalars(unattributed):
        tool.created_by = tool.updated_by = curator
        if tool.status == "in_review":
            tool.submitted_by, tool.submitted_at = curator, tool.updated_at
    db.session.commit()
