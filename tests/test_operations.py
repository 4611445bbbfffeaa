"""Operations: backup and restore, outbox pruning, metrics and structured logs (issue 19, item 6)."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
import stat
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from catalogue.extensions import db
from catalogue.models import SearchChange
from catalogue.models.base import utcnow
from catalogue.observability import JsonFormatter, RequestIdFilter
from catalogue.search import retention, store
from catalogue.search.service import SearchRequest, search
from tests.conftest import make_app
from tests.factories import make_tools, tool_record

#: The index follows every commit here, as in production: these tests are about that.
pytestmark = pytest.mark.apply_on_commit


def slugs(text: str) -> list[str]:
    return [hit.tool.slug for hit in search(SearchRequest(text=text)).hits]


@pytest.fixture
def migrated(app, runner):
    """The test database, marked as being at the migrations' head as `flask db upgrade` leaves it."""
    assert runner.invoke(args=["db", "stamp", "head"]).exit_code == 0
    return app


# --- backup and restore ---------------------------------------------------------------------------------------------

def test_backup_copies_a_checked_private_file_and_refuses_to_overwrite(migrated, runner, tmp_path):
    with migrated.app_context():
        make_tools(tool_record("saved", name="Saved"))
    target = tmp_path / "backups" / "copy.sqlite3"
    target.parent.mkdir()
    result = runner.invoke(args=["ops", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output and "1 tools" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT slug FROM tools").fetchall() == [("saved",)]
    again = runner.invoke(args=["ops", "backup", str(target)])
    assert again.exit_code == 1 and "exists" in again.output
    into_directory = runner.invoke(args=["ops", "backup", str(target.parent)])
    assert into_directory.exit_code == 0 and len(list(target.parent.glob("catalogue-*.sqlite3"))) == 1


def test_restore_refuses_a_live_database_without_force_then_replaces_it_and_rebuilds_search(migrated, runner,
                                                                                             tmp_path):
    with migrated.app_context():
        make_tools(tool_record("original", name="Original beacon"))
    backup = tmp_path / "before.sqlite3"
    assert runner.invoke(args=["ops", "backup", str(backup)]).exit_code == 0
    with migrated.app_context():
        make_tools(tool_record("later", name="Later beacon"))
        assert sorted(slugs("beacon")) == ["later", "original"]

    refused = runner.invoke(args=["ops", "restore", str(backup)])
    assert refused.exit_code == 1 and "live database (2 tools" in refused.output and "--force" in refused.output

    restored = runner.invoke(args=["ops", "restore", str(backup), "--force"])
    assert restored.exit_code == 0, restored.output
    assert "is kept at" in restored.output and "Search index rebuilt: 1 published" in restored.output
    with migrated.app_context():
        assert slugs("beacon") == ["original"]
        assert runner.invoke(args=["search", "check"]).exit_code == 0
    kept = list(tmp_path.rglob("catalogue.sqlite3.before-restore-*"))
    assert len(kept) == 1


def test_restore_refuses_a_damaged_or_foreign_file_and_changes_nothing(migrated, runner, tmp_path):
    with migrated.app_context():
        make_tools(tool_record("untouched", name="Untouched"))
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as other:
        other.execute("CREATE TABLE notes (text TEXT)")
    future = tmp_path / "future.sqlite3"
    assert runner.invoke(args=["ops", "backup", str(future)]).exit_code == 0
    with sqlite3.connect(future) as newer:
        newer.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    for path, reason in ((garbage, "not a readable SQLite database"), (foreign, "not a catalogue database"),
                         (future, "newer release")):
        result = runner.invoke(args=["ops", "restore", str(path), "--force"])
        assert result.exit_code == 1 and reason in result.output, result.output
    with migrated.app_context():
        assert slugs("untouched") == ["untouched"]


def test_postgresql_backup_and_restore_print_the_tools_line_without_the_password(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://keeper:s3cret-pw@db.example:5432/catalogue")
    runner = app.test_cli_runner()
    backup = runner.invoke(args=["ops", "backup", "/backups/catalogue.dump"])
    assert backup.exit_code == 0
    assert "pg_dump --format=custom --no-owner --file /backups/catalogue.dump " \
           "postgresql://keeper@db.example:5432/catalogue" in backup.output
    restore = runner.invoke(args=["ops", "restore", "/backups/catalogue.dump"])
    assert "pg_restore --clean --if-exists --no-owner --dbname postgresql://keeper@db.example:5432/catalogue" \
           in restore.output and "search rebuild` on every host" in restore.output
    assert "s3cret" not in backup.output + restore.output


# --- pruning the outbox ---------------------------------------------------------------------------------------------

def change_ids() -> list[int]:
    return list(db.session.scalars(select(SearchChange.id).order_by(SearchChange.id)))


def forget_positions() -> None:
    """Only the indexes a test makes up: the template data directory this test's was copied from recorded its own."""
    from catalogue.models import Setting

    db.session.execute(delete(Setting).where(Setting.key.startswith(retention.HOST_PREFIX)))
    db.session.commit()


def pretend_index(key: str, host: str, last_applied: int, days_ago: float = 0) -> None:
    from catalogue.models import Setting

    db.session.add(Setting(key=retention.HOST_PREFIX + key, value={
        "host": host, "directory": "/srv/catalogue", "last_applied": last_applied,
        "seen": (utcnow() - timedelta(days=days_ago)).isoformat(timespec="seconds")}))
    db.session.commit()


def test_prune_keeps_what_the_slowest_recent_index_needs_and_the_newest_row(ctx, runner):
    before = len(change_ids())  # the vocabularies' own, recorded when the template catalogue was set up
    make_tools(*(tool_record(f"pruned-{n}", name=f"Pruned {n}") for n in range(6)))
    for n in range(6):
        make_tools(tool_record(f"pruned-{n}", name=f"Pruned {n} again"))
    ids = change_ids()[before:]
    assert len(ids) == 12
    forget_positions()
    pretend_index("slow", "slow-host", ids[4])  # seen now, has applied only the first five
    dry = runner.invoke(args=["search", "prune", "--dry-run"])
    assert dry.exit_code == 0 and f"Would delete {before + 5} change(s)" in dry.output
    assert len(change_ids()) == before + 12
    result = runner.invoke(args=["search", "prune"])
    assert result.exit_code == 0 and f"Deleted {before + 5} change(s) up to #{ids[4]}; 7 kept." in result.output
    assert "slow-host" in result.output
    db.session.expire_all()
    assert change_ids() == ids[5:]
    from catalogue.models import Setting

    db.session.get(Setting, retention.HOST_PREFIX + "slow").value = {
        "host": "slow-host", "directory": "/srv/catalogue", "last_applied": ids[-1],
        "seen": utcnow().isoformat(timespec="seconds")}
    db.session.commit()
    runner.invoke(args=["search", "prune"])
    db.session.expire_all()
    assert change_ids() == [ids[-1]]  # the newest row stays, so SQLite never hands out its id again
    assert slugs("again") and store.searcher() is not None


@pytest.mark.degraded_search
def test_an_index_left_behind_by_pruning_answers_from_the_database_and_rebuilds_itself(ctx, runner):
    before = len(change_ids())  # the vocabularies' own, recorded when the template catalogue was set up
    make_tools(tool_record("kept-up", name="Kept up"))
    folder = store.current_dir()
    ctx.config["SEARCH_APPLY_ON_COMMIT"] = False  # this host "sleeps" while others save and prune
    make_tools(tool_record("missed", name="Missed"), tool_record("missed-too", name="Missed too"))
    forget_positions()
    pretend_index("old", "asleep", 0, days_ago=30)
    pretend_index("busy", "busy-host", change_ids()[-1])
    # prune as another host would: this one's own record is from before it fell asleep
    report = retention.prune(timedelta(days=7))
    assert report.deleted == before + 2 and [p.host for p in report.left_behind] == ["asleep"]
    ctx.config["SEARCH_APPLY_ON_COMMIT"] = True
    result = search(SearchRequest(text="missed"))
    assert result.degraded and sorted(h.tool.slug for h in result.hits) == ["missed", "missed-too"]
    store.wait_for_background_rebuild()
    assert store.current_dir() != folder
    assert sorted(slugs("missed")) == ["missed", "missed-too"] and not search(SearchRequest(text="missed")).degraded


def test_every_index_records_how_far_it_has_applied_the_outbox(ctx):
    forget_positions()
    make_tools(tool_record("noted", name="Noted"))
    _key, host, directory = retention.this_index()
    assert [(p.host, p.directory, p.last_applied) for p in retention.positions()] == [
        (host, directory, change_ids()[-1])]


# --- metrics --------------------------------------------------------------------------------------------------------

def test_metrics_count_requests_by_endpoint_for_loopback_clients_without_a_session(client):
    client.get("/tools/?q=secret+case+words")
    client.get("/tools/no-such-tool-123")
    response = client.get("/metrics")
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    text = response.get_data(as_text=True)
    assert 'catalogue_http_request_duration_seconds_count{endpoint="tools.index",method="GET",status="200"}' \
        in text
    assert "no-such-tool-123" not in text and "secret" not in text  # endpoints, never URLs or query strings


@pytest.mark.parametrize("environ", [
    {"REMOTE_ADDR": "10.1.2.3"},
    {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"},  # through a proxy on this host
])
def test_metrics_refuse_other_clients_without_the_token(client, environ):
    response = client.get("/metrics", environ_base=environ)
    assert response.status_code == 403 and b"catalogue_http" not in response.data


def test_metrics_answer_anyone_with_the_bearer_token_only(tmp_path, empty_data_dir):
    from tests.conftest import copy_data_dir

    copy_data_dir(empty_data_dir, tmp_path)
    client = make_app(tmp_path, CATALOGUE_METRICS_TOKEN="t0ken-for-prometheus-scrapes").test_client()
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/metrics", environ_base=remote).status_code == 401
    wrong = client.get("/metrics", environ_base=remote, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    right = client.get("/metrics", environ_base=remote,
                       headers={"Authorization": "Bearer t0ken-for-prometheus-scrapes"})
    assert right.status_code == 200 and b"catalogue_exporter_info" in right.data


# --- request ids and JSON logs --------------------------------------------------------------------------------------

def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept(client):
    made = client.get("/").headers["X-Request-ID"]
    assert len(made) == 16 and made != client.get("/").headers["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "proxy-abc-12345"}).headers["X-Request-ID"] == "proxy-abc-12345"
    assert client.get("/", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_json_logs_carry_the_request_id_and_path_but_never_the_query_string(tmp_path, empty_data_dir):
    from tests.conftest import copy_data_dir

    copy_data_dir(empty_data_dir, tmp_path)
    app = make_app(tmp_path, CATALOGUE_LOG_FORMAT="json")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    app.logger.addHandler(handler)
    try:
        with app.test_request_context("/tools/?q=name+of+a+victim", headers={"X-Request-ID": "req-0123456789"}):
            app.logger.warning("Search index unavailable (%s); answering from the database", "test")
    finally:
        app.logger.removeHandler(handler)
    entry = json.loads(stream.getvalue())
    assert entry["request_id"] == "req-0123456789" and entry["path"] == "/tools/" and entry["level"] == "WARNING"
    assert entry["message"] == "Search index unavailable (test); answering from the database"
    assert "victim" not in stream.getvalue()


def test_an_unknown_log_format_stops_the_start(tmp_path):
    from catalogue.config import UnsafeConfiguration

    with pytest.raises(UnsafeConfiguration, match="CATALOGUE_LOG_FORMAT"):
        make_app(tmp_path, CATALOGUE_LOG_FORMAT="xml")
