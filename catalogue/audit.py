"""Writing the audit log. Callers pass what happened; secrets never get here because no caller passes them."""

from __future__ import annotations

import re

from flask import has_request_context, request
from flask_login import current_user

from catalogue.extensions import db
from catalogue.models import AuditEvent

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean(value: object, limit: int) -> str:
    """Control characters would let a value forge extra lines in a log or an export; they become spaces."""
    return CONTROL_CHARACTERS.sub(" ", str(value or ""))[:limit]


def record(action: str, target: object = "", outcome: str = "success", detail: object = "", actor=None) -> AuditEvent:
    """Add an event to the current transaction; the caller's service commits it with its own work."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    event = AuditEvent(
        actor_id=getattr(actor, "id", None),
        actor=clean(getattr(actor, "email", actor or ""), 254),
        ip=clean(request.remote_addr if has_request_context() else "cli", 45),
        action=action,
        target=clean(target, 300),
        outcome=outcome,
        detail=clean(detail, 2000),
    )
    db.session.add(event)
    return event


def record_now(*args, **kwargs) -> None:
    """Record an event on its own, for outcomes that change nothing else (failures, denials)."""
    record(*args, **kwargs)
    db.session.commit()


def record_denial(permission: str) -> None:
    record_now("permission.denied", target=request.path, outcome="denied", detail=permission)


def target_of(user) -> str:
    return f"user:{user.email}"
