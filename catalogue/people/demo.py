"""Fictional officer profiles for demo accounts (development only): ``catalogue/demo/profiles.json``.

Each profile belongs to a demo account that exists already (the demo agencies' points of contact and the demo point
of contact); accounts that are missing or have a profile already are skipped, so loading twice adds nothing. Tools
that are not published in the catalogue are left out of a profile.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from catalogue.extensions import db
from catalogue.models import SPECIALISMS, OfficerProfile, User
from catalogue.models.profiles import PROFILE_FIELDS
from catalogue.people.services import ProfileInput, save_profile

PROFILES_FILE = Path(__file__).resolve().parent.parent / "demo" / "profiles.json"


def records() -> list[dict]:
    return json.loads(PROFILES_FILE.read_text(encoding="utf-8"))["profiles"]


def load_demo_profiles() -> int:
    """Add the demo profiles that are missing; returns how many were added."""
    added = 0
    for record in records():
        unknown = set(record.get("specialisms", [])) - set(SPECIALISMS) or set(record.get("shown", [])) - set(
            PROFILE_FIELDS)
        if unknown:
            raise ValueError(f"{PROFILES_FILE.name}: {record['email']} names unknown values: {sorted(unknown)}")
        user = db.session.scalar(select(User).where(User.email == record["email"], User.demo.is_(True)))
        if user is None or user.agency_id is None or db.session.scalar(
                select(OfficerProfile.id).where(OfficerProfile.user_id == user.id)) is not None:
            continue
        save_profile(user, ProfileInput(
            published=True, accepts_introductions=bool(record.get("accepts_introductions")),
            role=record.get("role", ""), specialisms=list(record.get("specialisms", [])),
            tools=list(record.get("tools", [])), shown={name: name in record.get("shown", []) for name in
                                                         PROFILE_FIELDS}))
        added += 1
    return added
