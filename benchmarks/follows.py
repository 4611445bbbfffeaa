"""Time the followed-tools part of ``flask alerts send`` with many members following many tools.

Usage: .venv/bin/python benchmarks/follows.py [--members 5000] [--follows 10] [--tools 1000] [--changed 200] [--json]

A temporary SQLite catalogue of ``--tools`` published synthetic tools (as ``benchmarks/alerts.py``) gets
``--members`` members who each follow ``--follows`` tools drawn at random; a fifth want e-mail at once, a fifth a
daily digest. Then ``--changed`` tools get an approved change (a new summary) and a quarter of those a new agency
using them, and the followed-tools run (``follow_events.run``) goes twice: the first finds and sends, the second must
add and send nothing. Prints the seconds of each run, the changes stored and the e-mails.
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

from sqlalchemy import func, insert, select  # noqa: E402

from benchmarks.search import load, synthetic_tools  # noqa: E402
from catalogue import create_app  # noqa: E402
from catalogue.curation import revisions  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.models import Agency, Tool, ToolUsage, User  # noqa: E402
from catalogue.models.base import utcnow  # noqa: E402
from catalogue.models.workspace import Follow, FollowEvent, FollowSetting  # noqa: E402
from catalogue.taxonomy import sync_vocabularies  # noqa: E402
from catalogue.workspace import follow_events  # noqa: E402


def fill(members: int, per_member: int, tool_ids: list[int], seed: int = 11) -> None:
    rng = random.Random(seed)
    earlier = utcnow() - timedelta(days=2)
    db.session.execute(insert(User), [
        {"email": f"member{n}@bench.example", "name": f"Member {n}", "role": "member", "password_hash": "x",
         "active": True, "created_at": earlier, "session_version": 1} for n in range(members)])
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    db.session.execute(insert(Follow), [{"user_id": user_id, "tool_id": tool_id, "created_at": earlier}
                                        for user_id in ids for tool_id in rng.sample(tool_ids, per_member)])
    choices = ("immediate", "daily", "off", "off", "off")
    db.session.execute(insert(FollowSetting), [{"user_id": user_id, "email": rng.choice(choices)} for user_id in ids])
    db.session.commit()


def change(tool_ids: list[int], seed: int = 12) -> None:
    """An approved change to each tool (its ``approved`` revision with a new summary); a new agency uses a quarter."""
    for number, tool_id in enumerate(tool_ids):
        tool = db.session.get(Tool, tool_id)
        revisions.record_revision(tool, "verified", None, "benchmark")  # as readers saw it before the change
        tool.summary = f"{tool.summary[:250]} (changed)"
        revisions.record_revision(tool, "approved", None, "benchmark")
        if number % 4 == 0:
            agency = Agency(slug=f"agency-{number}", name=f"Agency {number}", country="FR", kind="police")
            db.session.add(ToolUsage(agency=agency, tool=tool))
    db.session.commit()


def run(args) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            load(synthetic_tools(args.tools))
            tool_ids = list(db.session.scalars(select(Tool.id).where(Tool.status == "published")))
            fill(args.members, min(args.follows, len(tool_ids)), tool_ids)
            follow_events.run()  # the first run of all: it sets where the next one starts
            change(random.Random(13).sample(tool_ids, min(args.changed, len(tool_ids))))
            timings, reports = [], []
            for _ in range(2):
                started = time.perf_counter()
                reports.append(follow_events.run())
                timings.append(time.perf_counter() - started)
            stored = db.session.scalar(select(func.count(FollowEvent.id)))
        first, second = reports
        return {
            "members": args.members, "follows": args.members * args.follows, "tools": len(tool_ids),
            "changed_tools": args.changed, "first_run_s": round(timings[0], 2), "changes_told": first.events,
            "members_told": len(first.members), "emails": first.emails, "second_run_s": round(timings[1], 2),
            "second_run_changes": second.events, "second_run_emails": second.emails, "changes_stored": stored,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--follows", type=int, default=10, help="tools each member follows (default 10)")
    parser.add_argument("--tools", type=int, default=1000, help="published tools (default 1,000)")
    parser.add_argument("--changed", type=int, default=200, help="tools with an approved change (default 200)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = run(args)
    print(json.dumps(figures) if args.json else "\n".join(f"{key}: {value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
