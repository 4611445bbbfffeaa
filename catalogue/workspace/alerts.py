"""Alerts: a tool newly published, or changed by an approved proposal, that matches a member's saved search.

``flask alerts send`` (cron, beside ``flask contact overdue``) finds them and tells the members: in their list of
alerts at once, and by e-mail as each chose (never by default; ``immediate`` in this run, ``daily`` in the first run
of a new day). It is idempotent: an alert exists once per saved search and tool (a unique key), and an alert is
e-mailed once (``emailed_at`` is claimed before sending), so running it twice, or two runs at once, adds and sends
nothing twice.

Cost: one search per distinct saved search (the same words and filters saved by many members run once), each asking
only for the most recently changed matches, as many as there are candidates since the last run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from catalogue import mail
from catalogue.extensions import db
from catalogue.models import Alert, SavedSearch, Setting, Tool, User
from catalogue.models.base import utcnow
from catalogue.search.query import QueryError
from catalogue.search.service import search
from catalogue.workspace.searches import request_of

#: Where the last run stopped: tools changed after it are the next run's candidates.
CHECKED_UNTIL = "alerts.checked_until"
#: The last day a daily digest went out (``YYYY-MM-DD``, UTC).
DIGEST_DAY = "alerts.digest_day"
FIRST_LOOK_BACK = timedelta(days=1)  # the very first run looks this far back


@dataclass
class Report:
    candidates: int = 0
    searches_run: int = 0
    alerts: int = 0
    emails: int = 0
    members: set[int] = field(default_factory=set)


def run() -> Report:
    """Find the new alerts since the last run and send the e-mails that are due."""
    report = Report()
    started = utcnow()
    since = _checked_until() or started - FIRST_LOOK_BACK  # ">=": times have whole seconds; the key drops repeats
    candidates = {tool_id: updated for tool_id, updated in db.session.execute(
        select(Tool.id, Tool.updated_at).where(Tool.status == "published", Tool.updated_at >= since))}
    report.candidates = len(candidates)
    if candidates:
        _add_alerts(candidates, report)
    _set_setting(CHECKED_UNTIL, started.isoformat())
    db.session.commit()
    report.emails = send_emails(started)
    return report


def _add_alerts(candidates: dict[int, datetime], report: Report) -> None:
    by_query: dict[tuple, list[SavedSearch]] = defaultdict(list)
    for saved in db.session.scalars(select(SavedSearch).join(User, User.id == SavedSearch.owner_id)
                                    .where(User.active.is_(True))):
        by_query[_fingerprint(saved)].append(saved)
    for (language, *_query), searches in by_query.items():
        wanted = request_of(searches[0], per_page=len(candidates), sort="updated")
        wanted.language = language  # the words are matched as the owner reads: their language's vocabulary too
        try:
            result = search(wanted)
        except QueryError:
            continue
        report.searches_run += 1
        matched = [hit.tool.id for hit in result.hits if hit.tool.id in candidates]
        for saved in searches:
            fresh = [tool_id for tool_id in matched if candidates[tool_id] > saved.created_at]
            report.alerts += _store(saved, fresh)
            if fresh:
                report.members.add(saved.owner_id)


def _fingerprint(saved: SavedSearch) -> tuple:
    """Searches that ask the same thing (same words, the same filters in any order) run once."""
    words = next((value for key, value in saved.query if key == "q"), "")
    filters = sorted((key, value) for key, value in saved.query if key not in ("q", "sort"))
    return (saved.owner.locale or "en", " ".join(words.lower().split()), tuple(filters))


def _store(saved: SavedSearch, tool_ids: list[int]) -> int:
    if not tool_ids:
        return 0
    known = set(db.session.scalars(select(Alert.tool_id).where(Alert.saved_search_id == saved.id,
                                                               Alert.tool_id.in_(tool_ids))))
    added = 0
    for tool_id in tool_ids:
        if tool_id in known:
            continue
        try:
            with db.session.begin_nested():  # another run at the same moment may have stored it: then it is there
                db.session.add(Alert(user_id=saved.owner_id, saved_search_id=saved.id, tool_id=tool_id,
                                     created_at=utcnow()))
            added += 1
        except IntegrityError:
            continue
    db.session.commit()
    return added


def send_emails(now: datetime) -> int:
    """E-mail every member the alerts that are due: ``immediate`` ones now, ``daily`` ones once a day. Each alert is
    claimed (``emailed_at``) in the same transaction that decides to send it, before sending."""
    digest_due = _setting(DIGEST_DAY) != now.date().isoformat()
    modes = ("immediate", "daily") if digest_due else ("immediate",)
    due = db.session.execute(
        select(Alert.id, Alert.user_id).join(SavedSearch, SavedSearch.id == Alert.saved_search_id)
        .where(Alert.emailed_at.is_(None), Alert.read_at.is_(None), SavedSearch.email.in_(modes))
        .order_by(Alert.user_id, Alert.id)).all()
    per_member: dict[int, list[int]] = defaultdict(list)
    for alert_id, user_id in due:
        per_member[user_id].append(alert_id)
    sent = 0
    for user_id, alert_ids in per_member.items():
        claimed = db.session.execute(update(Alert).where(Alert.id.in_(alert_ids), Alert.emailed_at.is_(None))
                                     .values(emailed_at=now).execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if claimed != len(alert_ids):  # another run took some: it sends them
            alert_ids = [a for a in alert_ids if db.session.get(Alert, a).emailed_at == now]
        user = db.session.get(User, user_id)
        alerts = [db.session.get(Alert, alert_id) for alert_id in alert_ids]
        if user is None or not user.active or not alerts:
            continue
        mail.send(user.email, _l("New tools for your saved searches"), "saved_search_alerts",
                  locale=mail.language_of(user), user=user, alerts=alerts,
                  searches_url=mail.absolute_url("workspace.searches_page"))
        sent += 1
    if digest_due:
        _set_setting(DIGEST_DAY, now.date().isoformat())
        db.session.commit()
    return sent


def _setting(key: str) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row is not None else None


def _checked_until() -> datetime | None:
    value = _setting(CHECKED_UNTIL)
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _set_setting(key: str, value: str) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value

