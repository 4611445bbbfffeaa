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
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from catalogue import mail, times
from catalogue.extensions import db
from catalogue.models import Alert, SavedSearch, Tool, User
from catalogue.models.base import utcnow
from catalogue.search.query import QueryError
from catalogue.search.service import newest_matching_ids
from catalogue.workspace import run_state
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
    # ">=": times have whole seconds; the key drops repeats
    since = run_state.stored_time(CHECKED_UNTIL) or started - FIRST_LOOK_BACK
    candidates = {tool_id: updated for tool_id, updated in db.session.execute(
        select(Tool.id, Tool.updated_at).where(Tool.status == "published", Tool.updated_at >= since))}
    report.candidates = len(candidates)
    if candidates:
        _add_alerts(candidates, report)
    run_state.store(CHECKED_UNTIL, started.isoformat())
    db.session.commit()
    report.emails = send_emails(started)
    return report


def _add_alerts(candidates: dict[int, datetime], report: Report) -> None:
    by_query: dict[tuple, list[SavedSearch]] = defaultdict(list)
    for saved in db.session.scalars(select(SavedSearch).join(User, User.id == SavedSearch.owner_id)
                                    .where(User.active.is_(True)).options(joinedload(SavedSearch.owner))):
        by_query[_fingerprint(saved)].append(saved)
    rows = []
    for (language, *_query), searches in by_query.items():
        wanted = request_of(searches[0], per_page=len(candidates), sort="updated")
        wanted.language = language  # the words are matched as the owner reads: their language's vocabulary too
        try:
            matched = [tool_id for tool_id in _matching_ids(wanted) if tool_id in candidates]
        except QueryError:
            continue
        report.searches_run += 1
        for saved in searches:
            fresh = [tool_id for tool_id in matched if candidates[tool_id] > saved.created_at]
            rows += [{"user_id": saved.owner_id, "saved_search_id": saved.id, "tool_id": tool_id,
                      "created_at": utcnow()} for tool_id in fresh]
    before = db.session.scalar(select(func.count(Alert.id))) or 0
    if rows:  # one statement run for every row (executemany); a pair stored before is left alone
        db.session.connection().execute(_insert_new(), rows)
    db.session.commit()
    report.alerts = (db.session.scalar(select(func.count(Alert.id))) or 0) - before
    report.members = {row["user_id"] for row in rows}


def _matching_ids(wanted) -> list[int]:
    return newest_matching_ids(wanted, wanted.per_page)


def _insert_new():
    """INSERT … ON CONFLICT DO NOTHING on the (saved search, tool) key, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(Alert).on_conflict_do_nothing(index_elements=["saved_search_id", "tool_id"])


def _fingerprint(saved: SavedSearch) -> tuple:
    """Searches that ask the same thing (same words, the same filters in any order) run once."""
    words = next((value for key, value in saved.query if key == "q"), "")
    filters = sorted((key, value) for key, value in saved.query if key not in ("q", "sort"))
    return (saved.owner.locale or "en", " ".join(words.lower().split()), tuple(filters))


def send_emails(now: datetime) -> int:
    """E-mail every member the alerts that are due: ``immediate`` ones now, ``daily`` ones once a day. Each alert is
    claimed (``emailed_at``) in the same transaction that decides to send it, before sending."""
    digest_due = run_state.stored(DIGEST_DAY) != now.date().isoformat()
    modes = ("immediate", "daily") if digest_due else ("immediate",)
    due = list(db.session.scalars(
        select(Alert).join(SavedSearch, SavedSearch.id == Alert.saved_search_id)
        .where(Alert.emailed_at.is_(None), Alert.read_at.is_(None), SavedSearch.email.in_(modes))
        .options(joinedload(Alert.tool), joinedload(Alert.saved_search)).order_by(Alert.user_id, Alert.id)))
    per_member: dict[int, list[Alert]] = defaultdict(list)
    for alert in due:
        per_member[alert.user_id].append(alert)
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(per_member))))}
    letters = []  # what each e-mail says, read before the commit expires the rows
    for user_id, member_alerts in per_member.items():
        ids = [alert.id for alert in member_alerts]
        claimed = db.session.execute(update(Alert).where(Alert.id.in_(ids), Alert.emailed_at.is_(None))
                                     .values(emailed_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != len(ids):  # another run at the same moment took some of them: it sends those
            mine = set(db.session.scalars(select(Alert.id).where(Alert.id.in_(ids), Alert.emailed_at == now)))
            member_alerts = [alert for alert in member_alerts if alert.id in mine]
        user = users.get(user_id)
        if user is not None and user.active and member_alerts:
            lines = [(alert.tool.name, alert.tool.summary, alert.saved_search.name) for alert in member_alerts]
            letters.append((user.email, mail.language_of(user), times.zone_of(user), user.name, lines))
    db.session.commit()
    for address, language, zone, name, lines in letters:
        mail.send(address, _l("New tools for your saved searches"), "saved_search_alerts", locale=language, zone=zone,
                  name=name, lines=lines, searches_url=mail.absolute_url("workspace.searches_page"))
    sent = len(letters)
    if digest_due:
        run_state.store(DIGEST_DAY, now.date().isoformat())
        db.session.commit()
    return sent


