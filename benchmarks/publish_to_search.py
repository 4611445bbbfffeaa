"""How long from a reviewer pressing "Approve and publish" until the entry is found by search.

Usage: .venv/bin/python benchmarks/publish_to_search.py [--repeat R] [--json]

Loads the demo catalogue into a temporary SQLite database, then repeats: a curator creates and submits a draft, a
second curator approves it (the request applies the outbox to the index before it returns), and an anonymous
visitor searches for the entry's unique name. Reports the approve request, the first search, and the sum, which is
the delay a user sees. Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue import create_app  # noqa: E402
from catalogue.admin.services import create_user  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.taxonomy import sync_vocabularies  # noqa: E402
from tests.auth import session_for  # noqa: E402
from tests.factories import load_demo  # noqa: E402

WORDS = ["amber", "birch", "cobalt", "dune", "ember", "fjord", "garnet", "heron", "indigo", "juniper"]


def unique_name(number: int) -> str:
    return f"Benchmark {WORDS[number % 10]} {WORDS[(number // 10) % 10]} {WORDS[(number // 100) % 10]} tool"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="entries to publish (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    timings: dict[str, list[float]] = {"approve request": [], "first search": [], "approve to found": []}
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "CATALOGUE_PUBLIC_BROWSING": True})
        writer, reviewer, visitor = app.test_client(), app.test_client(), app.test_client()
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            load_demo()
            for client, email in ((writer, "writer@bench.example"), (reviewer, "reviewer@bench.example")):
                user = create_user(email, email.split("@")[0], "curator", None, "benchmark horse battery staple")
                user.mfa_secret = "JBSWY3DPEHPK3PXP"
                db.session.commit()
                session_for(client, user)
        visitor.get("/tools/?q=warm")  # open the index once, as a running site would have
        for number in range(args.repeat):
            name = unique_name(number)
            created = writer.post("/curation/tools/new", data={
                "name": name, "organisation": "Bench Lab", "summary": "A benchmark entry.",
                "purposes": ["referral-triage"], "action": "save", "not_duplicate": "y"})
            tool_id = created.headers["Location"].rstrip("/").split("/")[-1]
            writer.post(f"/curation/tools/{tool_id}/submit", data={"version": "2"})
            start = time.perf_counter()
            approved = reviewer.post(f"/curation/tools/{tool_id}/review", data={
                "version": "3", "criteria": ["1", "2", "3", "4"], "sources": "Bench", "verified_on": "2026-01-01"})
            approved_at = time.perf_counter()
            found = visitor.get("/tools/", query_string={"q": name.replace("Benchmark ", "").replace(" tool", "")})
            done = time.perf_counter()
            if approved.status_code != 303 or name not in found.get_data(as_text=True):
                raise SystemExit(f"entry {number} was not published and found ({approved.status_code})")
            timings["approve request"].append(approved_at - start)
            timings["first search"].append(done - approved_at)
            timings["approve to found"].append(done - start)
    result = {name: {"median_ms": round(statistics.median(t) * 1000, 1),
                     "max_ms": round(max(t) * 1000, 1)} for name, t in timings.items()}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, figures in result.items():
        print(f"{name:<20} {figures}")


if __name__ == "__main__":
    main()
