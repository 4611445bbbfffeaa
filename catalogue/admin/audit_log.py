"""Browsing and exporting the audit log."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from catalogue.admin.services import contains
from catalogue.extensions import db
from catalogue.models import AuditEvent
from catalogue.spreadsheets import spreadsheet_safe

EXPORT_LIMIT = 100_000
COLUMNS = ("time_utc", "actor", "ip", "action", "target", "outcome", "detail")


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    outcome: str = ""
    since: date | None = None
    until: date | None = None


def filtered(filters: AuditFilters):
    query = select(AuditEvent).order_by(AuditEvent.id.desc())
    if filters.action:
        query = query.filter_by(action=filters.action)
    if filters.outcome:
        query = query.filter_by(outcome=filters.outcome)
    if filters.actor:
        query = query.where(contains(AuditEvent.actor, filters.actor))
    if filters.since:
        query = query.where(AuditEvent.created_at >= datetime.combine(filters.since, time.min))
    if filters.until:
        query = query.where(AuditEvent.created_at < datetime.combine(filters.until + timedelta(days=1), time.min))
    return query


def page(filters: AuditFilters, number: int, per_page: int = 50):
    return db.paginate(filtered(filters), page=number, per_page=per_page, error_out=False)


def known_values(column) -> list[str]:
    return list(db.session.scalars(select(column).distinct().order_by(column)))


def as_csv(filters: AuditFilters) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in db.session.scalars(filtered(filters).limit(EXPORT_LIMIT)):
        row = (event.created_at.isoformat() + "Z", event.actor, event.ip, event.action, event.target, event.outcome,
               event.detail)
        writer.writerow([spreadsheet_safe(str(value)) for value in row])
    return out.getvalue()
