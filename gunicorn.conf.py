"""Gunicorn settings for serving the catalogue (`make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`).

Every value can be overridden from the environment: PORT, HOST, WEB_CONCURRENCY (worker processes), WEB_THREADS
(threads per worker), WEB_TIMEOUT (seconds). CATALOGUE_LOG_FORMAT=json makes the access log JSON too;
PROMETHEUS_MULTIPROC_DIR is where the workers' metrics meet (a fresh temporary directory when unset).
"""

import json
import multiprocessing
import os
import shutil
import tempfile
from datetime import UTC, datetime

from gunicorn.glogging import Logger

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# One worker per core: pages are CPU-bound (their database and index reads are local and short), and a third worker on
# two cores answered fewer requests, later (docs/performance.md, "Serving": 52 against 74 requests/s at 32 clients).
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so memory stays bounded whatever a long-lived worker accumulates.
max_requests = 5000
max_requests_jitter = 500
# Load the app once in the master (a broken configuration stops the start, once, with its message), then fork.
preload_app = True
accesslog = "-"
errorlog = "-"
# The path without the query string: search words and filters can describe a case. The request id matches the app's
# log lines and the reference on error pages.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms %({x-request-id}o)s'


class JsonAccessLog(Logger):
    """One JSON object per request (CATALOGUE_LOG_FORMAT=json): never the query string or the referrer."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        self.access_log.info(json.dumps({
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"), "type": "access", "remote": atoms["h"],
            "method": atoms["m"], "path": atoms["U"], "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else
            atoms["s"], "bytes": atoms["B"], "ms": atoms["M"], "request_id": atoms.get("{x-request-id}o"),
        }))


if os.environ.get("CATALOGUE_LOG_FORMAT", "").strip().lower() == "json":
    logger_class = JsonAccessLog

# Metrics of every worker add up in one directory (prometheus-flask-exporter's multiprocess mode), emptied at each
# start: set before the app is loaded, so prometheus_client writes its values there.
if os.environ.get("_CATALOGUE_METRICS_MASTER") != str(os.getpid()):
    os.environ["_CATALOGUE_METRICS_MASTER"] = str(os.getpid())  # a reload (HUP) reads this file again: keep them
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], mode=0o700, exist_ok=True)
        for name in os.listdir(os.environ["PROMETHEUS_MULTIPROC_DIR"]):
            if name.endswith(".db"):  # only prometheus_client's files, whatever else the directory holds
                os.remove(os.path.join(os.environ["PROMETHEUS_MULTIPROC_DIR"], name))
    else:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="catalogue-metrics-")
        os.environ["_CATALOGUE_METRICS_TEMPORARY"] = os.environ["PROMETHEUS_MULTIPROC_DIR"]
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Connections and index files opened in the master are not shared with the workers: each opens its own."""
    from catalogue.extensions import db
    from catalogue.search import store
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
    store.forget_all()


def child_exit(server, worker):
    """A worker that ended no longer counts in the live gauges (its counters stay added up)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    """The temporary metrics directory made at start goes with the server."""
    made = os.environ.get("_CATALOGUE_METRICS_TEMPORARY")
    if made and made == os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        shutil.rmtree(made, ignore_errors=True)
