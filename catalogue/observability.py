"""What operators watch: a request id on every request and log line, JSON logs on request, and Prometheus metrics.

- **Request id**: taken from the ``X-Request-ID`` header a proxy set (when it is a plain token), else made here; sent
  back in ``X-Request-ID``, added to every log record made while the request runs, and shown on error pages as their
  reference, so a user's report, the proxy's log and the app's log can be matched.
- **Logs**: ``CATALOGUE_LOG_FORMAT=json`` writes one JSON object per line (time, level, logger, message, request id,
  method and path). Never the query string (search words can describe a case) nor form data; the message is the
  one the code wrote, which never holds secrets.
- **Metrics**: prometheus-flask-exporter counts requests and their durations by endpoint (the view's name, never the
  URL, which holds ids and slugs), method and status. Under gunicorn set ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py
  does) so every worker's counts add up. ``/metrics`` is answered before the app, like ``/healthz``: no session, no
  rate limit; only to loopback clients not behind a proxy, or with ``Authorization: Bearer`` and
  ``CATALOGUE_METRICS_TOKEN``.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import re
import secrets
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
METRICS_PATH = "/metrics"


def request_id() -> str | None:
    """This request's id (made on first use), or None outside a request."""
    if not has_request_context():
        return None
    if "request_id" not in g:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = offered if _TOKEN.fullmatch(offered) else secrets.token_hex(8)
    return g.request_id


def register_request_ids(app: Flask) -> None:
    @app.after_request
    def send_request_id(response):
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id``, ``method`` and ``path`` (without its query string) to records made during a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id, record.method, record.path = request_id(), request.method, request.path
            record.request_tag = f" [request {record.request_id}]"
        else:
            record.request_id = record.method = record.path = None
            record.request_tag = ""
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "method": getattr(record, "method", None),
            "path": getattr(record, "path", None),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps({key: value for key, value in entry.items() if value is not None}, ensure_ascii=False)


TEXT_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s%(request_tag)s: %(message)s"


def register_logging(app: Flask) -> None:
    """``app.logger`` (the ``catalogue`` logger, parent of every module's logger) writes to the WSGI server's error
    stream, as text or JSON (``CATALOGUE_LOG_FORMAT``), each record with its request id."""
    logger = app.logger
    if default_handler not in logger.handlers:
        return  # logging was configured by whoever started the process: leave it
    if not any(isinstance(f, RequestIdFilter) for f in default_handler.filters):
        default_handler.addFilter(RequestIdFilter())
    if app.config["CATALOGUE_LOG_FORMAT"] == "json":
        default_handler.setFormatter(JsonFormatter())
    else:
        default_handler.setFormatter(logging.Formatter(TEXT_FORMAT))


def register_metrics(app: Flask):
    """Request counts and durations by endpoint; returns the exporter, or None when ``CATALOGUE_METRICS`` is off."""
    if not app.config["CATALOGUE_METRICS"]:
        return None
    from prometheus_client import CollectorRegistry
    from prometheus_flask_exporter import PrometheusMetrics

    shared = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared:  # also set for `flask` commands run with the units' environment, before gunicorn made it
        os.makedirs(shared, mode=0o700, exist_ok=True)

    # A registry per app: the default one refuses a second app's metrics (tests make many apps). In multiprocess
    # mode the values live in PROMETHEUS_MULTIPROC_DIR's files whatever the registry.
    metrics = PrometheusMetrics(app, path=None, group_by="endpoint", defaults_prefix="catalogue",
                                registry=CollectorRegistry(auto_describe=True))
    app.extensions["metrics"] = metrics
    return metrics


def metrics_allowed(app: Flask, environ) -> int:
    """200 when this request may read the metrics, else the status to answer (401 or 403)."""
    token = app.config["CATALOGUE_METRICS_TOKEN"]
    offered = environ.get("HTTP_AUTHORIZATION", "")
    if token and offered.startswith("Bearer "):
        return 200 if hmac.compare_digest(offered[7:].strip().encode(), token.encode()) else 401
    proxied = any(key in environ for key in ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP"))
    try:
        loopback = ipaddress.ip_address(environ.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        loopback = False
    if loopback and not proxied:
        return 200
    return 401 if token else 403


def metrics_response(app: Flask, environ) -> tuple[int, str, bytes]:
    """``/metrics``: (status, content type, body)."""
    status = metrics_allowed(app, environ)
    metrics = app.extensions.get("metrics")
    if metrics is None:
        return 404, "text/plain; charset=utf-8", b"Metrics are switched off (CATALOGUE_METRICS=0).\n"
    if status != 200:
        return status, "text/plain; charset=utf-8", b"Metrics are served to loopback clients or with the token.\n"
    body, content_type = metrics.generate_metrics(environ.get("HTTP_ACCEPT"))
    return 200, content_type, body.encode()


class MetricsEndpoint:
    """WSGI middleware answering ``GET /metrics`` itself, before sessions, limits and CSRF (like ``HealthChecks``)."""

    def __init__(self, app: Flask, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != METRICS_PATH or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        status, content_type, body = metrics_response(self.app, environ)
        reasons = {200: "OK", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}
        headers = [("Content-Type", content_type), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")]
        if status == 401:
            headers.append(("WWW-Authenticate", 'Bearer realm="metrics"'))
        start_response(f"{status} {reasons[status]}", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]
