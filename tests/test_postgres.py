"""PostgreSQL through psycopg 3: migrations match the models and the demo data round-trips.

Runs when TEST_POSTGRES_URL names a server where the user may create databases (``.ci/run`` sets one up);
each test works in a database of its own, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import time
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from catalogue.cli import DEMO_FILE
from catalogue.extensions import db
from catalogue.interchange.services import dump_json, export_document, import_tools
from tests.conftest import make_app

SERVER_URL = os.environ.get("TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")


@pytest.fixture
def postgres_app(tmp_path):
    name = f"catalogue_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(SERVER_URL).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_postgres_upgrade_matches_models_and_demo_round_trips(postgres_app):
    with postgres_app.app_context():
        assert db.engine.dialect.driver == "psycopg"
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, db.metadata) == []
        demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
        report = import_tools(demo)
        assert len(report.created) == len(demo["tools"])
        exported = dump_json(export_document())
        assert import_tools(json.loads(exported)).unchanged == [t["slug"] for t in demo["tools"]]
        assert dump_json(export_document()) == exported


def test_postgres_pages_render(postgres_app):
    with postgres_app.app_context():
        upgrade()
        import_tools(json.loads(DEMO_FILE.read_text(encoding="utf-8")))
    client = postgres_app.test_client()
    assert client.get("/").status_code == 200
    listing = client.get("/tools/?sort=updated&page=2&purposes=known-csam-detection")
    assert listing.status_code == 200 and b"tool-card" in listing.data


def test_postgres_outbox_ids_follow_commit_order(postgres_app):
    """A second saver waits for the first one's commit, so a catch-up can never skip an id that commits late."""
    import threading

    from sqlalchemy import select

    from catalogue.models import SearchChange, Tool
    from catalogue.search import store
    from tests.factories import make_tools, tool_record

    with postgres_app.app_context():
        upgrade()
        store.rebuild()
        make_tools(tool_record("first"), tool_record("second"))
    first_flushed, moments = threading.Event(), {}

    def save(slug: str, wait_before_commit: float):
        with postgres_app.app_context():
            tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
            tool.summary = f"Changed {slug}."
            db.session.flush()  # writes the change row (and takes the outbox lock on PostgreSQL)
            moments[f"{slug} flushed"] = time.monotonic()
            first_flushed.set()
            threading.Event().wait(wait_before_commit)
            moments[f"{slug} committing"] = time.monotonic()
            db.session.commit()
            db.session.remove()

    slow = threading.Thread(target=save, args=("first", 1.0))
    slow.start()
    first_flushed.wait(5)
    first_flushed.clear()
    fast = threading.Thread(target=save, args=("second", 0))
    fast.start()
    slow.join(10)
    fast.join(10)
    # the fast saver's flush had to wait for the slow one's commit
    assert moments["second flushed"] >= moments["first committing"]
    with postgres_app.app_context():
        keys = db.session.scalars(select(SearchChange.key).order_by(SearchChange.id.desc()).limit(2)).all()
        ids = dict(db.session.execute(select(Tool.id, Tool.slug)).all())
        assert [ids[int(k)] for k in reversed(keys)] == ["first", "second"]
