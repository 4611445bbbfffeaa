"""Backing up and restoring the database (``flask ops backup`` / ``flask ops restore``).

SQLite is copied with its online backup API, page by page, while the app keeps serving: the copy is consistent even
with writers at work, unlike copying the file (which misses the write-ahead log). A restore checks the copy before it
touches anything (SQLite's integrity check, a migration revision this release knows), refuses to replace a database
that holds data unless told to (and then keeps it beside), brings the schema to the migrations' head and rebuilds the
search index, whose applied-change ids no longer match the restored outbox. PostgreSQL is backed up and restored with
its own tools; the commands print the lines to run, never a password.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import URL, make_url

from catalogue.extensions import db
from catalogue.health import heads


class RefusedOperation(Exception):
    """The backup or restore was not done; the message says why and what to do."""


def database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def sqlite_file() -> Path | None:
    """The SQLite database file, or None for another database."""
    url = database_url()
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).resolve()


def postgres_url_for_tools() -> str:
    """The database URL as libpq tools take it, without its password (give it in PGPASSWORD or ~/.pgpass)."""
    url = database_url()
    return URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                      query=url.query).render_as_string(hide_password=False)


@dataclass
class Checked:
    """What a SQLite database file holds, as far as a restore needs to know."""

    integrity: str
    revision: str | None
    tables: int
    tools: int | None = None
    accounts: int | None = None


def inspect(path: Path) -> Checked:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0] \
            if "alembic_version" in names else None
        counts = {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 - fixed
                  for table in ("tools", "users") if table in names}
    except sqlite3.DatabaseError as error:
        raise RefusedOperation(f"{path} is not a readable SQLite database: {error}") from None
    finally:
        connection.close()
    return Checked(integrity, revision, len(names), counts.get("tools"), counts.get("users"))


def copy_sqlite(source: Path, target: Path, single_file: bool = False) -> None:
    """Copy with SQLite's online backup API, a few pages at a time so writers are held up only briefly.
    ``single_file``: leave the copy out of write-ahead-log mode, one self-contained file to move around."""
    origin = sqlite3.connect(str(source))
    try:
        destination = sqlite3.connect(str(target))
        try:
            origin.backup(destination, pages=256)
            if single_file:
                destination.execute("PRAGMA journal_mode=DELETE")
        finally:
            destination.close()
    finally:
        origin.close()


@dataclass
class BackupReport:
    path: Path
    size: int
    checked: Checked


def backup(dest: Path, overwrite: bool = False) -> BackupReport:
    """Copy the SQLite database to ``dest`` (mode 600) and check the copy; raises ``RefusedOperation``."""
    source = sqlite_file()
    if source is None:
        raise RefusedOperation("not a SQLite database")
    if not source.exists():
        raise RefusedOperation(f"there is no database at {source} yet")
    dest = dest.resolve()
    if dest.is_dir():
        dest = dest / f"catalogue-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.sqlite3"
    if dest == source:
        raise RefusedOperation("the backup cannot be the database itself")
    if dest.exists() and not overwrite:
        raise RefusedOperation(f"{dest} exists; choose another name or pass --force to replace it")
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600)  # holds case data: only the app's user
    os.close(fd)
    try:
        copy_sqlite(source, partial, single_file=True)
        checked = inspect(partial)
        if checked.integrity != "ok":
            raise RefusedOperation(f"the copy failed SQLite's integrity check: {checked.integrity}")
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(dest, dest.stat().st_size, checked)


@dataclass
class RestoreReport:
    source: Path
    target: Path
    checked: Checked
    kept_previous: Path | None = None
    upgraded_from: str | None = None
    notes: list[str] = field(default_factory=list)


def known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    directory = ScriptDirectory(str(current_app.extensions["migrate"].directory))
    try:
        return directory.get_revision(revision) is not None
    except CommandError:
        return False


def check_restorable(source: Path) -> Checked:
    if not source.is_file():
        raise RefusedOperation(f"{source} is not a file")
    checked = inspect(source)
    if checked.integrity != "ok":
        raise RefusedOperation(f"{source} failed SQLite's integrity check: {checked.integrity}")
    if checked.revision is None:
        raise RefusedOperation(f"{source} is not a catalogue database (it has no migration revision)")
    if not known_revision(checked.revision):
        raise RefusedOperation(f"{source} is at migration {checked.revision}, which this release does not know: it "
                               "comes from a newer release; restore it with that release")
    return checked


def restore(source: Path, force: bool = False) -> RestoreReport:
    """Replace the SQLite database with the checked copy ``source``, then migrate it to the head."""
    target = sqlite_file()
    if target is None:
        raise RefusedOperation("not a SQLite database")
    source = source.resolve()
    if source == target:
        raise RefusedOperation("the backup is the database itself")
    checked = check_restorable(source)
    report = RestoreReport(source, target, checked)
    if target.exists():
        current = inspect(target)
        if current.tables and not force:
            raise RefusedOperation(
                f"{target} is a live database ({current.tools or 0} tools, {current.accounts or 0} accounts). Stop "
                "the app, then pass --force to replace it (it is kept beside as a copy)")
        if current.tables:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            report.kept_previous = target.with_name(f"{target.name}.before-restore-{stamp}")
            backup(report.kept_previous)
    db.engine.dispose()
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_sqlite(source, target)
    os.chmod(target, 0o600)
    db.engine.dispose()
    if checked.revision not in heads(current_app):
        from flask_migrate import upgrade

        upgrade(directory=str(current_app.extensions["migrate"].directory))
        report.upgraded_from = checked.revision
    return report
