"""API benchmark: GET /api/v1/tools (a query, 2 filters, all facets) against the catalogue page asking the same in the
same run, and a cursor walk over the whole catalogue.

Usage: .venv/bin/python -m benchmarks.api --tools 10000 [--rounds 5] [--limit 100]

Builds the synthetic catalogue of ``benchmarks.search`` (N published tools, fixed seed), rebuilds the index, signs a
member's token, then times in-process requests through the app's test client (server time: routing, permission,
search, rendering or JSON, no network): each query of ``benchmarks.search.QUERIES`` with words and at least two
filters, as ``/tools/?…`` (HTML) and ``/api/v1/tools?…&limit=20`` (JSON with facets), interleaved so both see the same
caches (the searches the API keeps for walks are dropped before each of these requests, so each runs the whole search
as the page does); then walks every tool with ``next_cursor`` at ``--limit`` per page. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.search import QUERIES, load, percentile, synthetic_tools
from catalogue import create_app
from catalogue.accounts import access_tokens
from catalogue.admin.services import create_user
from catalogue.agreements import documents
from catalogue.extensions import db
from catalogue.search import store, walk
from catalogue.taxonomy import sync_vocabularies


def step(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def query_string(text: str, filters: dict[str, list[str]], extra: dict[str, str] | None = None) -> list:
    pairs = [("q", text)] if text else []
    pairs += [(name, value) for name, values in filters.items() for value in values]
    return pairs + list((extra or {}).items())


def run(count: int, rounds: int, limit: int) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        database = Path(data_dir) / "bench.sqlite3"
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            load(synthetic_tools(count))
            step(f"{count} tools loaded; rebuilding the index")
            store.rebuild(processes=store.CLI_PROCESSES)
            step("index built; timing the page and the API")
            user = create_user("bench@harbour-police.example", "Bench Member", "member", None,
                               "correct-horse-battery-staple-2026")
            documents.record(user)  # the terms every signed-in page waits for
            db.session.commit()
            token = access_tokens.create(user, "bench", 30).value
            session_id = user.get_id()
        headers = {"Authorization": f"Bearer {token}"}
        reader, client = app.test_client(), app.test_client()  # the page signed in, the API with the token
        now = int(time.time())
        with reader.session_transaction() as session:
            session.update({"_user_id": session_id, "_fresh": True, "signed_in_at": now, "last_seen": now})
        assert reader.get("/tools/").status_code == 200
        asked = [(text, filters) for text, filters in QUERIES if text and len(filters) >= 2]
        for text, filters in asked:  # warm both paths
            reader.get("/tools/", query_string=query_string(text, filters))
            client.get("/api/v1/tools", query_string=query_string(text, filters), headers=headers)
        page_ms, api_ms = [], []
        for _round in range(rounds):
            for text, filters in asked:
                started = time.perf_counter()
                answer = reader.get("/tools/", query_string=query_string(text, filters))
                page_ms.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200
                walk.forget()  # a fresh search each time, as the page does: not the result kept for a walk
                started = time.perf_counter()
                answer = client.get("/api/v1/tools", query_string=query_string(text, filters), headers=headers)
                api_ms.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200 and answer.json["facets"]

        step("timed; walking with the cursor")
        walked, pages, cursor = 0, 0, None
        started = time.perf_counter()
        while True:
            answer = client.get("/api/v1/tools", query_string={"limit": str(limit), "sort": "name",
                                                               **({"cursor": cursor} if cursor else {})},
                                headers=headers).json
            walked += len(answer["results"])
            pages += 1
            cursor = answer["next_cursor"]
            if cursor is None:
                break
        walk_s = time.perf_counter() - started
        with app.app_context():
            db.engine.dispose()
    return {
        "tools": count, "queries": len(asked), "rounds": rounds,
        "page_ms": {"p50": round(percentile(page_ms, 0.5), 1), "p95": round(percentile(page_ms, 0.95), 1)},
        "api_ms": {"p50": round(percentile(api_ms, 0.5), 1), "p95": round(percentile(api_ms, 0.95), 1)},
        "api_p95_over_page_p95": round(percentile(api_ms, 0.95) / percentile(page_ms, 0.95), 2),
        "cursor_walk": {"tools": walked, "pages": pages, "limit": limit, "seconds": round(walk_s, 2)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tools", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--limit", type=int, default=100)
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.tools, arguments.rounds, arguments.limit), indent=2))


if __name__ == "__main__":
    main()
