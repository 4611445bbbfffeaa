"""Content-translation benchmark: what translations cost the search index, and queries in the readers' languages.

Usage: .venv/bin/python -m benchmarks.translations --tools 2000 [--share 1.0] [--rounds 5] [--json]

Builds the synthetic catalogue of ``benchmarks.search`` (N published tools), times a rebuild and measures the index
without translations; then gives a share of the tools translations into all five other languages (the demo
translations' texts, cycled), times the rebuild again and measures the index. Queries run through the catalogue's
search service with the reader's language set: English queries with an English reader on both indexes (the cost for
readers who use no translation), and queries in French, Chinese, Arabic, Russian and Spanish (and English words with
a French reader), some with filters. Last, how long a translation saved through the service takes to become
searchable. Server-side times only (no HTTP).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.search import load, percentile, synthetic_tools
from catalogue import create_app
from catalogue.entry_translations import services
from catalogue.entry_translations.demo import DEMO_FILE
from catalogue.extensions import db
from catalogue.models import Tool, ToolTranslation, User
from catalogue.search import store
from catalogue.search.service import SearchRequest, search
from catalogue.taxonomy import sync_vocabularies

ENGLISH = [
    ("hash", {"data_types": ["images", "video"]}),
    ("grooming chat", {"technologies": ["nlp"]}),
    ("victim identification", {}),
    ('"known material"', {"purposes": ["known-csam-detection"]}),
]
TRANSLATED = [
    ("fr", "analyse d'images", {}),
    ("fr", "hachage perceptuel", {"data_types": ["images"]}),
    ("fr", "grooming chat", {"technologies": ["nlp"]}),  # English words, French reader
    ("zh", "感知哈希", {}),
    ("zh", '"图像"', {"purposes": ["known-csam-detection"]}),
    ("ar", "تحليل الصور", {}),
    ("ru", "хеши изображений", {}),
    ("es", "coincidencias perceptuales", {"data_types": ["images"]}),
]


def translation_rows(tool_ids: list[int]) -> list[dict]:
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["tools"]
    texts = {}  # language -> the demo tools' translations
    for languages in demo.values():
        for language, values in languages.items():
            texts.setdefault(language, []).append(values)
    rows = []
    for number, tool_id in enumerate(tool_ids):
        for language, choices in texts.items():
            values = choices[number % len(choices)]
            rows.append({"tool_id": tool_id, "language": language, "summary": values["summary"],
                         "description": values["description"], "responsible_use": values["responsible_use"],
                         "source": {}, "source_version": 1, "demo": True, "version": 1})
    return rows


def index_size() -> int:
    directory = store.current_dir()
    return sum(path.stat().st_size for path in directory.iterdir() if path.is_file())


def timed(queries, rounds: int) -> list[float]:
    for language, text, filters in queries:  # warm caches (postings arrays, bitmaps, field lengths)
        search(SearchRequest(text=text, filters=filters, language=language))
    samples = []
    for _round in range(rounds):
        for language, text, filters in queries:
            started = time.perf_counter()
            result = search(SearchRequest(text=text, filters=filters, language=language))
            samples.append((time.perf_counter() - started) * 1000)
            assert not result.degraded
    return samples


def summary(samples: list[float]) -> dict:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(percentile(samples, 0.95), 2)}


def run(count: int, share: float, rounds: int) -> dict:
    result: dict = {"tools": count, "translated_tools": int(count * share), "languages": 5}
    english = [("en", text, filters) for text, filters in ENGLISH]
    with tempfile.TemporaryDirectory() as data_dir:
        database = Path(data_dir) / "bench.sqlite3"
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            load(synthetic_tools(count))
            started = time.perf_counter()
            store.rebuild(processes=store.CLI_PROCESSES)
            result["rebuild_without_s"] = round(time.perf_counter() - started, 2)
            result["index_without_mb"] = round(index_size() / 2**20, 1)
        with app.test_request_context("/tools/"):
            result["english_without"] = summary(timed(english, rounds))

        with app.app_context():
            ids = list(db.session.scalars(select(Tool.id).order_by(Tool.id)))[: result["translated_tools"]]
            db.session.execute(insert(ToolTranslation), translation_rows(ids))
            db.session.commit()
            started = time.perf_counter()
            store.rebuild(processes=store.CLI_PROCESSES)
            result["rebuild_with_s"] = round(time.perf_counter() - started, 2)
            result["index_with_mb"] = round(index_size() / 2**20, 1)
        with app.test_request_context("/tools/"):
            result["english_with"] = summary(timed(english, rounds))
            result["translated_queries"] = summary(timed(TRANSLATED, rounds))

            author = User(email="bench@example.org", name="Bench", role="curator", password_hash="x")
            db.session.add(author)
            db.session.commit()
            visible = []
            for attempt in range(5):
                tool = db.session.get(Tool, ids[-1 - attempt] if ids else 1 + attempt)
                marker = f"zébrelicorne{attempt}x"
                existing = services.get_translation(tool, "fr")
                values = {"summary": f"Outil {marker}.", "description": "", "responsible_use": ""}
                started = time.perf_counter()
                services.save_translation(tool, "fr", values, author, existing.version if existing else 0)
                while not search(SearchRequest(text=marker, language="fr")).total:
                    time.sleep(0.005)
                visible.append((time.perf_counter() - started) * 1000)
            result["translation_searchable_ms"] = round(statistics.median(visible), 1)
            db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=int, default=2000)
    parser.add_argument("--share", type=float, default=1.0, help="share of tools translated (default 1.0: all)")
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run (default 5)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    result = run(args.tools, args.share, args.rounds)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:<26} {value}")


if __name__ == "__main__":
    main()
