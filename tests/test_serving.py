"""Serving as in production: gunicorn with gunicorn.conf.py (what `make serve` runs), and the health endpoints."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask_migrate import upgrade

from catalogue.extensions import db
from catalogue.search import store
from tests.conftest import make_app

ROOT = Path(__file__).resolve().parent.parent


def get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The app under gunicorn on a free port, with a migrated database and a built index (one server for the
    module: the last test damages the index)."""
    tmp_path = tmp_path_factory.mktemp("served")
    app = make_app(tmp_path)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        store.rebuild()
        db.engine.dispose()
    port = free_port()
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(tmp_path), "PORT": str(port), "WEB_CONCURRENCY": "2",
           "CATALOGUE_PUBLIC_BROWSING": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.sqlite3'}"}
    env.pop("CATALOGUE_ENV", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                if get(base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(log.read_text())
        yield base, log, tmp_path
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def test_gunicorn_serves_the_site_and_answers_health_checks(served):
    base, log, _data = served
    status, body, headers = get(base + "/healthz")
    assert status == 200 and '"alive"' in body and "Set-Cookie" not in headers
    status, body, _headers = get(base + "/readyz")
    assert status == 200 and '"ready"' in body
    status, body, _headers = get(base + "/")
    assert status == 200 and "<html" in body
    assert get(base + "/tools/?q=operation+nightjar+suspect")[0] == 200
    time.sleep(0.2)
    logged = log.read_text()
    assert "GET /tools/ HTTP" in logged  # the access log names the page…
    assert "nightjar" not in logged  # …but never the search words, which can describe a case


def test_readiness_says_what_is_wrong(served):
    base, _log, data = served
    (data / "search" / "CURRENT").unlink()
    status, body, headers = get(base + "/readyz")
    assert status == 503 and '"search": "unavailable' in body and headers.get("Retry-After")
    assert get(base + "/healthz")[0] == 200  # alive all the same


def test_metrics_of_every_worker_add_up_by_endpoint(served):
    """gunicorn.conf.py gives the workers one PROMETHEUS_MULTIPROC_DIR: /metrics counts what all of them served."""
    import re

    base, log, _data = served
    for _request in range(8):
        assert get(base + "/about")[0] == 200
    status, body, headers = get(base + "/metrics")
    assert status == 200 and "Set-Cookie" not in headers
    counted = re.search(r'catalogue_http_request_duration_seconds_count\{endpoint="pages\.about",method="GET",'
                        r'status="200"\} (\d+)', body)
    assert counted and float(counted.group(1)) == 8, body[:2000]
    assert re.search(r'"GET /about HTTP/1.1" 200 \d+ \d+ms [0-9a-f]{16}', log.read_text())  # the request id
