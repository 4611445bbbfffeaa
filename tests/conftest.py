"""Fixtures on the app factory: a fresh data directory per test, a real database, demo data on demand.

Building a database costs far more than copying one, so the schema with the vocabularies and an empty index
(``empty_data_dir``) and the demo dataset (``demo_data_dir``) are each built once per test process and copied into
every test's own directory.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import jinja2
import jinja2.bccache
import pytest
from sqlalchemy import event
from sqlalchemy.dialects import plugins
from sqlalchemy.engine import CreateEnginePlugin, Engine
from sqlalchemy.util import LRUCache

from catalogue import create_app
from catalogue.config import load_settings
from catalogue.extensions import db
from catalogue.search import outbox, store
from catalogue.taxonomy import sync_vocabularies
from tests.browser import CHROMIUM, require_chromium
from tests.factories import load_demo


class SharedTemplateCache(jinja2.BytecodeCache):
    """Compiled templates kept for every app this test process makes: each new app has a new Jinja environment that
    would compile every template it renders again, a fifth of the suite's time. Jinja checks each entry against the
    template's source, so an edited template is compiled afresh."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = SharedTemplateCache()


def _share_url_builders() -> None:
    """Every new app compiles a URL builder (Python code, through ``ast`` and ``compile``) for each of its routes:
    most of ``create_app``'s time. The code depends only on the rule and its defaults and takes the rule as its first
    argument, so the test process compiles each one once and lets every app's rule use it."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a werkzeug that builds URLs another way: nothing to share
        return
    builders: dict[tuple, object] = {}

    def shared_builder(rule: Rule, append_unknown: bool = True):
        key = (rule.rule, rule.host if rule.map.host_matching else rule.subdomain, tuple(rule._trace),
               tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())), append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared_builder


_share_url_builders()


class SharedStatements(CreateEnginePlugin):
    """Every test's app has its own engine, and SQLAlchemy keeps compiled SQL per engine (keyed by its dialect), so
    each test compiled every statement it ran afresh: a tenth of the suite's time. The SQLite engines of one test
    process share the first one's dialect and a larger cache instead; their options are the same."""

    dialect = None
    cache = None

    def update_url(self, url):
        return url

    def engine_created(self, engine: Engine) -> None:
        if engine.dialect.name != "sqlite":
            return
        if SharedStatements.dialect is None:
            SharedStatements.dialect, SharedStatements.cache = engine.dialect, LRUCache(20000)
        engine.dialect, engine._compiled_cache = SharedStatements.dialect, SharedStatements.cache


plugins.register("shared_statements", __name__, "SharedStatements")


@event.listens_for(Engine, "connect")
def _no_fsync_in_tests(dbapi_connection, _record) -> None:
    """Test databases are thrown away: SQLite need not wait for the disk at each commit."""
    if type(dbapi_connection).__module__ == "sqlite3":
        dbapi_connection.execute("PRAGMA synchronous=OFF")


def make_app(data_dir: Path, **extra):
    """Catalogue tests browse it as the public directory (``CATALOGUE_PUBLIC_BROWSING``); the closed default is
    covered by ``test_policy.py`` and the account tests, which pass ``CATALOGUE_PUBLIC_BROWSING=False``.

    The search index is brought up to date by the first search after a change (``ensure_current``), as it is when
    another process saved, rather than after every commit (``SEARCH_APPLY_ON_COMMIT``): writing a tool's document in
    six languages costs tenths of a second, and most tests that make tools never search them. The tests of the
    outbox, of read-your-write and of the index's faults pass ``SEARCH_APPLY_ON_COMMIT=True``."""
    config = {
        "TESTING": True,
        "CATALOGUE_DATA_DIR": data_dir,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'catalogue.sqlite3'}",
        "CATALOGUE_PUBLIC_BROWSING": True,
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 1024,
        "CATALOGUE_BASE_URL": "https://catalogue.test",
        "SEARCH_APPLY_ON_COMMIT": False,
    }
    config.update(extra)
    if str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        options = config.get("SQLALCHEMY_ENGINE_OPTIONS") or load_settings()["SQLALCHEMY_ENGINE_OPTIONS"]
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "plugins": ["shared_statements"]}
    app = create_app(config)
    app.jinja_env.bytecode_cache = TEMPLATES
    return app


def template_data_dir(tmp_path_factory, name: str, fill) -> Path:
    """A data directory with the schema and an index, filled by ``fill()`` in an app context, for tests to copy."""
    data_dir = tmp_path_factory.mktemp(name)
    app = make_app(data_dir)
    with app.app_context():
        db.create_all()
        store.rebuild()
        fill()
        outbox.catch_up()  # copies start with an index that holds everything
        db.engine.dispose()
    return data_dir


@pytest.fixture(scope="session")
def empty_data_dir(tmp_path_factory) -> Path:
    """A data directory with the schema, the vocabularies and an empty index, built once and copied per test."""
    return template_data_dir(tmp_path_factory, "empty-template", sync_vocabularies)


@pytest.fixture(scope="session")
def demo_data_dir(tmp_path_factory) -> Path:
    """A data directory (database and search index) holding the demo dataset, built once and copied per test."""
    return template_data_dir(tmp_path_factory, "demo-template", load_demo)


@pytest.fixture(scope="session")
def demo_command_run(tmp_path_factory, empty_data_dir) -> SimpleNamespace:
    """``flask catalogue demo`` run once on an empty catalogue: the data directory it filled, built once and copied
    per test like the others, and the command's result (``exit_code``, ``output``)."""
    data_dir = tmp_path_factory.mktemp("demo-command")
    copy_data_dir(empty_data_dir, data_dir)
    app = make_app(data_dir)
    result = app.test_cli_runner().invoke(args=["catalogue", "demo"])
    with app.app_context():
        outbox.catch_up()
        db.engine.dispose()
    return SimpleNamespace(data_dir=data_dir, exit_code=result.exit_code, output=result.output)


@pytest.fixture
def demo_command_app(tmp_path, demo_command_run):
    """An app on a copy of what a first ``flask catalogue demo`` on an empty catalogue left; that run's result is in
    ``app.first_demo_run``, so a test can check the first run and then run the command again itself."""
    data_dir = tmp_path / "after-demo-command"  # beside, not over, the ``app`` fixture's directory
    copy_data_dir(demo_command_run.data_dir, data_dir)
    app = make_app(data_dir)
    app.first_demo_run = demo_command_run
    yield app
    with app.app_context():
        db.engine.dispose()


def copy_data_dir(source: Path, target: Path) -> None:
    shutil.copytree(source, target, dirs_exist_ok=True)


def read_only_demo(tmp_path_factory, demo_data_dir, name: str):
    """One copy of the demo catalogue for a whole module whose tests only read it; disposes of its engine after."""
    data_dir = tmp_path_factory.mktemp(name)
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir)
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_app(data_dir: Path, template: Path, **extra):
    """An app with the schema, the vocabularies and an empty index, copied from ``template`` (the ``empty_data_dir``
    fixture); disposes of its engine afterwards."""
    copy_data_dir(template, data_dir)
    app = make_app(data_dir, **extra)
    yield app
    with app.app_context():
        db.engine.dispose()


def applying(request) -> dict:
    """``SEARCH_APPLY_ON_COMMIT`` as production has it, for tests marked ``apply_on_commit`` (the outbox's own)."""
    return {"SEARCH_APPLY_ON_COMMIT": True} if request.node.get_closest_marker("apply_on_commit") else {}


@pytest.fixture
def app(request, tmp_path, empty_data_dir):
    yield from empty_app(tmp_path, empty_data_dir, **applying(request))


@pytest.fixture
def demo_app(request, tmp_path, demo_data_dir):
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, **applying(request))
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
def closed_app(request, tmp_path, empty_data_dir):
    """The default access mode: everything but the public pages needs a signed-in member."""
    yield from empty_app(tmp_path, empty_data_dir, CATALOGUE_PUBLIC_BROWSING=False, **applying(request))


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


def pytest_collection_modifyitems(items):
    """Every test of a ``test_browser*.py`` module, and any other that asks for a Playwright browser or page, drives
    Chromium."""
    for item in items:
        uses_playwright = {"browser", "context", "page"} & set(getattr(item, "fixturenames", ()))
        if item.path.name.startswith("test_browser") or uses_playwright:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("browser"):
        require_chromium()


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
