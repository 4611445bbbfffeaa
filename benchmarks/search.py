"""Search benchmark: Whoosh (the catalogue's search) against SQLite FTS5 on the same synthetic catalogue.

Usage: .venv/bin/python -m benchmarks.search --tools 10000 [--rounds 5] [--json]

Builds a synthetic catalogue of N published tools from the demo entries (texts recombined, terms drawn at random
with a fixed seed), times a full index rebuild, runs a fixed set of realistic queries with 2-3 active filters and
all facet counts through the catalogue's search service, runs the same queries against an FTS5 table in the same
database (results + the same facet counts in SQL) as the native reference, and times how long a saved change
takes to become searchable. Server-side times only (no HTTP). Compare numbers within one run.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from catalogue import create_app
from catalogue.cli import DEMO_FILE
from catalogue.extensions import db
from catalogue.markdown import markdown_to_text
from catalogue.models import Term, Tool, Vocabulary, tool_terms
from catalogue.search import store
from catalogue.search.service import SearchRequest, search
from catalogue.taxonomy import MULTI_TERM_FIELDS, SINGLE_TERM_FIELDS, TERM_FIELDS, sync_vocabularies

QUERIES = [
    ("grooming chat", {"technologies": ["nlp"], "deployment": ["on-premises", "air-gapped"]}),
    ("phone extraction", {"purposes": ["device-extraction"], "cost_model": ["commercial", "subscription"]}),
    ("hash", {"data_types": ["images", "video"], "availability": ["law-enforcement-only"]}),
    ("victim identification", {"technologies": ["computer-vision", "face-analysis"], "maturity": ["production"]}),
    ("livestream", {"data_types": ["video"], "intended_users": ["platforms", "investigators"]}),
    ("blockchain payments", {"purposes": ["data-analysis", "offender-identification"], "deployment": ["cloud-saas"]}),
    ("geolocation", {"crime_phases": ["investigation"], "exposure_reduction": ["partial", "strong"]}),
    ("triage referrals", {"workflow_steps": ["intake-triage"], "availability": ["law-enforcement-only"],
                          "deployment": ["on-premises"]}),
    ('"known material"', {"purposes": ["known-csam-detection"], "maturity": ["production", "pilot"]}),
    ("synthetic images -audio", {"technologies": ["synthetic-media-detection"], "data_types": ["images"]}),
    ("crawler OR osint", {"data_types": ["urls-web"], "intended_users": ["analysts"]}),
    ("", {"purposes": ["grooming-detection"], "deployment": ["air-gapped"], "cost_model": ["free"]}),
]
#: Queries as investigators type them (sentences, street words, other languages): the catalogue's own search only,
#: since FTS5 has no synonyms, relaxed matching or per-language vocabulary. (text, filters, reader's language)
ASKED = [
    ("tools for detecting grooming in chats", {"deployment": ["on-premises", "air-gapped"]}, "en"),
    ("severity grading of abuse images", {}, "en"),
    ("bitcoin wallet tracing", {"availability": ["law-enforcement-only"]}, "en"),
    ("dark web crawler for onion sites", {}, "en"),
    ("P2P file sharing monitoring", {"data_types": ["network-metadata"]}, "en"),
    ("identify location from objects in a photo", {"technologies": ["geolocation"]}, "en"),
    ("on-prem face clustering victim ID", {}, "en"),
    ("hachage perceptuel des images", {"maturity": ["production"]}, "fr"),
    ("анализ блокчейна", {}, "ru"),
    ("网络诱骗儿童检测", {}, "zh"),
    ("استدراج الأطفال في المحادثات", {}, "ar"),
    ("detección de grooming gratis", {}, "es"),
]
BOOSTS = (6.0, 3.0, 2.0, 1.5, 1.0, 0.7)


def synthetic_tools(count: int, seed: int = 7) -> list[dict]:
    demo = [t for t in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["tools"]]
    rng = random.Random(seed)
    tools = []
    for number in range(count):
        first, second = demo[number % len(demo)], rng.choice(demo)
        paragraphs = first["description"].split("\n\n")[:2] + second["description"].split("\n\n")[2:]
        tool = {
            "slug": f"{first['slug']}-{number}", "name": f"{first['name']} {number}",
            "organisation": second["organisation"], "summary": first["summary"],
            "description": "\n\n".join(paragraphs), "responsible_use": second["responsible_use"],
            "terms": {},
        }
        for field in MULTI_TERM_FIELDS:
            pool = sorted({slug for t in demo for slug in t[field]})
            tool["terms"][field] = rng.sample(pool, rng.randint(1, 3))
        for field in SINGLE_TERM_FIELDS:
            tool["terms"][field] = [rng.choice(sorted({t[field] for t in demo if t[field]}))]
        tools.append(tool)
    return tools


def load(tools: list[dict]) -> None:
    """Bulk insert published tools and their terms (bypassing the import service: this measures search)."""
    term_ids = {(v, t): i for i, v, t in db.session.execute(
        select(Term.id, Vocabulary.slug, Term.slug).join(Vocabulary, Vocabulary.id == Term.vocabulary_id))}
    rows = [{"slug": t["slug"], "name": t["name"], "organisation": t["organisation"], "summary": t["summary"],
             "description": t["description"], "responsible_use": t["responsible_use"], "languages": ["en"],
             "status": "published", "demo": True, "version": 1} for t in tools]
    db.session.execute(insert(Tool), rows)
    ids = dict(db.session.execute(select(Tool.slug, Tool.id)).all())
    links = [{"tool_id": ids[t["slug"]], "term_id": term_ids[(field, slug)]}
             for t in tools for field, slugs in t["terms"].items() for slug in slugs]
    db.session.execute(insert(tool_terms), links)
    db.session.commit()


def build_fts(database: Path, tools: list[dict]) -> sqlite3.Connection:
    connection = sqlite3.connect(database)
    connection.execute("CREATE VIRTUAL TABLE tools_fts USING fts5(name, summary, labels, organisation, description,"
                       " responsible_use, tokenize='porter unicode61 remove_diacritics 2')")
    labels = dict(connection.execute("SELECT t.id, group_concat(te.label, ' ') FROM tools t JOIN tool_terms tt ON "
                                     "tt.tool_id = t.id JOIN terms te ON te.id = tt.term_id GROUP BY t.id"))
    ids = dict(connection.execute("SELECT slug, id FROM tools"))
    connection.executemany(
        "INSERT INTO tools_fts(rowid, name, summary, labels, organisation, description, responsible_use) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(ids[t["slug"]], t["name"], t["summary"], labels.get(ids[t["slug"]], ""), t["organisation"],
          markdown_to_text(t["description"]), markdown_to_text(t["responsible_use"])) for t in tools])
    connection.commit()
    return connection


def fts_query(text: str) -> str:
    """The catalogue's syntax in FTS5 terms: words ANDed, "phrases", -exclusion as NOT, OR kept."""
    parts, negative = [], []
    for token in text.replace('"', ' " ').split(" ") if '"' in text else text.split():
        if not token:
            continue
        (negative if token.startswith("-") else parts).append(token.lstrip("-"))
    query = " ".join(parts) if '"' not in text else text
    for word in negative:
        query = f"({query}) NOT {word}"
    return query


def fts_search(connection: sqlite3.Connection, text: str, filters: dict[str, list[str]]) -> tuple[list, dict]:
    """Top 20 by bm25 with the filters, plus every facet's counts (each ignoring its own selections).

    Written the way one would with FTS5: the text matches are materialised once in a temporary table, filters are
    EXISTS checks on term ids, and each facet is one grouped count.
    """
    connection.execute("DROP TABLE IF EXISTS temp.matched")
    if text:
        weights = ", ".join(map(str, BOOSTS))
        connection.execute(f"CREATE TEMP TABLE matched AS SELECT rowid AS id, bm25(tools_fts, {weights}) AS rank "
                           "FROM tools_fts WHERE tools_fts MATCH ?", [fts_query(text)])
    else:
        connection.execute("CREATE TEMP TABLE matched AS SELECT id, 0 AS rank FROM tools WHERE status = 'published'")
    term_ids = {vocabulary: [row[0] for row in connection.execute(
        "SELECT te.id FROM terms te JOIN vocabularies v ON v.id = te.vocabulary_id WHERE v.slug = ? AND te.slug IN "
        f"({','.join('?' * len(slugs))})", [vocabulary, *slugs])] for vocabulary, slugs in filters.items()}

    def conditions(leave_out: str | None) -> str:
        return "".join(
            f" AND EXISTS (SELECT 1 FROM tool_terms x WHERE x.tool_id = m.id AND x.term_id IN "
            f"({','.join(map(str, ids)) or 'NULL'}))"
            for vocabulary, ids in term_ids.items() if vocabulary != leave_out)

    order = "m.rank" if text else "lower(t.name)"
    top = connection.execute(f"SELECT m.id FROM matched m JOIN tools t ON t.id = m.id WHERE t.status = 'published'"
                             f"{conditions(None)} ORDER BY {order} LIMIT 20").fetchall()
    counts = {}
    for facet in TERM_FIELDS:
        counts[facet] = dict(connection.execute(
            "SELECT te.slug, count(*) FROM matched m JOIN tools t ON t.id = m.id AND t.status = 'published' "
            "JOIN tool_terms tt ON tt.tool_id = m.id JOIN terms te ON te.id = tt.term_id JOIN vocabularies v ON "
            f"v.id = te.vocabulary_id WHERE v.slug = ?{conditions(facet)} GROUP BY te.slug", [facet]).fetchall())
    return top, counts


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(count: int, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as data_dir:
        database = Path(data_dir) / "bench.sqlite3"
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
        tools = synthetic_tools(count)
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            load(tools)
            started = time.perf_counter()
            store.rebuild(processes=store.CLI_PROCESSES)  # as `flask search rebuild` does
            build_s = time.perf_counter() - started
            index_bytes = sum(path.stat().st_size for path in store.root().rglob("*") if path.is_file())

        whoosh_ms, fts_ms = [], []
        started = time.perf_counter()
        connection = build_fts(database, tools)
        fts_build_s = time.perf_counter() - started
        with app.test_request_context("/tools/"):
            for text, filters in QUERIES:  # warm caches (facet bitmaps, SQLite pages) before timing
                search(SearchRequest(text=text, filters=filters))
                fts_search(connection, text, filters)
            for _round in range(rounds):
                for text, filters in QUERIES:
                    started = time.perf_counter()
                    search(SearchRequest(text=text, filters=filters))
                    whoosh_ms.append((time.perf_counter() - started) * 1000)
                    started = time.perf_counter()
                    fts_search(connection, text, filters)
                    fts_ms.append((time.perf_counter() - started) * 1000)

            asked_ms, relaxed = [], 0
            for text, filters, language in ASKED:  # warm
                search(SearchRequest(text=text, filters=filters, language=language))
            for _round in range(rounds):
                for text, filters, language in ASKED:
                    started = time.perf_counter()
                    result = search(SearchRequest(text=text, filters=filters, language=language))
                    asked_ms.append((time.perf_counter() - started) * 1000)
                    relaxed += bool(result.relaxed)

            visible_ms = []
            for attempt in range(5):
                tool = db.session.scalar(select(Tool).where(Tool.id == 1 + attempt))
                marker = f"zebracorn{attempt}x"
                started = time.perf_counter()
                tool.summary = f"{tool.summary[:250]} {marker}"
                db.session.commit()
                while not search(SearchRequest(text=marker)).total:
                    time.sleep(0.005)
                visible_ms.append((time.perf_counter() - started) * 1000)
            db.engine.dispose()
        connection.close()

    whoosh_p95, fts_p95 = percentile(whoosh_ms, 0.95), percentile(fts_ms, 0.95)
    return {
        "tools": count,
        "whoosh_p50_ms": round(statistics.median(whoosh_ms), 2),
        "whoosh_p95_ms": round(whoosh_p95, 2),
        "fts5_p50_ms": round(statistics.median(fts_ms), 2),
        "fts5_p95_ms": round(fts_p95, 2),
        "ratio_p95": round(whoosh_p95 / fts_p95, 3) if fts_p95 else None,
        "build_s": round(build_s, 2),
        "fts5_build_s": round(fts_build_s, 2),
        "update_visible_ms": round(statistics.median(visible_ms), 1),
        "asked_p50_ms": round(statistics.median(asked_ms), 2),
        "asked_p95_ms": round(percentile(asked_ms, 0.95), 2),
        "asked_relaxed_share": round(relaxed / len(asked_ms), 2),
        "index_mb": round(index_bytes / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.tools, args.rounds)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<18} {value}")


if __name__ == "__main__":
    main()
