"""Fixtures on the app factory: a fresh data directory per test, a real database, demo data on demand."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from catalogue import create_app
from catalogue.extensions import db
from catalogue.search import store
from catalogue.taxonomy import sync_vocabularies
from tests.factories import load_demo


def serve(app):
    """Serve ``app`` on a free local port for the browser tests; yields its base URL, then stops."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def serve_demo_copy(tmp_path_factory, demo_data_dir, name: str, *members: tuple[str, str]):
    """For browser tests: a closed catalogue on a copy of the demo data, with vetted members (e-mail, name) of one
    agency; yields the app with its base URL in ``app.base``."""
    from tests.factories import make_agency, make_user

    data_dir = tmp_path_factory.mktemp(name)
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir, TESTING=False, CATALOGUE_PUBLIC_BROWSING=False)
    with app.app_context():
        agency = make_agency("harbour-police", name="Harbour Police Online Child Protection Unit")
        for email, name_of_member in members:
            make_user("member", email=email, agency=agency, name=name_of_member)
    for base in serve(app):
        app.base = base
        yield app


def make_app(data_dir: Path, **extra):
    """Catalogue tests browse it as the public directory (``CATALOGUE_PUBLIC_BROWSING``); the closed default is
    covered by ``test_policy.py`` and the account tests, which pass ``CATALOGUE_PUBLIC_BROWSING=False``."""
    config = {
        "TESTING": True,
        "CATALOGUE_DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'catalogue.sqlite3'}",
        "CATALOGUE_PUBLIC_BROWSING": True,
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 1024,
        "CATALOGUE_BASE_URL": "https://catalogue.test",
    }
    config.update(extra)
    return create_app(config)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """A data directory (database and search index) holding the demo dataset, built once and copied per test."""
    data_dir = tmp_path_factory.mktemp("demo-template")
    app = make_app(data_dir)
    with app.app_context():
        db.create_all()
        store.rebuild()
        load_demo()
        db.engine.dispose()
    return data_dir


def copy_data_dir(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


def empty_app(data_dir: Path, **extra):
    """An app with the schema, the vocabularies and an empty index; disposes of its engine afterwards."""
    app = make_app(data_dir, **extra)
    with app.app_context():
        db.create_all()
        sync_vocabularies()
        store.rebuild()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    yield from empty_app(tmp_path)


@pytest.fixture
def demo_app(tmp_path, demo_data_dir):
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def search_never_fails_silently(request, caplog):
    """Degraded search hides index errors from users; tests must not let it hide bugs."""
    yield
    if request.node.get_closest_marker("degraded_search"):
        return
    failures = [r for r in caplog.records if r.getMessage().startswith("Searching the index failed")]
    assert not failures, failures[0].exc_text


@pytest.fixture
def closed_app(tmp_path):
    """The default access mode: everything but the public pages needs a signed-in member."""
    yield from empty_app(tmp_path, CATALOGUE_PUBLIC_BROWSING=False)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for calling services directly."""
    with app.app_context():
        yield app


CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download browsers here: drive Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


class Clock:
    """A clock the test moves by hand; services read it through ``catalogue.clock.now``."""

    def __init__(self, start):
        self.current = start

    def __call__(self):
        return self.current

    def set(self, moment) -> None:
        self.current = moment

    def advance(self, **delta) -> None:
        from datetime import timedelta

        self.current += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    """Freeze ``catalogue.clock.now`` at the real present; move it with ``clock.advance(hours=25)``."""
    from catalogue import clock as clock_module

    fake = Clock(clock_module.now())
    monkeypatch.setattr(clock_module, "now", fake)
    return fake
