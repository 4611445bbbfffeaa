"""The AI tools catalogue: a Flask application for child-protection investigators."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from catalogue import observability, static_files, times
from catalogue.accounts import sessions
from catalogue.config import load_settings, make_private_directory
from catalogue.extensions import babel, compress, csrf, db, limiter, migrate
from catalogue.health import HealthChecks
from catalogue.languages import select_locale
from catalogue.rows import IdConverter

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled_folder(name: str) -> Path:
    """``templates`` or ``migrations``: inside the package when installed from a wheel (setup.py puts them there),
    else at the top of the checkout (editable install, ``make run``)."""
    installed = Path(__file__).resolve().parent / name
    return installed if installed.is_dir() else PROJECT_ROOT / name


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(bundled_folder("templates")),
        static_folder="static",
    )
    app.url_map.converters["int"] = IdConverter  # before any route: ids beyond any column answer 404
    app.config.update(load_settings(config))
    make_private_directory(app.config["CATALOGUE_DATA_DIR"])
    if app.config["CATALOGUE_PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["CATALOGUE_PROXY_COUNT"],
                                x_proto=app.config["CATALOGUE_PROXY_COUNT"])
    register_logging(app)
    register_extensions(app)
    register_search()
    clean_search_leftovers(app)
    check_synonym_file(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_input_guard(app)
    register_security_headers(app)
    static_files.register(app)
    register_commands(app)
    observability.register_metrics(app)
    app.wsgi_app = observability.MetricsEndpoint(app, app.wsgi_app)
    app.wsgi_app = HealthChecks(app, app.wsgi_app)  # outermost: answered before sessions, limits and CSRF
    return app


def register_logging(app: Flask) -> None:
    """Errors reach the server's log. ``app.logger`` is the ``catalogue`` logger, which every module's logger passes
    its records to; made now, it writes to the WSGI server's error stream (gunicorn's error log) unless logging was
    configured already, as text or JSON with each record's request id (``observability``; SQL parameters are kept
    out of database errors by the engine options in config.py)."""
    app.logger  # noqa: B018 - made now, so its handler is chosen before any module logs
    observability.register_logging(app)
    observability.register_request_ids(app)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    register_session_end(app)
    migrate.init_app(app, db, directory=str(bundled_folder("migrations")), render_as_batch=True,
                     compare_type=True)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=times.reader_zone)
    csrf.init_app(app)
    limiter.init_app(app)
    sessions.init_app(app)
    register_compression(app)
    import catalogue.search.outbox  # noqa: F401 - registers the outbox's session events


def register_session_end(app: Flask) -> None:
    """End the request's database session even when the database went away after the page was made: Flask-SQLAlchemy's
    own teardown rolls back over the dead connection, and the error escaped the app as an empty 500 from gunicorn
    (PostgreSQL restarted under load, benchmarks/faults.py). Runs before it (teardowns run in reverse order)."""

    @app.teardown_appcontext
    def end_session(_error=None):
        try:
            db.session.remove()
        except SQLAlchemyError:
            with contextlib.suppress(Exception):
                db.session.invalidate()  # closes the connections without talking to the server
            db.session.registry.clear()


#: What the app compresses itself: text formats only (images other than SVG are compressed already).
COMPRESSED_TYPES = ("text/html", "text/css", "image/svg+xml", "application/json", "text/csv")
#: ``Sec-Fetch-Site`` values of requests this site's own pages or the user started: only their answers are compressed.
OWN_REQUESTS = frozenset({"same-origin", "none", ""})


def register_compression(app: Flask) -> None:
    """Compress responses in the app (Brotli, else gzip): the development server and many deployments do not.

    Flask-Compress adds ``Vary: Accept-Encoding``, keeps strong ETags distinct per encoding (``"…:br"``) and answers
    conditional requests for static files on them. Left as they are: partial responses (a byte range means the
    identity bytes) and answers to requests another site started: compressing pages that hold a CSRF token next to
    reflected input would let an attacker who sees the traffic guess the token from the lengths (BREACH); browsers
    say who started a request in ``Sec-Fetch-Site``.
    """
    app.config.setdefault("COMPRESS_MIMETYPES", list(COMPRESSED_TYPES))
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])  # static files are streamed
    app.config["COMPRESS_REGISTER"] = False
    compress.init_app(app)

    @app.after_request
    def compress_response(response):
        if response.status_code == 206 or "Content-Range" in response.headers or \
                request.headers.get("Sec-Fetch-Site", "") not in OWN_REQUESTS:
            response.vary.add("Accept-Encoding")
            return response
        return compress.after_request(response)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Foreign keys on, write-ahead log and a busy timeout for every SQLite connection."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    database = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
    if database and os.path.exists(database):
        with contextlib.suppress(OSError):  # not our file: leave its mode to its owner
            os.chmod(database, 0o600)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def register_search() -> None:
    """Each feature tells the search package what it puts in the index (the search package imports no feature)."""
    from catalogue.guidance.indexing import register_with_search as guidance
    from catalogue.tools.indexing import register_with_search as tools
    from catalogue.trainings.indexing import register_with_search as trainings

    tools()
    guidance()
    trainings()


def clean_search_leftovers(app: Flask) -> None:
    """Index directories a killed ``search rebuild`` left behind are deleted at start (and by every rebuild)."""
    from catalogue.search import store

    with app.app_context():
        try:
            if removed := store.clean_leftovers():
                app.logger.info("Deleted %s search index leftover(s): %s", len(removed), ", ".join(removed))
        except OSError as error:
            app.logger.warning("Search index leftovers could not be deleted: %s", error)


def check_synonym_file(app: Flask) -> None:
    """Refuse to start with a synonym file the search cannot use, naming its file, line and reason; parsed once."""
    from catalogue.search.synonyms import check_file

    check_file(app.config["CATALOGUE_SYNONYMS_FILE"])


def register_blueprints(app: Flask) -> None:
    from catalogue.accounts.views import blueprint as account
    from catalogue.admin.views import blueprint as admin
    from catalogue.agencies.views import blueprint as agencies
    from catalogue.agreements.views import blueprint as agreements
    from catalogue.api.views import blueprint as api
    from catalogue.assessment.views import blueprint as assessment
    from catalogue.contact.oversight import blueprint as contact_oversight
    from catalogue.contact.views import blueprint as contact
    from catalogue.curation.views import blueprint as curation
    from catalogue.entry_translations.views import blueprint as entry_translations
    from catalogue.guidance.views import blueprint as guidance
    from catalogue.languages.views import blueprint as languages
    from catalogue.pages.views import blueprint as pages
    from catalogue.people.views import blueprint as people
    from catalogue.providers.views import blueprint as providers
    from catalogue.shortlist.views import blueprint as shortlist
    from catalogue.tools.views import blueprint as tools
    from catalogue.trainings.views import blueprint as trainings
    from catalogue.transfer.views import blueprint as transfer
    from catalogue.vocabularies.views import blueprint as vocabularies
    from catalogue.workspace.follow_views import blueprint as follows
    from catalogue.workspace.views import blueprint as workspace

    app.register_blueprint(pages)
    app.register_blueprint(languages)
    app.register_blueprint(tools)
    app.register_blueprint(shortlist)
    app.register_blueprint(workspace)
    app.register_blueprint(follows)
    app.register_blueprint(guidance)
    app.register_blueprint(account)
    app.register_blueprint(admin)
    app.register_blueprint(curation)
    app.register_blueprint(entry_translations)
    app.register_blueprint(transfer)
    app.register_blueprint(vocabularies)
    app.register_blueprint(assessment)
    app.register_blueprint(trainings)
    app.register_blueprint(contact_oversight)
    app.register_blueprint(agencies)
    app.register_blueprint(people)
    app.register_blueprint(contact)
    app.register_blueprint(api)
    app.register_blueprint(agreements)
    app.register_blueprint(providers)


def register_errorhandlers(app: Flask) -> None:
    from catalogue.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from catalogue import templating

    templating.register(app)


def register_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        """No database stores NUL in text (PostgreSQL refuses it): answer 400 instead of failing later."""
        for values in (request.args, request.form):
            if any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
                abort(400, description=_("The request contained a NUL character, which cannot be stored. Remove "
                                         "it and try again."))


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
        )
        if app.config["CATALOGUE_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint != "static" and signed_in() and not response.cache_control.private:  # the API's
            # answers say private themselves; style sheets and icons are the same for everyone
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def signed_in() -> bool:
    """Whether the response belongs to a signed-in session (without loading the user again for static files)."""
    try:
        return bool(current_user and current_user.is_authenticated)
    except SQLAlchemyError:  # the user could not be loaded (database down): treat the response as private anyway
        return True


def register_commands(app: Flask) -> None:
    from catalogue.cli import catalogue_cli, ops_cli, search_cli, users_cli

    app.cli.add_command(catalogue_cli)
    app.cli.add_command(ops_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(users_cli)
