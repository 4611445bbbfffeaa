"""Profiles for the people tests, made through the same service as the profile page."""

from __future__ import annotations

from catalogue.extensions import db
from catalogue.models import User
from catalogue.models.profiles import PROFILE_FIELDS
from catalogue.people import services


def publish(user_id: int, *, shown=PROFILE_FIELDS, accepts: bool = True, published: bool = True,
            role: str = "Digital forensic examiner", specialisms=("digital-forensics",), tools=("chat-triage",)):
    user = db.session.get(User, user_id)
    return services.save_profile(user, services.ProfileInput(
        published=published, accepts_introductions=accepts, role=role, specialisms=list(specialisms),
        tools=list(tools), shown={name: name in shown for name in PROFILE_FIELDS}))
