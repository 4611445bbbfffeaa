"""``/healthz`` and ``/readyz`` for load balancers and process managers, answered before Flask: no session, cookie,
CSRF check, rate limit or template, so they stay cheap and never disturb a user's session.

- ``/healthz``: the process answers (200).
- ``/readyz``: the database answers, its schema is at the migrations' head, and the search index is open and not more
  than ``CATALOGUE_READY_MAX_LAG`` outbox changes behind. 200 or 503, with a JSON body saying which check failed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from catalogue.extensions import db
from catalogue.search import health as search_health
from catalogue.search import store

PATHS = frozenset({"/healthz", "/readyz"})


class HealthChecks:
    """WSGI middleware: answers the two paths itself and passes everything else to the app."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path not in PATHS or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        status, body = (200, {"status": "alive"}) if path == "/healthz" else readiness(self.app)
        payload = json.dumps(body).encode()
        start_response(f"{status} {'OK' if status == 200 else 'Service Unavailable'}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
            ("Cache-Control", "no-store"), *([("Retry-After", "10")] if status != 200 else [])])
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [payload]


def readiness(app: Flask) -> tuple[int, dict]:
    checks: dict[str, str] = {}
    with app.app_context():
        try:
            revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            checks["database"] = "ok"
            checks["migrations"] = "ok" if revision in heads(app) else f"at {revision}, expected {sorted(heads(app))}"
        except SQLAlchemyError as error:
            checks["database"] = f"unavailable: {type(error).__name__}"
        finally:
            db.session.remove()
        try:
            behind = search_health.pending_changes()
            limit = app.config["CATALOGUE_READY_MAX_LAG"]
            checks["search"] = "ok" if behind <= limit else f"{behind} changes behind (at most {limit})"
        except (store.IndexUnavailable, SQLAlchemyError) as error:
            checks["search"] = f"unavailable: {error}"
        finally:
            db.session.remove()
    ready = all(value == "ok" for value in checks.values())
    return (200 if ready else 503), {"status": "ready" if ready else "not ready", "checks": checks}


def heads(app: Flask) -> frozenset[str]:
    return _heads(str(app.extensions["migrate"].directory))


@cache
def _heads(directory: str) -> frozenset[str]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(directory)))
    return frozenset(ScriptDirectory.from_config(config).get_heads())
