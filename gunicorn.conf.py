"""Gunicorn settings for serving the catalogue (`make serve`, or `gunicorn -c gunicorn.conf.py wsgi:app`).

Every value can be overridden from the environment: PORT, HOST, WEB_CONCURRENCY (worker processes), WEB_THREADS
(threads per worker), WEB_TIMEOUT (seconds).
"""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
# Pages are CPU-bound Python: one worker per core, plus one so a worker waiting on the database leaves none idle.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
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
# The path without the query string: search words and filters can describe a case.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_fork(server, worker):
    """Connections and index files opened in the master are not shared with the workers: each opens its own."""
    from catalogue.extensions import db
    from catalogue.search import store
    from wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
    store.forget_all()
