"""How long the outbox keeps its rows: until every index that follows it has applied them.

Each index (one per host and data directory) records how far it has applied the outbox in the ``settings`` table,
under ``search-index:…``, at most once a minute per process and after every rebuild. ``flask search prune`` deletes the
changes every index seen in the last days has applied (always keeping the newest row, so SQLite never hands out an id
twice) and remembers the last id it deleted. An index that was not seen in that time and is behind that id has lost
changes it never applied: it is treated as unavailable, answered from the database and rebuilt in the background the
next time it is used.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from catalogue.extensions import db
from catalogue.models import SearchChange, Setting
from catalogue.models.base import utcnow

log = logging.getLogger(__name__)
HOST_PREFIX = "search-index:"
PRUNED_THROUGH = "search-pruned-through"
RECORD_EVERY = 60.0  # seconds between two records of one index's position by one process

_recorded: dict[str, float] = {}
_recorded_lock = threading.Lock()


@dataclass
class IndexPosition:
    host: str
    directory: str
    last_applied: int
    seen: datetime


def this_index() -> tuple[str, str, str]:
    """(settings key, host name, data directory) of the index this process follows."""
    host = current_app.config.get("CATALOGUE_HOST_NAME") or socket.gethostname()
    directory = str(current_app.config["CATALOGUE_DATA_DIR"])
    digest = hashlib.sha256(f"{host}\0{directory}".encode()).hexdigest()[:24]
    return HOST_PREFIX + digest, host, directory


def record_position(last_applied: int, force: bool = False) -> None:
    """Note in the database how far this index has applied the outbox (throttled unless ``force``)."""
    key, host, directory = this_index()
    with _recorded_lock:
        if not force and time.monotonic() - _recorded.get(key, -RECORD_EVERY) < RECORD_EVERY:
            return
        _recorded[key] = time.monotonic()
    value = {"host": host, "directory": directory, "last_applied": int(last_applied),
             "seen": utcnow().isoformat(timespec="seconds")}
    try:
        with Session(db.engine) as session:
            setting = session.get(Setting, key) or Setting(key=key)
            setting.value = value
            session.add(setting)
            session.commit()
    except SQLAlchemyError as error:  # two processes of one host inserting at once, or a busy database: next time
        log.info("Recording the search index's position failed: %s", type(error).__name__)
        with _recorded_lock:
            _recorded.pop(key, None)


def positions(session: Session | None = None) -> list[IndexPosition]:
    session = session or db.session
    found = []
    for setting in session.scalars(select(Setting).where(Setting.key.startswith(HOST_PREFIX))):
        value = setting.value or {}
        try:
            found.append(IndexPosition(str(value["host"]), str(value["directory"]), int(value["last_applied"]),
                                       datetime.fromisoformat(value["seen"])))
        except (KeyError, TypeError, ValueError):
            continue
    return sorted(found, key=lambda p: (p.last_applied, p.host))


def pruned_through(session: Session | None = None) -> int:
    """The last outbox id ``prune`` deleted (0 if never): an index behind it cannot catch up and must be rebuilt."""
    session = session or db.session
    setting = session.get(Setting, PRUNED_THROUGH)
    return int(setting.value) if setting is not None and setting.value is not None else 0


@dataclass
class PruneReport:
    deleted: int
    through: int  # every change up to this id is gone
    kept: int
    following: list[IndexPosition]  # the indexes seen lately, whose needs decided what was kept
    left_behind: list[IndexPosition]  # not seen lately and behind ``through``: they rebuild when next used


def prune(stale_after: timedelta, dry_run: bool = False) -> PruneReport:
    """Delete the outbox rows every index seen within ``stale_after`` has applied, keeping the newest row."""
    session = db.session
    now = utcnow()
    known = positions(session)
    following = [p for p in known if now - p.seen <= stale_after]
    newest = session.scalar(select(func.coalesce(func.max(SearchChange.id), 0))) or 0
    through = max(0, min([p.last_applied for p in following] + [newest - 1])) if following else 0
    total = session.scalar(select(func.count()).select_from(SearchChange)) or 0
    deleted = 0
    if through > 0:
        count = select(func.count()).select_from(SearchChange).where(SearchChange.id <= through)
        deleted = session.scalar(count) or 0
        if not dry_run and deleted:
            session.execute(delete(SearchChange).where(SearchChange.id <= through))
            setting = session.get(Setting, PRUNED_THROUGH) or Setting(key=PRUNED_THROUGH)
            setting.value = max(through, pruned_through(session))
            session.add(setting)
            session.commit()
    kept = total - deleted
    left_behind = [p for p in known if p not in following and p.last_applied < through]
    return PruneReport(deleted=deleted, through=through, kept=kept, following=following, left_behind=left_behind)
