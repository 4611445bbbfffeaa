"""Fictional agencies with their units, points of contact and tools, and one account per role, for development and
demonstrations only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from catalogue.accounts import passwords
from catalogue.accounts.services import agency_by_slug, find_user, normalise_email
from catalogue.admin.services import create_user
from catalogue.agreements import documents
from catalogue.extensions import db
from catalogue.models import SPECIALISMS, Agency, AgencyUnit, Tool, ToolUsage, User, VerificationRequest
from catalogue.models.base import utcnow
from catalogue.models.contact import NOTE_MAX
from catalogue.times import is_known_zone, main_time_zone

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
#: A technology provider for one fictional demo organisation, on its own domain (the vetting check passes).
DEMO_PROVIDER = ("provider@alderwisp.example", "Demo Provider", "provider", "Alderwisp Digital Forensics GmbH")
#: A point of contact in another country than the other demo accounts, to answer their requests.
DEMO_CONTACT = ("contact@demo.example", "Demo Point of Contact", "member")
DEMO_OFFICE_HOURS = "Mon–Fri 08:00–17:00"

AGENCY_FIELDS = ("slug", "name", "country", "kind", "domains", "description", "languages")


@dataclass
class AgencyLoad:
    """What ``load_agencies`` added; tool usages naming a tool that is not in the catalogue are skipped."""

    agencies: int = 0
    contacts: int = 0
    usages: int = 0
    unknown_tools: int = 0


def load_agencies() -> AgencyLoad:
    """Add the demo agencies that are missing, each with its units, points of contact and tools.

    A demo agency loaded before agencies had units and specialisms (an older development database) is completed
    once; any other agency that exists is left as it is, so running it again adds nothing. Points of contact become
    demo accounts with ``DEMO_PASSWORD``, hashed once for all of them: argon2 is slow on purpose.
    """
    loaded, password_hash = AgencyLoad(), None
    for record in json.loads(AGENCIES_FILE.read_text(encoding="utf-8")):
        agency = agency_by_slug(record["slug"])
        if agency is None:
            agency = Agency(**{key: record[key] for key in AGENCY_FIELDS if key in record}, demo=True)
            db.session.add(agency)
            loaded.agencies += 1
        elif not agency.demo or agency.units or agency.specialisms:
            continue
        agency.specialisms = known_specialisms(record)
        agency.languages = list(record.get("languages", []))
        agency.units = [AgencyUnit(name=unit["name"], description=unit.get("description", ""), position=number)
                        for number, unit in enumerate(record.get("units", []))]
        for contact in record.get("points_of_contact", []):
            if find_user(contact["email"]) is None:
                password_hash = password_hash or passwords.hash_password(DEMO_PASSWORD)
                db.session.add(demo_contact(agency, contact, password_hash))
                loaded.contacts += 1
        used_already = {usage.tool_id for usage in agency.tool_usages}
        for slug, note in dict((used["tool"], used.get("note", "")) for used in record.get("tools", [])).items():
            tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
            if tool is None:
                loaded.unknown_tools += 1
            elif tool.id not in used_already:
                agency.tool_usages.append(ToolUsage(tool=tool, note=note.strip()[:NOTE_MAX]))
                loaded.usages += 1
    db.session.commit()
    return loaded


def known_specialisms(record: dict) -> list[str]:
    unknown = sorted(set(record.get("specialisms", [])) - set(SPECIALISMS))
    if unknown:
        raise ValueError(f"{AGENCIES_FILE.name}: {record['slug']} names unknown specialisms: {', '.join(unknown)}")
    return [slug for slug in SPECIALISMS if slug in record.get("specialisms", [])]


def demo_contact(agency: Agency, contact: dict, password_hash: str) -> User:
    """A vetted, verified demo member who answers for ``agency``."""
    zone = contact.get("time_zone", "")
    if zone and not is_known_zone(zone):
        raise ValueError(f"{AGENCIES_FILE.name}: {contact['email']} has an unknown time zone {zone!r}")
    now = utcnow()
    user = User(email=normalise_email(contact["email"]), name=contact["name"], role="member", agency=agency,
                point_of_contact=True, demo=True, password_hash=password_hash, email_verified_at=now,
                terms_accepted_at=now, vetted_at=now, position=contact.get("position", ""),
                languages=list(contact.get("languages", [])), time_zone=zone,
                office_hours=contact.get("office_hours", ""))
    documents.record(user)
    return user


def create_accounts() -> list[tuple[str, str]]:
    """Create the demo accounts that are missing; returns (e-mail, role) of every demo account."""
    agencies = list(db.session.scalars(select(Agency).where(Agency.demo.is_(True)).order_by(Agency.slug)))
    agency = agencies[0] if agencies else None
    for email, name, role in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).filter_by(email=email)) is None:
            user = create_user(email, name, role, agency, DEMO_PASSWORD, demo=True)
            user.position = "Demonstration account"
            user.justification = ("A demonstration application, to show the vetting queue and its warnings."
                                  if role == "pending" else "")
            documents.record(user)
            db.session.commit()
    create_contact_account(agencies)
    create_provider_account()
    attribute_demo_work()
    return [(email, role) for email, _name, role, *_organisation in (*DEMO_ACCOUNTS, DEMO_CONTACT, DEMO_PROVIDER)]


def create_provider_account() -> None:
    """The demo technology provider, and a verification request a demo curator sent them that waits for an answer."""
    email, name, role, organisation = DEMO_PROVIDER
    tool = db.session.scalar(select(Tool).where(Tool.organisation == organisation, Tool.status == "published"))
    if tool is None or db.session.scalar(select(User).filter_by(email=email)) is not None:
        return
    user = create_user(email, name, role, None, DEMO_PASSWORD, demo=True)
    user.organisation, user.position = organisation, "Demonstration provider account"
    documents.record(user)
    curator = db.session.scalar(select(User).filter_by(email="curator@demo.example"))
    db.session.add(VerificationRequest(tool=tool, asked_by=curator, asked_at=utcnow(), status="open", question=(
        "Please confirm that the languages and the description of the deployment options are still current.")))
    db.session.commit()


def create_contact_account(agencies: list[Agency]) -> None:
    """The demo point of contact, in the first demo agency (by slug) in another country than the first one."""
    email, name, role = DEMO_CONTACT
    if not agencies or db.session.scalar(select(User).filter_by(email=email)) is not None:
        return
    agency = next((a for a in agencies if a.country != agencies[0].country), agencies[0])
    user = create_user(email, name, role, agency, DEMO_PASSWORD, demo=True)
    user.position = "Demonstration point of contact"
    user.point_of_contact = True
    user.languages = sorted({*(agency.languages or []), "en"})
    user.time_zone = main_time_zone(agency.country)
    user.office_hours = DEMO_OFFICE_HOURS
    documents.record(user)
    db.session.commit()


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
