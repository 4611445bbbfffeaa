"""PostgreSQL through psycopg 3: migrations match the models and the demo data round-trips.

Runs when TEST_POSTGRES_URL names a server where the user may create databases (``.ci/run`` sets one up);
each test works in a database of its own, dropped afterwards.
"""

from __future__ import annotations

import json
import os
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
