"""Faults under load: the catalogue served by gunicorn must keep answering (degraded is fine, a 500 never), heal
without a person and lose no acknowledged write.

Usage: .venv/bin/python benchmarks/faults.py [--seconds 20] [--only NAME,…] [--database-url URL
       [--pg-stop-cmd CMD --pg-start-cmd CMD]] [--rounds 30]

Builds its own data directory (and, given ``--database-url``, its own PostgreSQL database on that server, dropped
after), loads the demo, serves ``gunicorn -c gunicorn.conf.py wsgi:app`` (2 workers) on a free loopback port, and
runs each fault for ``--seconds`` under load: readers (home, catalogue searches, tool pages), members saving
assessments through the forms, and an editor on the same host changing published tools' summaries (through the
models, as any process of the host does; every change goes through the outbox to the index). The faults:

- ``worker_killed``: kill -9 one worker mid-load; the master starts another.
- ``master_killed``: kill -9 the master mid-load (its workers stop); started again at once, as systemd's
  ``Restart=`` would. Connection errors while it is down are counted, 500s must be none.
- ``worker_killed_during_rebuild``, ``master_killed_during_rebuild``: ``flask search rebuild`` runs, and a worker
  (or the master, started again at once) is killed while it does.
- ``rebuild_killed``: kill -9 ``flask search rebuild`` half-way; the half-built directory must go at the next start.
- ``index_deleted``: the index directory is deleted while serving.
- ``index_corrupted``: every segment file is truncated to a third while serving (memory-mapped, this was SIGBUS).
- ``postgres_stopped`` (only with ``--database-url`` and both commands): PostgreSQL stopped for 10 s, then started.
- ``two_hosts`` (only with ``--database-url``): a second host with its own index on the same database; ``--rounds``
  edits on the first, each timed until a search on the second finds it.

After each fault: ``heal_s`` is the time from the fault to ``/readyz`` answering 200 with search no longer degraded,
``lost_writes`` counts acknowledged assessments and edits missing from the database, ``search_check`` is
``flask search check`` after healing, ``workers_died`` counts workers that died other than the one killed. Prints
one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import shlex
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from benchmarks.serving import (  # noqa: E402
    BIN,
    ROOT,
    Client,
    Server,
    Stats,
    environment,
    flask,
    form_on,
    own_database,
    percentiles,
    prepare_demo,
)

QUERIES = ("hash matching", "grooming chat", "victim identification", "age estimation", "triage", "dark web")
FAULTS = ("worker_killed", "master_killed", "worker_killed_during_rebuild", "master_killed_during_rebuild",
          "rebuild_killed", "index_deleted", "index_corrupted", "postgres_stopped", "two_hosts")
DEGRADED = "Search is being rebuilt"


@dataclass
class Acknowledged:
    assessments: list[tuple[int, str]] = field(default_factory=list)
    edits: dict[int, str] = field(default_factory=dict)  # tool id → the summary last committed
    searched_after_save: int = 0  # searches made right after an edit, answered from the index
    missed_after_save: int = 0  # … that did not find it
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class Host:
    """One host of the catalogue: its data directory, environment, server, and an app in this process (the editor)."""

    name: str
    data_dir: Path
    env: dict
    server: Server | None = None
    app: object = None

    def open_app(self, database_url: str):
        from catalogue import create_app

        self.app = create_app({"CATALOGUE_DATA_DIR": self.data_dir, "SQLALCHEMY_DATABASE_URI":
                               database_url.replace("postgresql://", "postgresql+psycopg://", 1)})
        return self.app


def reader(client: Client, tools: list[str], stop: float, rng: random.Random) -> None:
    while time.monotonic() < stop:
        roll = rng.random()
        if roll < 0.2:
            client.request("GET", "/", kind="home")
        elif roll < 0.6:
            query = rng.choice(QUERIES).replace(" ", "+")
            client.request("GET", f"/tools/?q={query}", kind="search")
        else:
            client.request("GET", f"/tools/{rng.choice(tools)}", kind="tool")


def member(client: Client, email: str, done: Acknowledged, stop: float, rng: random.Random) -> None:
    number = 0
    while time.monotonic() < stop:
        number += 1
        _s, _h, html = client.request("GET", "/assessment/", kind="write")
        try:
            form = form_on(html, "/assessment/")
        except LookupError:
            time.sleep(0.2)
            continue
        name = f"fault {email} {number} {rng.randrange(10**6)}"
        status, headers, _ = client.request("POST", "/assessment/save", {**form, "name": name}, kind="write")
        found = re.search(r"/assessment/mine/(\d+)", headers.get("location", ""))
        if status == 303 and found:
            with done.lock:
                done.assessments.append((int(found.group(1)), name))


def marker(number: int) -> str:
    return "qz" + "".join(random.Random(number).choices(string.ascii_lowercase, k=8))


def editor(host: Host, tool_ids: list[int], done: Acknowledged, stop: float, errors: list[str],
           probe: Client) -> None:
    """Changes published tools' summaries as any process of the host does, each with a new word, and searches for
    it on the server at once (read-your-write: the first search after the commit must find it, whichever worker
    answers). A commit refused while the database is down is not acknowledged."""
    from catalogue.extensions import db
    from catalogue.models import Tool

    number = 0
    with host.app.app_context():
        while time.monotonic() < stop:
            number += 1
            tool_id = tool_ids[number % len(tool_ids)]
            try:
                tool = db.session.get(Tool, tool_id)
                word, slug = marker(number), tool.slug
                summary = re.sub(r" qz[a-z]{8}$", "", tool.summary)[:280] + f" {word}"
                tool.summary = summary
                db.session.commit()
                with done.lock:
                    done.edits[tool_id] = summary
            except Exception as error:  # noqa: BLE001 - the database may be down on purpose
                db.session.rollback()
                if len(errors) < 5:
                    errors.append(type(error).__name__)
                time.sleep(0.5)
                continue
            status, _h, html = probe.request("GET", f"/tools/?q={word}")
            if status == 200 and DEGRADED not in html:
                done.searched_after_save += 1
                done.missed_after_save += f"/tools/{slug}\"" not in html
            time.sleep(0.05)
        db.session.remove()


def lost_writes(database_url: str, done: Acknowledged) -> dict[str, int]:
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as c:
        names = dict(c.execute(text("SELECT id, name FROM assessments")).all())
        summaries = dict(c.execute(text("SELECT id, summary FROM tools")).all())
    engine.dispose()
    return {"assessments": sum(1 for id_, name in done.assessments if names.get(id_) != name),
            "edits": sum(1 for id_, summary in done.edits.items() if summaries.get(id_) != summary)}


def healed(server: Server, since: float, timeout: float = 180) -> float | None:
    """Seconds from ``since`` until /readyz answers 200 and a search is no longer degraded (None: not within
    ``timeout``)."""
    probe = Client(server.port)
    while time.monotonic() - since < timeout:
        if server.healthy("/readyz"):
            status, _h, html = probe.request("GET", "/tools/?q=triage")
            if status == 200 and DEGRADED not in html:
                return round(time.monotonic() - since, 2)
        time.sleep(0.2)
    return None


def search_check(env: dict) -> str:
    result = flask(env, "search", "check")
    return "ok" if result.returncode == 0 else (result.stderr or result.stdout).strip().splitlines()[-1]


def run_fault(name: str, host: Host, database_url: str, members: list[str], tools: list[str], tool_ids: list[int],
              seconds: float, args) -> dict:
    server = host.server
    stats, done, editor_errors = Stats(), Acknowledged(), []
    clients = []
    for email in members:
        client = Client(server.port, stats)
        client.sign_in(email)
        clients.append((client, email))
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=reader, args=(Client(server.port, stats), tools, stop, random.Random(n)))
               for n in range(4)]
    threads += [threading.Thread(target=member, args=(c, e, done, stop, random.Random(e))) for c, e in clients]
    threads.append(threading.Thread(target=editor, args=(host, tool_ids, done, stop, editor_errors,
                                                         Client(server.port))))
    for thread in threads:
        thread.start()
    workers_before = set(server.workers())
    killed: set[int] = set()
    notes: dict = {}
    time.sleep(seconds / 3)
    fault_at = time.monotonic()
    search_dir = host.data_dir / "search"
    if name == "worker_killed":
        killed.add(server.kill_worker())
    elif name == "master_killed":
        killed.update(server.workers())
        server.kill_master()
        notes["restart_s"] = round(server.start(), 2)
        notes["down_s"] = round(time.monotonic() - fault_at, 2)
    elif name in ("worker_killed_during_rebuild", "master_killed_during_rebuild", "rebuild_killed"):
        before = {p.name for p in search_dir.glob("index-*")}
        rebuild = subprocess.Popen([str(BIN / "flask"), "--app", "wsgi", "search", "rebuild"], cwd=ROOT,
                                   env=host.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not ({p.name for p in search_dir.glob("index-*")} - before):
            time.sleep(0.02)
        if name == "rebuild_killed":
            time.sleep(0.3)
            rebuild.kill()
            rebuild.wait()
            notes["leftovers_after_kill"] = len(list(search_dir.glob("index-*"))) - 1
        elif name == "master_killed_during_rebuild":
            killed.update(server.workers())
            server.kill_master()
            notes["restart_s"] = round(server.start(), 2)
            notes["rebuild_exit"] = rebuild.wait(timeout=300)
        else:
            killed.add(server.kill_worker())
            notes["rebuild_exit"] = rebuild.wait(timeout=300)
        if name != "rebuild_killed":
            notes["rebuild_s"] = round(time.monotonic() - fault_at, 2)  # heal_s counts from the rebuild's start
    elif name == "index_deleted":
        shutil.rmtree(search_dir)
    elif name == "index_corrupted":
        current = search_dir / (search_dir / "CURRENT").read_text().strip()
        for path in current.glob("*.seg"):
            with open(path, "r+b") as handle:
                handle.truncate(path.stat().st_size // 3)
    elif name == "postgres_stopped":
        subprocess.run(shlex.split(args.pg_stop_cmd), check=True)
        time.sleep(10)
        subprocess.run(shlex.split(args.pg_start_cmd), check=True)
        notes["stopped_s"] = round(time.monotonic() - fault_at, 2)
    heal: list[float | None] = []  # watched while the load goes on
    watcher = threading.Thread(target=lambda: heal.append(healed(server, fault_at)))
    watcher.start()
    for thread in threads:
        thread.join()
    watcher.join()
    heal = heal[0]
    workers_died = len((workers_before - set(server.workers())) - killed) if "master" not in name else 0
    if name == "rebuild_killed":
        server.stop()  # a deploy or reboot: the next start deletes what the killed rebuild left
        server.start()
        notes["leftovers_after_next_start"] = len(list(search_dir.glob("index-*"))) - 1
    if name == "index_corrupted":
        notes["workers_replaced"] = len(workers_before - set(server.workers()))
    requests = sum(stats.statuses.values())
    return {
        "requests": requests, "errors": stats.errors, "http_500": stats.server_errors,
        "statuses": dict(stats.statuses), "error_samples": stats.samples,
        "acknowledged": {"assessments": len(done.assessments), "edits": len(done.edits)},
        "read_your_write": {"searches": done.searched_after_save, "missed": done.missed_after_save},
        "lost_writes": sum(lost_writes(database_url, done).values()), "heal_s": heal,  # from the fault's start
        "search_check": search_check(host.env), "workers_died": workers_died,
        "editor_refused": editor_errors, **notes,
        "latency": {kind: percentiles(values) for kind, values in stats.latencies.items()},
    }


def two_hosts(first: Host, second: Host, tool_ids: list[int], rounds: int) -> dict:
    """Edit on the first host, time until a search on the second finds the edit."""
    from catalogue.extensions import db
    from catalogue.models import Tool

    delays, missed, polls, first_search = [], 0, [], []
    probe = Client(second.server.port)
    with first.app.app_context():
        for number in range(rounds):
            word = marker(10**6 + number)
            tool = db.session.get(Tool, tool_ids[number % len(tool_ids)])
            slug = tool.slug
            tool.summary = re.sub(r" qz[a-z]{8}$", "", tool.summary)[:280] + f" {word}"
            db.session.commit()
            saved = time.monotonic()
            tries = 0
            while time.monotonic() - saved < 30:
                tries += 1
                asked = time.monotonic()
                _s, _h, html = probe.request("GET", f"/tools/?q={word}")
                if tries == 1:
                    first_search.append(time.monotonic() - asked)
                if f"/tools/{slug}\"" in html:
                    delays.append(time.monotonic() - saved)
                    break
                time.sleep(0.02)
            else:
                missed += 1
            polls.append(tries)
            time.sleep(0.2)
        db.session.remove()
    return {"rounds": rounds, "not_found_within_30_s": missed, "errors": 0, "lost_writes": missed,
            "searchable_on_second_host": percentiles(delays),
            "found_by_the_first_search": sum(1 for n in polls if n == 1),
            "first_search_after_the_edit": percentiles(first_search)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="load per fault (default 20)")
    parser.add_argument("--members", type=int, default=3, help="members saving assessments (default 3)")
    parser.add_argument("--only", help="comma-separated faults to run (default: all that apply)")
    parser.add_argument("--database-url", help="a PostgreSQL server to make the run's own database on")
    parser.add_argument("--pg-stop-cmd", help="stops that PostgreSQL server, e.g. 'pg_ctlcluster 15 main stop'")
    parser.add_argument("--pg-start-cmd", help="starts it again, e.g. 'pg_ctlcluster 15 main start'")
    parser.add_argument("--rounds", type=int, default=30, help="edits timed across two hosts (default 30)")
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(FAULTS)
    unknown = set(chosen) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults: {', '.join(sorted(unknown))}")
    skipped = {}
    if not args.database_url:
        skipped.update({f: "needs --database-url (PostgreSQL)" for f in ("postgres_stopped", "two_hosts")})
    elif not (args.pg_stop_cmd and args.pg_start_cmd):
        skipped["postgres_stopped"] = "needs --pg-stop-cmd and --pg-start-cmd"
    for fault, reason in skipped.items():
        if fault in chosen:
            print(f"skipping {fault}: {reason}", file=sys.stderr)
    chosen = [f for f in chosen if f not in skipped]

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with tempfile.TemporaryDirectory(prefix="catalogue-faults-") as tmp, \
            own_database(args.database_url, Path(tmp), f"catalogue_faults_{random.randrange(10**6)}") as url:
        first = Host("first", Path(tmp) / "first", {})
        first.data_dir.mkdir()
        if url.startswith("sqlite"):
            url = f"sqlite:///{first.data_dir / 'catalogue.sqlite3'}"
        first.env = environment(first.data_dir, url)
        print("preparing the demo…", file=sys.stderr)
        prepare_demo(first.env)
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as c:
            tools = [r[0] for r in c.execute(text("SELECT slug FROM tools WHERE status = 'published'"))]
            tool_ids = [r[0] for r in c.execute(text("SELECT id FROM tools WHERE status = 'published' ORDER BY id"))]
            members = [r[0] for r in c.execute(text(
                "SELECT email FROM users WHERE role = 'member' AND active AND agency_id IS NOT NULL ORDER BY email"))]
        engine.dispose()
        first.open_app(url)
        hosts = [first]
        results: dict = {"date": started, "database": "postgresql" if args.database_url else "sqlite",
                         "seconds_per_fault": args.seconds, "skipped": skipped, "faults": {}}
        try:
            first.server = Server(first.env, first.data_dir / "gunicorn.log")
            for name in chosen:
                print(f"fault: {name}…", file=sys.stderr)
                if name == "two_hosts":
                    second = Host("second", Path(tmp) / "second", {})
                    second.data_dir.mkdir()
                    second.env = environment(second.data_dir, url)
                    assert flask(second.env, "search", "rebuild").returncode == 0
                    second.server = Server(second.env, second.data_dir / "gunicorn.log")
                    hosts.append(second)
                    results["faults"][name] = two_hosts(first, second, tool_ids[:40], args.rounds)
                else:
                    results["faults"][name] = run_fault(name, first, url, members[:args.members], tools,
                                                        tool_ids[:40], args.seconds, args)
                print(json.dumps({name: {k: v for k, v in results["faults"][name].items() if k != "latency"}}),
                      file=sys.stderr)
        finally:
            for host in hosts:
                if host.server:
                    host.server.stop()
            if first.app is not None:
                from catalogue.extensions import db

                with first.app.app_context(), contextlib.suppress(Exception):
                    db.engine.dispose()
        faults = results["faults"].values()
        results["total"] = {"errors": sum(f["errors"] for f in faults),
                            "http_500": sum(f.get("http_500", 0) for f in faults),
                            "lost_writes": sum(f["lost_writes"] for f in faults)}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
