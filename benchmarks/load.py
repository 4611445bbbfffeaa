"""Load the catalogue served by gunicorn with readers and writers, check nothing acknowledged was lost, and compare
its requests per second with a bare Flask + Jinja page served the same way in the same run.

Usage: .venv/bin/python benchmarks/load.py [--seconds 60] [--clients 32] [--database-url URL] [--cpu]

Each run builds its own data directory (and, given ``--database-url``, its own PostgreSQL database, dropped after),
loads the demo, starts ``gunicorn -c gunicorn.conf.py wsgi:app`` on a free loopback port, and runs ``--clients``
threads for ``--seconds``: readers (home, the catalogue with queries and filters, tool pages, guidance) and
writers (members saving assessments, adding to their shortlist, sending contact requests and enrolling in
trainings; curators saving edits of draft entries), every one signed in through the forms. Then it checks that every
write the server acknowledged is stored and that ``flask search check`` passes, serves ``benchmarks/bare_page.py``
with the same gunicorn settings, loads it with the same number of clients, and prints one JSON object.

``--cpu`` also measures the server's CPU time per page kind: a fixed number of sequential requests of one kind, and
the workers' user + system time (``/proc/<pid>/stat``) before and after. The client runs on the same machine:
requests/s are comparable only within one run (``ratio``).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.serving import form_on, forms_on  # noqa: E402 - one form reader for the load and fault suites

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "demo-catalogue-2026"  # the demo accounts' (catalogue/admin/demo.py)
CURATORS = ("curator@demo.example", "reviewer@demo.example")
QUERIES = ("hash matching", "grooming chat", "victim identification", "age estimation", "livestream",
           "image classification", "triage", "audio transcription", "dark web", "gratuit", "air-gapped")
TICKS = os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in its own process group, logging to a file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, app: str, env: dict[str, str], config: Path, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.process = subprocess.Popen([str(BIN / "gunicorn"), "-c", str(config), app], cwd=ROOT, env=env,
                                        stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start; see {log}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200 and len(self.workers()) >= 1:
                    time.sleep(0.5)  # let every worker finish booting
                    return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 60 s; see {log}")

    def workers(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:
                    children.append(int(stat.parent.name))
        return children

    def cpu_seconds(self) -> dict[int, float]:
        """User + system time of each worker so far."""
        times = {}
        for pid in self.workers():
            with contextlib.suppress(OSError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                times[pid] = (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (14th, 15th of the line)
        return times

    def rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(35)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def bare_config(directory: Path) -> Path:
    """gunicorn.conf.py's settings without its post_fork hook, which opens the catalogue's database and index."""
    path = directory / "bare.gunicorn.conf.py"
    path.write_text("import runpy\n"
                    f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r}).items()"
                    " if not k.startswith('__') and k != 'post_fork'})\n")
    return path


# ---------------------------------------------------------------------------------------------------------- client


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int | None, note: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[str(status) if status else "connection error"] += 1
            if status is None or status >= 500:
                self.errors += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {status or note}")


class Client:
    """One browser: a keep-alive connection and a cookie jar."""

    #: Whether a connection serves several requests. Off by default: nginx, the usual reverse proxy in front of
    #: gunicorn, opens a new upstream connection for every request unless told otherwise.
    keep_alive = False

    def __init__(self, port: int, stats: Stats | None = None) -> None:
        self.port, self.stats = port, stats
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, form: dict | None = None, kind: str | None = None
                ) -> tuple[int | None, dict, str]:
        body = urllib.parse.urlencode(form, doseq=True) if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Sec-Fetch-Site": "same-origin", "Accept-Language": "en"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        for attempt in range(2):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read().decode("utf-8", "replace")
                if not self.keep_alive:
                    self.connection.close()
                    self.connection = None
                break
            except (OSError, http.client.HTTPException) as error:
                self.connection = None
                if attempt == 0 and isinstance(error, (http.client.RemoteDisconnected, ConnectionResetError,
                                                       BrokenPipeError)):
                    continue  # a keep-alive connection the server closed: a browser retries on a new one
                if self.stats and kind:
                    self.stats.record(kind, time.perf_counter() - start, None, type(error).__name__)
                return None, {}, ""
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _eq, content = pair.partition("=")
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.cookies.pop(key.strip(), None)
                else:
                    self.cookies[key.strip()] = content
        if self.stats and kind:
            self.stats.record(kind, time.perf_counter() - start, response.status)
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def sign_in(self, email: str, secret: str | None = None) -> None:
        _status, _headers, html = self.request("GET", "/account/sign-in")
        form = form_on(html, "/account/sign-in")
        status, headers, _html = self.request("POST", "/account/sign-in",
                                              {**form, "email": email, "password": PASSWORD})
        if status != 303:
            raise RuntimeError(f"signing in as {email} answered {status}")
        if "/sign-in/code" in headers.get("location", ""):
            _status, _headers, html = self.request("GET", "/account/sign-in/code")
            form = form_on(html, "/account/sign-in/code")
            status, _headers, _html = self.request("POST", "/account/sign-in/code",
                                                   {**form, "code": pyotp.TOTP(secret).now()})
            if status != 303:
                raise RuntimeError(f"{email}'s second factor answered {status}")


# ------------------------------------------------------------------------------------------------------- the load


@dataclass
class Catalogue:
    """What the clients pick from, read from the database before the load."""

    tools: list[str]
    guidance: list[str]
    trainings: list[str]
    filters: list[tuple[str, str]]  # (vocabulary, term) of published tools
    drafts: list[tuple[int, str]]  # (id, slug) of draft tools
    members: list[str]


@dataclass
class Acknowledged:
    """Writes the server acknowledged, to look for afterwards."""

    assessments: list[tuple[int, str]] = field(default_factory=list)  # (id, name)
    requests: list[int] = field(default_factory=list)
    enrolments: set[tuple[str, str]] = field(default_factory=set)  # (e-mail, training slug)
    edits: dict[int, str] = field(default_factory=dict)  # tool id → the summary last saved
    shortlists: list[tuple[Client, str, set[str]]] = field(default_factory=list)  # (client, e-mail, slugs)
    lock: threading.Lock = field(default_factory=threading.Lock)


def read_url(catalogue: Catalogue, rng: random.Random) -> tuple[str, str]:
    """A reader's next page: (kind, path)."""
    roll = rng.random()
    if roll < 0.15:
        return "home", "/"
    if roll < 0.55:
        args: list[tuple[str, str]] = []
        shape = rng.random()
        if shape < 0.3:
            args.append(("page", str(rng.randint(1, 5))))
        else:
            args.append(("q", rng.choice(QUERIES)))
        if shape > 0.6:
            args += rng.sample(catalogue.filters, 2)
        return "catalogue", "/tools/?" + urllib.parse.urlencode(args)
    if roll < 0.85:
        return "tool", f"/tools/{rng.choice(catalogue.tools)}"
    if roll < 0.92:
        return "guidance", "/guidance/"
    return "guidance", f"/guidance/{rng.choice(catalogue.guidance)}"


def reader(client: Client, catalogue: Catalogue, stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        kind, path = read_url(catalogue, rng)
        client.request("GET", path, kind=kind)


def member_writer(client: Client, email: str, catalogue: Catalogue, done: Acknowledged, stop: float,
                  rng: random.Random) -> None:
    shortlisted: set[str] = set()
    with done.lock:
        done.shortlists.append((client, email, shortlisted))
    for number in itertools.count():
        if time.monotonic() >= stop:
            return
        action = number % 4
        if action == 0:
            _s, _h, html = client.request("GET", "/assessment/", kind="write")
            with contextlib.suppress(LookupError):
                form = form_on(html, "/assessment/")
                name = f"load {email} {number}"
                status, headers, _ = client.request("POST", "/assessment/save", {**form, "name": name},
                                                    kind="write")
                found = re.search(r"/assessment/mine/(\d+)", headers.get("location", ""))
                if status == 303 and found:
                    with done.lock:
                        done.assessments.append((int(found.group(1)), name))
        elif action == 1:
            _s, _h, html = client.request("GET", f"/tools/?page={rng.randint(1, 5)}", kind="catalogue")
            cards = forms_on(html, "/shortlist/add")
            if cards:
                form = rng.choice(cards)
                status, _h, _ = client.request("POST", "/shortlist/add", form, kind="write")
                if status == 303:
                    shortlisted.add(form["tool"][0])
        elif action == 2:
            _s, _h, html = client.request("GET", "/contact/new", kind="write")
            with contextlib.suppress(LookupError):
                form = form_on(html, "/contact/new", choose=("agency",))
                form.update(subject=f"Load test {number}", message="Could you tell us how you deployed it?",
                            confirm="y")
                if not form.get("languages"):
                    form["languages"] = ["en"]
                status, headers, _ = client.request("POST", "/contact/new", form, kind="write")
                found = re.search(r"/contact/requests/(\d+)", headers.get("location", ""))
                if status == 303 and found:
                    with done.lock:
                        done.requests.append(int(found.group(1)))
        else:
            slug = rng.choice(catalogue.trainings)
            _s, _h, html = client.request("GET", f"/trainings/{slug}", kind="write")
            with contextlib.suppress(LookupError):
                form = form_on(html, f"/trainings/{slug}/enrol")
                status, _h, _ = client.request("POST", f"/trainings/{slug}/enrol", form, kind="write")
                if status == 303:
                    _s, _h, page = client.request("GET", f"/trainings/{slug}", kind="write")
                    if re.search(r"You are enrolled|waiting list|already", page):
                        with done.lock:
                            done.enrolments.add((email, slug))
        kind, path = read_url(catalogue, rng)  # members read between writes
        client.request("GET", path, kind=kind)


def curator(client: Client, drafts: list[tuple[int, str]], done: Acknowledged, stop: float) -> None:
    for number in itertools.count():
        if time.monotonic() >= stop or not drafts:
            return
        tool_id, _slug = drafts[number % len(drafts)]
        path = f"/curation/tools/{tool_id}/edit"
        _s, _h, html = client.request("GET", path, kind="curation")
        try:
            form = form_on(html, path)
        except LookupError:
            continue
        summary = re.sub(r" \[load \d+\]$", "", form["summary"][0].strip()) + f" [load {number}]"
        status, _h, _ = client.request("POST", path, {**form, "summary": summary}, kind="curation")
        if status == 303:
            with done.lock:
                done.edits[tool_id] = summary


def run_clients(port: int, count: int, seconds: float, catalogue: Catalogue, secrets: dict[str, str],
                writers: int, curators: int, stats: Stats, done: Acknowledged) -> float:
    """Sign every client in, then load for ``seconds``; returns the wall time of the load."""
    roles = ["curator"] * curators + ["writer"] * writers + ["reader"] * (count - curators - writers)
    members = itertools.cycle(catalogue.members)
    clients = []
    for index, role in enumerate(roles):
        client = Client(port)
        if role == "curator":
            email = CURATORS[index % len(CURATORS)] if index < len(CURATORS) else f"load-curator-{index}@demo.example"
            client.sign_in(email, secrets[email])
            mine = catalogue.drafts[index::curators]
        else:
            email = next(members)
            client.sign_in(email)
            mine = []
        client.stats = stats
        clients.append((client, role, email, mine))
    start = time.monotonic()
    stop = start + seconds
    threads = []
    for index, (client, role, email, mine) in enumerate(clients):
        rng = random.Random(index)
        if role == "curator":
            target, args = curator, (client, mine, done, stop)
        elif role == "writer":
            target, args = member_writer, (client, email, catalogue, done, stop, rng)
        else:
            target, args = reader, (client, catalogue, stop, rng)
        threads.append(threading.Thread(target=target, args=args, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return time.monotonic() - start


def bare_load(port: int, count: int, seconds: float, stats: Stats) -> float:
    stop = time.monotonic() + seconds

    def hammer():
        client = Client(port, stats)
        while time.monotonic() < stop:
            client.request("GET", "/", kind="bare")

    threads = [threading.Thread(target=hammer, daemon=True) for _ in range(count)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return time.monotonic() - start


def cpu_per_page(server: Server, client: Client, pages: dict[str, str], requests: int) -> dict[str, float]:
    """Milliseconds of worker CPU per request, from ``requests`` sequential requests of each page."""
    found = {}
    for kind, path in pages.items():
        for _ in range(5):
            client.request("GET", path)  # warm: templates compiled, caches filled, as in steady serving
        for _attempt in range(3):  # again if gunicorn recycled a worker meanwhile (max_requests)
            before = server.cpu_seconds()
            for _ in range(requests):
                status, _h, _ = client.request("GET", path)
                if status != 200:
                    raise RuntimeError(f"{path} answered {status} while measuring CPU")
            after = server.cpu_seconds()
            if after.keys() == before.keys():
                break
        found[kind] = round(sum(after[pid] - before[pid] for pid in before) * 1000 / requests, 2)
    return found


# ------------------------------------------------------------------------------------------------- data and checks


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, check=False)


SCALE_UP = """
import sys
from benchmarks.pages_and_interchange import scaled_demo
from catalogue import create_app
from catalogue.interchange.services import import_tools
with create_app().app_context():
    import_tools(scaled_demo(int(sys.argv[1])))
"""


def prepare(env: dict[str, str], database_url: str, curators: int, scale: int = 1) -> dict[str, str]:
    """The demo (its tools copied ``scale`` times) in a fresh database and index, and a second factor for the
    curators; returns their TOTP secrets."""
    for command in (("db", "upgrade"), ("catalogue", "vocabularies"), ("catalogue", "demo"), ("scale",),
                    ("search", "rebuild")):
        if command == ("scale",):
            if scale <= 1:
                continue
            result = subprocess.run([sys.executable, "-c", SCALE_UP, str(scale)], cwd=ROOT, env=env,
                                    capture_output=True, text=True, check=False)
        else:
            result = flask(env, *command)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    emails = list(CURATORS[:curators]) + [f"load-curator-{i}@demo.example" for i in range(len(CURATORS), curators)]
    for email in emails[len(CURATORS):]:
        flask(env, "users", "create", email, "--role", "curator", stdin=PASSWORD + "\n")
    secrets = {email: pyotp.random_base32() for email in emails}
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for email, secret in secrets.items():
            connection.execute(text("UPDATE users SET mfa_secret = :secret, mfa_enabled_at = CURRENT_TIMESTAMP "
                                    "WHERE email = :email"), {"secret": secret, "email": email})
    engine.dispose()
    return secrets


def read_catalogue(database_url: str) -> Catalogue:
    engine = create_engine(database_url)
    with engine.connect() as c:
        rows = lambda sql: [tuple(r) for r in c.execute(text(sql))]  # noqa: E731
        catalogue = Catalogue(
            tools=[r[0] for r in rows("SELECT slug FROM tools WHERE status = 'published' ORDER BY slug")],
            guidance=[r[0] for r in rows("SELECT slug FROM guidance_pages WHERE status = 'published' ORDER BY slug")],
            trainings=[r[0] for r in rows("SELECT slug FROM trainings WHERE status = 'published' ORDER BY slug")],
            filters=rows("SELECT DISTINCT v.slug, t.slug FROM terms t JOIN vocabularies v ON v.id = t.vocabulary_id "
                         "JOIN tool_terms tt ON tt.term_id = t.id JOIN tools ON tools.id = tt.tool_id "
                         "WHERE tools.status = 'published' AND v.slug IN ('purposes', 'deployment', 'data_types', "
                         "'cost_model') ORDER BY 1, 2"),
            drafts=rows("SELECT id, slug FROM tools WHERE status = 'draft' ORDER BY id"),
            members=[r[0] for r in rows("SELECT u.email FROM users u WHERE u.role = 'member' AND u.active "
                                        "AND u.agency_id IS NOT NULL ORDER BY u.email")],
        )
    engine.dispose()
    return catalogue


def lost_writes(database_url: str, done: Acknowledged) -> dict[str, int]:
    """Acknowledged writes not found in the database (or, for shortlists, in the member's session)."""
    lost: Counter = Counter()
    engine = create_engine(database_url)
    with engine.connect() as c:
        names = dict(c.execute(text("SELECT id, name FROM assessments")).all())
        lost["assessments"] = sum(1 for id_, name in done.assessments if names.get(id_) != name)
        requests = {r[0] for r in c.execute(text("SELECT id FROM contact_requests"))}
        lost["contact_requests"] = sum(1 for id_ in done.requests if id_ not in requests)
        enrolled = {tuple(r) for r in c.execute(text(
            "SELECT u.email, t.slug FROM enrolments e JOIN users u ON u.id = e.user_id "
            "JOIN trainings t ON t.id = e.training_id WHERE e.status IN ('enrolled', 'waitlisted')"))}
        lost["enrolments"] = len(done.enrolments - enrolled)
        summaries = dict(c.execute(text("SELECT id, summary FROM tools")).all())
        lost["edits"] = sum(1 for id_, summary in done.edits.items() if summaries.get(id_) != summary)
        try:  # members' shortlists kept in their account
            kept = {tuple(r) for r in c.execute(text(
                "SELECT u.email, t.slug FROM shortlist_items i JOIN shortlists s ON s.id = i.shortlist_id "
                "JOIN users u ON u.id = s.owner_id JOIN tools t ON t.id = i.tool_id"))}
        except Exception:  # an older catalogue: the shortlist lives in the session, its page lists it
            kept = None
    engine.dispose()
    for client, email, slugs in done.shortlists:
        if kept is not None:
            lost["shortlist_entries"] += sum(1 for slug in slugs if (email, slug) not in kept)
        else:
            _s, _h, html = client.request("GET", "/shortlist/")
            lost["shortlist_entries"] += sum(1 for slug in slugs if f"/tools/{slug}\"" not in html)
    return dict(lost)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000, 1)  # noqa: E731
    return {"count": len(ordered), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99)}


@contextlib.contextmanager
def own_database(url: str | None, directory: Path):
    """The SQLite file in ``directory``, or a new PostgreSQL database on the server ``url`` names, dropped after."""
    if url is None:
        yield f"sqlite:///{directory / 'catalogue.sqlite3'}"
        return
    name = f"catalogue_load_{os.getpid()}"
    admin = create_engine(make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the catalogue's load (default 60)")
    parser.add_argument("--bare-seconds", type=float, help="length of the bare page's load (default: --seconds)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--writers", type=int, help="members among them who write (default: a fifth)")
    parser.add_argument("--curators", type=int, default=2, help="curators among them saving edits (default 2)")
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's)")
    parser.add_argument("--scale", type=int, default=1,
                        help="copies of the demo's tools (80 gives about 10,000 tools; the rebuild takes minutes)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make the run's own database on")
    parser.add_argument("--cpu", action="store_true", help="also measure server CPU per page kind")
    parser.add_argument("--cpu-requests", type=int, default=100, help="sequential requests per kind for --cpu")
    parser.add_argument("--keep-alive", action="store_true",
                        help="reuse each client's connection (default: a new one per request, as nginx does)")
    parser.add_argument("--keep", action="store_true", help="keep the data directory and print where it is")
    args = parser.parse_args()
    Client.keep_alive = args.keep_alive
    writers = args.clients // 5 if args.writers is None else args.writers
    curators = min(args.curators, max(0, args.clients - writers))
    directory = Path(tempfile.mkdtemp(prefix="catalogue-load-"))
    try:
        with own_database(args.database_url, directory) as database_url:
            result = measure(args, directory, database_url, writers, curators)
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(directory, ignore_errors=True)
    if args.keep:
        result["data_directory"] = str(directory)
    print(json.dumps(result, indent=2))


def measure(args, directory: Path, database_url: str, writers: int, curators: int) -> dict:
    env = {**os.environ, "CATALOGUE_DATA_DIR": str(directory), "DATABASE_URL": database_url,
           "CATALOGUE_ENV": "development", "CATALOGUE_PUBLIC_BROWSING": "1",
           "RATELIMIT_SIGN_IN": "100000 per minute", "RATELIMIT_ACCOUNT_FORMS": "100000 per hour",
           "CATALOGUE_CONTACT_REQUESTS_PER_DAY": "100000", "CATALOGUE_CONTACT_MESSAGES_PER_HOUR": "100000"}
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    secrets = prepare(env, database_url, curators, args.scale)
    catalogue = read_catalogue(database_url)
    stats, done = Stats(), Acknowledged()
    server = Server("wsgi:app", env, ROOT / "gunicorn.conf.py", directory / "app.log")
    try:
        wall = run_clients(server.port, args.clients, args.seconds, catalogue, secrets, writers, curators, stats,
                           done)
        rss = server.rss_mb()
        lost = lost_writes(database_url, done)
        cpu = {}
        if args.cpu:
            member = Client(server.port)
            member.sign_in(catalogue.members[0])
            query = urllib.parse.urlencode([("q", "image classification"), *catalogue.filters[:1],
                                            *[f for f in catalogue.filters if f[0] != catalogue.filters[0][0]][:1]])
            pages = {"home": "/", "catalogue": "/tools/", "catalogue, query and 2 filters": f"/tools/?{query}",
                     "tool": f"/tools/{catalogue.tools[0]}", "guidance": f"/guidance/{catalogue.guidance[0]}"}
            cpu = {"member": cpu_per_page(server, member, pages, args.cpu_requests),
                   "anonymous": cpu_per_page(server, Client(server.port), pages, args.cpu_requests)}
        workers = len(server.workers())
    finally:
        server.stop()
    check = flask(env, "search", "check")

    bare_stats = Stats()
    bare = Server("benchmarks.bare_page:app", env, bare_config(directory), directory / "bare.log")
    try:
        bare_wall = bare_load(bare.port, args.clients, args.bare_seconds or args.seconds, bare_stats)
        bare_cpu = cpu_per_page(bare, Client(bare.port), {"bare": "/"}, args.cpu_requests) if args.cpu else {}
    finally:
        bare.stop()

    app_requests = sum(len(v) for v in stats.latencies.values())
    reads = sum(len(stats.latencies[k]) for k in ("home", "catalogue", "tool", "guidance"))
    bare_requests = len(bare_stats.latencies["bare"])
    app_rate, bare_rate = app_requests / wall, bare_requests / bare_wall
    every_read = [s for k in ("home", "catalogue", "tool", "guidance") for s in stats.latencies[k]]
    return {
        "database": "postgresql" if database_url.startswith("postgresql") else "sqlite",
        "seconds": round(wall, 1), "clients": args.clients, "keep_alive": args.keep_alive, "writers": writers,
        "curators": curators, "workers": workers, "tools": len(catalogue.tools),
        "requests": app_requests, "requests_per_second": round(app_rate, 1),
        "reads_per_second": round(reads / wall, 1),
        "bare_requests_per_second": round(bare_rate, 1),
        "ratio": round(app_rate / bare_rate, 3) if bare_rate else None,
        "errors": stats.errors, "error_samples": stats.error_samples,
        "statuses": dict(stats.statuses),
        "reads": percentiles(every_read) if every_read else {},
        "pages": {kind: percentiles(samples) for kind, samples in sorted(stats.latencies.items()) if samples},
        "bare": percentiles(bare_stats.latencies["bare"]) if bare_requests else {},
        "bare_errors": bare_stats.errors,
        "acknowledged_writes": {"assessments": len(done.assessments), "contact_requests": len(done.requests),
                                "enrolments": len(done.enrolments), "edits": len(done.edits),
                                "shortlist_entries": sum(len(s) for _c, _e, s in done.shortlists)},
        "lost_writes": sum(lost.values()), "lost_by_kind": lost,
        "search_check": "passed" if check.returncode == 0 else (check.stdout + check.stderr).strip()[-500:],
        "worker_rss_mb": rss,
        **({"cpu_ms_per_request": {**cpu, "bare": bare_cpu.get("bare")}} if args.cpu else {}),
    }


if __name__ == "__main__":
    main()
