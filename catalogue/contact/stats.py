"""Figures about requests for ``flask catalogue stats``: counts only, never content."""

from __future__ import annotations

from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.models import REQUEST_STATES, ContactRequest


def requests_by_state() -> dict[str, int]:
    """Every state, including those no request is in."""
    counts = dict(db.session.execute(select(ContactRequest.state, func.count()).group_by(ContactRequest.state)).all())
    return {state: counts.get(state, 0) for state in REQUEST_STATES}
