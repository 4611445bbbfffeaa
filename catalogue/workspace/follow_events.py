"""What happened to followed tools, found by ``flask alerts send`` (cron) and told to their followers.

The events are derived from what the catalogue already records, rather than written by curation, guidance and the
agency directory at the moment they act: those features stay unaware of following (no import of the workspace from
them, no extra write in their transactions), and every fact needed is kept with a time already:

- a published change: a tool revision ``approved`` (a proposed change approved, or the entry published again),
  compared with the tool as readers last saw it: the fields that differ, by name (no event when none
  differs); ``archived`` and ``unpublished`` revisions;
- due for verification: the day the staleness notice appears on the page (last verified more than
  ``CATALOGUE_STALE_AFTER_MONTHS`` ago), for a tool that became stale after its member followed it;
- a guidance page published for the first time that applies to one of the tool's terms;
- an agency recording that it uses the tool, told only to followers who may read the agency directory.

Idempotent like the alerts: each event has a key (``revision:<id>``, ``stale:<date last verified>``,
``guidance:<page id>``, ``usage:<record id>``) unique per follow, so a run that looks at the same rows again adds
nothing; events are e-mailed once (``emailed_at`` claimed before sending). Nothing that happened before a member
followed the tool is told to them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from catalogue import mail, policy, times
from catalogue.curation import revisions
from catalogue.curation.settings import stale_before
from catalogue.extensions import db
from catalogue.guidance.services import applying_terms
from catalogue.models import GuidancePage, GuidanceRevision, Tool, ToolRevision, ToolUsage, User, tool_terms
from catalogue.models.base import utcnow
from catalogue.models.workspace import Follow, FollowEvent, FollowSetting
from catalogue.workspace import follows, run_state

CHECKED_UNTIL = "follows.checked_until"
DIGEST_DAY = "follows.digest_day"
FIRST_LOOK_BACK = timedelta(days=1)
NOT_TOLD_FIELDS = frozenset({"status"})  # said by "archived" / "withdrawn"
WRITING_ACTIONS = frozenset({"edited", "restored"})
LOOK_BACK = 200  # earlier revisions read to find the one readers last saw


@dataclass
class Report:
    events: int = 0
    emails: int = 0
    members: set[int] = field(default_factory=set)


@dataclass
class Follower:
    follow_id: int
    user_id: int
    role: str
    followed_at: datetime


@dataclass
class Followers:
    """The followed tools, and who follows them (active members only), read for the tools something happened to."""

    tools: set[int]
    by_tool: dict[int, list[Follower]] = field(default_factory=lambda: defaultdict(list))
    loaded: set[int] = field(default_factory=set)

    def of(self, tool_id: int) -> list[Follower]:
        if tool_id not in self.loaded:
            self.load({tool_id})
        return self.by_tool[tool_id]

    def load(self, tool_ids: set[int]) -> None:
        wanted = sorted(set(tool_ids) - self.loaded)
        for chunk in range(0, len(wanted), 500):
            ids = wanted[chunk:chunk + 500]
            query = (select(Follow.id, Follow.tool_id, Follow.created_at, User.id, User.role)
                     .join(User, User.id == Follow.user_id)
                     .where(Follow.tool_id.in_(ids), User.active.is_(True), User.role.in_(sorted(policy.MEMBERS))))
            for follow_id, tool_id, created_at, user_id, role in db.session.execute(query):
                self.by_tool[tool_id].append(Follower(follow_id, user_id, role, created_at))
            self.loaded.update(ids)


def run() -> Report:
    report = Report()
    started = utcnow()
    # ">=": the key drops what was seen before
    since = run_state.stored_time(CHECKED_UNTIL) or started - FIRST_LOOK_BACK
    followers = Followers(set(db.session.scalars(select(Follow.tool_id).distinct())))
    rows: list[dict] = []
    if followers.tools:
        rows += _revision_events(followers, since)
        rows += _stale_events(followers, date.today())
        rows += _guidance_events(followers, since)
        rows += _usage_events(followers, since)
    before = db.session.scalar(select(func.count(FollowEvent.id))) or 0
    if rows:
        db.session.connection().execute(_insert_new(), rows)
    run_state.store(CHECKED_UNTIL, started.isoformat())
    db.session.commit()
    report.events = (db.session.scalar(select(func.count(FollowEvent.id))) or 0) - before
    report.members = {row["user_id"] for row in rows}
    report.emails = send_emails(started)
    return report


def _row(follower: Follower, tool_id: int, kind: str, key: str, happened: datetime, **details) -> dict:
    return {"follow_id": follower.follow_id, "user_id": follower.user_id, "tool_id": tool_id, "kind": kind,
            "key": key, "details": details, "happened_at": happened, "created_at": utcnow()}


def _revision_events(followers: Followers, since: datetime) -> list[dict]:
    rows = []
    found = [revision for revision in db.session.scalars(select(ToolRevision).where(
        ToolRevision.created_at >= since, ToolRevision.action.in_(("approved", "archived", "unpublished")))
        .order_by(ToolRevision.id)) if revision.tool_id in followers.tools]
    followers.load({revision.tool_id for revision in found})
    for revision in found:
        kind, details = {"archived": ("archived", {}), "unpublished": ("withdrawn", {})}.get(revision.action,
                                                                                            ("changed", {}))
        if revision.action == "approved":
            fields = _changed_fields(revision)
            if not fields:
                continue
            details = {"fields": fields}
        for follower in followers.of(revision.tool_id):
            if revision.created_at >= follower.followed_at:
                rows.append(_row(follower, revision.tool_id, kind, f"revision:{revision.id}", revision.created_at,
                                 **details))
    return rows


def _changed_fields(revision: ToolRevision) -> list[str]:
    """The fields that differ from the tool as readers last saw it; [] when it is published for the first time.

    That is its latest earlier revision saved while published, leaving out the text written on the way to this
    approval (an approved proposal writes its ``edited`` revision just before the ``approved`` one)."""
    earlier = db.session.execute(select(ToolRevision.action, ToolRevision.snapshot).where(
        ToolRevision.tool_id == revision.tool_id, ToolRevision.number < revision.number)
        .order_by(ToolRevision.number.desc()).limit(LOOK_BACK))
    before = next((snapshot for action, snapshot in earlier
                   if action not in WRITING_ACTIONS and (snapshot or {}).get("status") == "published"), None)
    if before is None:
        return []
    return [change.field for change in revisions.compare(before, revision.snapshot)
            if change.field not in NOT_TOLD_FIELDS]


def became_stale_on(last_reviewed: date) -> date:
    """The first day on which an entry last verified on ``last_reviewed`` shows the staleness notice."""
    months = current_app.config["CATALOGUE_STALE_AFTER_MONTHS"]
    day = last_reviewed + timedelta(days=28 * months)  # no month is shorter: at most three days a month to walk
    while stale_before(day) <= last_reviewed:
        day += timedelta(days=1)
    return day


def _stale_events(followers: Followers, today: date) -> list[dict]:
    rows = []
    stale = [(tool_id, last_reviewed) for tool_id, last_reviewed in db.session.execute(
        select(Tool.id, Tool.last_reviewed).where(Tool.status == "published", Tool.last_reviewed.is_not(None),
                                                  Tool.last_reviewed < stale_before(today)))
        if tool_id in followers.tools]
    followers.load({tool_id for tool_id, _ in stale})
    for tool_id, last_reviewed in stale:
        since = became_stale_on(last_reviewed)
        for follower in followers.of(tool_id):
            if since > follower.followed_at.date():  # the notice was not on the page yet when they chose to follow
                rows.append(_row(follower, tool_id, "stale", f"stale:{last_reviewed.isoformat()}",
                                 datetime.combine(since, datetime.min.time())))
    return rows


def _guidance_events(followers: Followers, since: datetime) -> list[dict]:
    """Pages published for the first time since the last run, told to the followers of the tools they apply to."""
    first = (select(GuidanceRevision.guidance_id, func.min(GuidanceRevision.created_at).label("at"))
             .where(GuidanceRevision.action == "approved").group_by(GuidanceRevision.guidance_id).subquery())
    pages = db.session.execute(select(GuidancePage, first.c.at).join(first, first.c.guidance_id == GuidancePage.id)
                               .where(GuidancePage.status == "published", first.c.at >= since))
    rows = []
    for page, published_at in pages:
        term_ids = [term.id for term in applying_terms(page)]
        if not term_ids:
            continue
        tool_ids = set(db.session.scalars(select(tool_terms.c.tool_id).where(
            tool_terms.c.term_id.in_(term_ids)))) & followers.tools
        followers.load(tool_ids)
        for tool_id in tool_ids:
            for follower in followers.of(tool_id):
                if published_at >= follower.followed_at:
                    rows.append(_row(follower, tool_id, "guidance", f"guidance:{page.id}", published_at,
                                     guidance=page.id))
    return rows


def _usage_events(followers: Followers, since: datetime) -> list[dict]:
    """Told only to followers whose role may read the agency directory (as the tool page's list of agencies)."""
    rows = []
    readers = policy.roles_holding("agencies.view")
    usages = [row for row in db.session.execute(select(ToolUsage.id, ToolUsage.tool_id, ToolUsage.recorded_by_id,
                                                       ToolUsage.created_at).where(ToolUsage.created_at >= since))
              if row[1] in followers.tools]
    followers.load({row[1] for row in usages})
    for usage_id, tool_id, recorded_by_id, created_at in usages:
        for follower in followers.of(tool_id):
            if created_at >= follower.followed_at and follower.user_id != recorded_by_id and follower.role in readers:
                rows.append(_row(follower, tool_id, "usage", f"usage:{usage_id}", created_at, usage=usage_id))
    return rows


def _insert_new():
    """INSERT … ON CONFLICT DO NOTHING on the (follow, key) pair, in the database's own dialect."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(FollowEvent).on_conflict_do_nothing(index_elements=["follow_id", "key"])


def send_emails(now: datetime) -> int:
    """E-mail the changes that are due to members who chose it: ``immediate`` now, ``daily`` once a day. Each event
    is claimed (``emailed_at``) before sending; a change already read on the site is not e-mailed."""
    digest_due = run_state.stored(DIGEST_DAY) != now.date().isoformat()
    modes = ("immediate", "daily") if digest_due else ("immediate",)
    due = list(db.session.scalars(
        select(FollowEvent).join(FollowSetting, FollowSetting.user_id == FollowEvent.user_id)
        .where(FollowEvent.emailed_at.is_(None), FollowEvent.read_at.is_(None), FollowSetting.email.in_(modes))
        .options(joinedload(FollowEvent.tool)).order_by(FollowEvent.user_id, FollowEvent.happened_at,
                                                        FollowEvent.id)))
    per_member: dict[int, list[FollowEvent]] = defaultdict(list)
    for event in due:
        per_member[event.user_id].append(event)
    users = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(list(per_member))))}
    letters, labels = [], {}  # the fields' labels, read once per language
    for user_id, events in per_member.items():
        ids = [event.id for event in events]
        claimed = db.session.execute(update(FollowEvent).where(FollowEvent.id.in_(ids),
                                                               FollowEvent.emailed_at.is_(None))
                                     .values(emailed_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != len(ids):  # another run at the same moment took some: it sends those
            mine = set(db.session.scalars(select(FollowEvent.id).where(FollowEvent.id.in_(ids),
                                                                       FollowEvent.emailed_at == now)))
            events = [event for event in events if event.id in mine]
        user = users.get(user_id)
        if user is None or not user.active or user.role not in policy.MEMBERS or not events:
            continue
        language = mail.language_of(user)
        with force_locale(language):  # what happened, in the member's language
            if language not in labels:
                labels[language] = revisions.field_labels()
            lines = [(item.tool_name, item.text, item.event.happened_at)
                     for item in follows.shown(events, user, labels[language])]
        if lines:
            letters.append((user.email, language, times.zone_of(user), user.name, lines))
    db.session.commit()
    for address, language, zone, name, lines in letters:
        mail.send(address, _l("Changes to tools you follow"), "followed_changes", locale=language, zone=zone,
                  name=name, lines=lines, followed_url=mail.absolute_url("follows.index"))
    if digest_due:
        run_state.store(DIGEST_DAY, now.date().isoformat())
        db.session.commit()
    return len(letters)

