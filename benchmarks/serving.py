"""Helpers for benchmarks that serve the catalogue with gunicorn: a free port, a fresh data directory with the demo,
the server in its own process group (its master and worker pids, to kill), a browser-like client with cookies and
form reading, and request statistics. Used by ``benchmarks/faults.py``; ``benchmarks/load.py`` may share them.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-catalogue-2026"  # the demo accounts' (catalogue/admin/demo.py)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 600
          ) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=False, timeout=timeout)


def environment(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a catalogue host: its own data directory (index, metrics) on ``database_url``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("CATALOGUE_", "PROMETHEUS_"))}
    env.update(CATALOGUE_DATA_DIR=str(data_dir), DATABASE_URL=database_url, CATALOGUE_PUBLIC_BROWSING="1",
               PROMETHEUS_MULTIPROC_DIR=str(data_dir / "metrics"), **extra)
    return env


def prepare_demo(env: dict[str, str]) -> None:
    """Schema, vocabularies, the demo (with its development accounts) and the index."""
    for command in (("db", "upgrade"), ("catalogue", "vocabularies"), ("catalogue", "demo"), ("search", "rebuild")):
        result = flask(env, *command)
        if result.returncode:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")


@contextlib.contextmanager
def own_database(url: str | None, directory: Path, name: str):
    """The SQLite file in ``directory``, or a new PostgreSQL database ``name`` on the server ``url`` names, dropped
    after."""
    if url is None:
        yield f"sqlite:///{directory / 'catalogue.sqlite3'}"
        return
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        for _attempt in range(30):  # the server may be starting again after a fault
            try:
                with admin.connect() as c:
                    c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                break
            except Exception:  # noqa: BLE001 - retried, then left for the operator
                time.sleep(1)
        admin.dispose()


class Server:
    """``gunicorn -c gunicorn.conf.py wsgi:app`` on a loopback port, in its own process group, logging to a file."""

    def __init__(self, env: dict[str, str], log: Path, port: int | None = None, workers: int = 2) -> None:
        self.env = {**env, "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers)}
        self.port = port or free_port()
        self.env["PORT"] = str(self.port)
        self.log = log
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self, timeout: float = 60) -> float:
        """Start (again) and wait until ``/healthz`` answers; returns the seconds it took."""
        started = time.monotonic()
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                                        env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT,
                                        start_new_session=True)
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:  # e.g. the port still held by a dying worker: try again
                time.sleep(0.5)
                self.process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                                                cwd=ROOT, env=self.env, stdout=self.log.open("ab"),
                                                stderr=subprocess.STDOUT, start_new_session=True)
                continue
            if self.healthy() and self.workers():
                time.sleep(0.3)
                return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log.read_text()[-3000:]}")

    def healthy(self, path: str = "/healthz") -> bool:
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            connection.request("GET", path)
            return connection.getresponse().status == 200
        return False

    @property
    def master(self) -> int:
        return self.process.pid

    def workers(self) -> list[int]:
        return children_of(self.master)

    def kill_worker(self) -> int:
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def kill_master(self) -> None:
        """kill -9 the master, then its orphaned workers, as systemd does when a unit's main process dies
        (``KillMode=control-group``); left alone they would stop by themselves within seconds."""
        workers = self.workers()
        os.kill(self.master, signal.SIGKILL)
        self.process.wait()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def children_of(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == parent:
                found.append(int(stat.parent.name))
    return sorted(found)


class FormReader(HTMLParser):
    """The fields of every form of a page, as a browser would submit them (first choice where none is made)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": [], "radios": {}, "options": {}})
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                form["radios"].setdefault(name, []).append((a.get("value", "on"), "checked" in a))
            elif kind == "checkbox":
                if "checked" in a:
                    form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            form["options"][name] = []
        elif tag == "option" and self._select:
            form["options"][self._select].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea = name
            form["fields"].append((name, ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            name, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    @staticmethod
    def values(form: dict, choose: tuple[str, ...] = ()) -> dict[str, list[str]]:
        """What a browser submits (a select's first option when none is selected), except that a radio group
        without a checked button gets its first choice, and so do the selects named in ``choose``."""
        values: dict[str, list[str]] = defaultdict(list)
        for name, value in form["fields"]:
            values[name].append(value[2:] if value.startswith("\r\n") else value[1:] if value[:1] == "\n"
                                else value)  # a browser drops a textarea's first line break
        for name, options in form["radios"].items():
            values[name].extend([v for v, on in options if on] or [v for v, _on in options if v][:1])
        for name, options in form["options"].items():
            fallback = [v for v, _on in options if v][:1] if name in choose else [v for v, _on in options][:1]
            values[name].extend([v for v, on in options if on] or fallback)
        return values


def forms_on(html: str, action_part: str, choose: tuple[str, ...] = ()) -> list[dict[str, list[str]]]:
    """The fields of each form posting to ``action_part`` (a form without an action posts to its own page)."""
    reader = FormReader()
    reader.feed(html)
    return [FormReader.values(form, choose) for form in reader.forms
            if action_part in (form["action"] or action_part)]


def form_on(html: str, action_part: str, choose: tuple[str, ...] = ()) -> dict[str, list[str]]:
    found = forms_on(html, action_part, choose)
    if not found:
        raise LookupError(f"no form posting to {action_part}")
    return found[0]


@dataclass
class Stats:
    """Answers by kind: statuses, latencies and what went wrong, kept per fault."""

    statuses: Counter = field(default_factory=Counter)
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int | None, note: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[str(status) if status else "connection error"] += 1
            if (status is None or status >= 500) and len(self.samples) < 8:
                self.samples.append(f"{time.strftime('%H:%M:%S')} {kind}: {status or note}")

    @property
    def errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s == "connection error" or s.startswith("5"))

    @property
    def server_errors(self) -> int:
        return self.statuses.get("500", 0)


class Client:
    """One browser: a cookie jar, a new connection per request (as nginx opens upstream)."""

    def __init__(self, port: int, stats: Stats | None = None) -> None:
        self.port, self.stats = port, stats
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, kind: str | None = None
                ) -> tuple[int | None, dict, str]:
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Sec-Fetch-Site": "same-origin", "Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read().decode("utf-8", "replace")
            connection.close()
        except (OSError, http.client.HTTPException) as error:
            if self.stats and kind:
                self.stats.record(kind, time.perf_counter() - start, None, type(error).__name__)
            time.sleep(0.1)  # a browser does not retry a refused connection in a tight loop
            return None, {}, ""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, content = value.split(";", 1)[0].partition("=")
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = content
        if self.stats and kind:
            self.stats.record(kind, time.perf_counter() - start, response.status)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def sign_in(self, email: str) -> None:
        _status, _headers, html = self.request("GET", "/account/sign-in")
        form = form_on(html, "/account/sign-in")
        status, _headers, _html = self.request("POST", "/account/sign-in",
                                               {**form, "email": email, "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"signing in as {email} answered {status}")


def percentiles(samples: list[float]) -> dict[str, float]:
    if not samples:
        return {"count": 0}
    ordered = sorted(samples)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 1)  # noqa: E731
    return {"count": len(ordered), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "max_ms": round(ordered[-1] * 1000, 1)}
