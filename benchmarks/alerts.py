"""Time ``flask alerts send`` with many members and saved searches.

Usage: .venv/bin/python benchmarks/alerts.py [--members 5000] [--searches 3] [--tools 1000] [--new 200] [--json]

A temporary SQLite catalogue of ``--tools`` published synthetic tools (the demo entries recombined, as
``benchmarks/search.py`` does) gets ``--members`` members with ``--searches`` saved searches each, drawn from the
search benchmark's queries (words and filters, and the words alone, and the filters alone: 36 distinct searches, as
members of one field save much the same searches). A fifth of the members want e-mail at once, a fifth a daily
digest. Then ``--new`` tools are published and the alerts run twice: the first run finds and sends, the second must
add and send nothing. Prints the seconds of each run, the alerts and e-mails, and the distinct searches run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select, update  # noqa: E402

from benchmarks.search import QUERIES, load, synthetic_tools  # noqa: E402
from catalogue import create_app  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.models import Alert, SavedSearch, Tool, User  # noqa: E402
from catalogue.models.base import utcnow  # noqa: E402
from catalogue.search import store  # noqa: E402
from catalogue.taxonomy import sync_vocabularies  # noqa: E402
from catalogue.workspace import alerts  # noqa: E402


def saved_queries() -> list[list[list[str]]]:
    """Each benchmark query three ways: words and filters, the words alone, the filters alone."""
    found = []
    for text, filters in QUERIES:
        pairs = [[key, value] for key, values in filters.items() for value in values]
        found += [[["q", text], *pairs], [["q", text]], pairs]
    return found


def fill(members: int, per_member: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    queries = saved_queries()
    earlier = utcnow() - timedelta(days=2)
    db.session.execute(insert(User), [
        {"email": f"member{n}@bench.example", "name": f"Member {n}", "role": "member", "password_hash": "x",
         "active": True, "created_at": earlier, "session_version": 1} for n in range(members)])
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    choices = ("immediate",) + ("daily",) + ("off",) * 3
    db.session.execute(insert(SavedSearch), [
        {"owner_id": user_id, "name": f"Search {k}", "query": rng.choice(queries), "email": rng.choice(choices),
         "created_at": earlier, "seen_at": earlier} for user_id in ids for k in range(per_member)])
    db.session.commit()


def run(args) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            tools = synthetic_tools(args.tools + args.new)
            load(tools[:args.tools])
            db.session.execute(update(Tool).values(updated_at=utcnow() - timedelta(days=3)))  # published long ago
            db.session.commit()
            store.rebuild()
            fill(args.members, args.searches)
            alerts.run()  # the first run of all: nothing new yet, it sets where the next run starts
            load(tools[args.tools:])  # newly published
            store.rebuild()
            timings = []
            reports = []
            for _ in range(2):
                started = time.perf_counter()
                reports.append(alerts.run())
                timings.append(time.perf_counter() - started)
            stored = db.session.scalar(select(func.count(Alert.id)))
        first, second = reports
        return {
            "members": args.members, "saved_searches": args.members * args.searches, "tools": args.tools,
            "new_tools": args.new, "candidates": first.candidates, "distinct_searches_run": first.searches_run,
            "first_run_s": round(timings[0], 2), "alerts": first.alerts, "emails": first.emails,
            "members_alerted": len(first.members), "second_run_s": round(timings[1], 2),
            "second_run_alerts": second.alerts, "second_run_emails": second.emails, "alerts_stored": stored,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=3, help="saved searches per member (default 3)")
    parser.add_argument("--tools", type=int, default=1000, help="published tools before (default 1,000)")
    parser.add_argument("--new", type=int, default=200, help="tools published before the run (default 200)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args)
    print(json.dumps(figures) if args.json else "\n".join(f"{key}: {value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
