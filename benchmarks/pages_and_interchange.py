"""Measure page rendering and import/export against the demo dataset, scaled up.

Usage: .venv/bin/python benchmarks/pages_and_interchange.py [--scale N] [--repeat R]

Copies the demo tools N times (new slugs) into a temporary SQLite database, then reports the median and 95th
percentile of R requests per page through Flask's test client (no network), and the wall time of import and
export. Figures are comparable only within one run on one machine; record them in docs/performance.md.
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
from catalogue.cli import DEMO_FILE  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.interchange.problems import InterchangeError  # noqa: E402
from catalogue.interchange.services import dump_csv, dump_json, export_document, import_tools  # noqa: E402

FAULTY_SIZES = (1000, 4000)  # records, each with five problems: validation must stay linear in them


def scaled_demo(scale: int) -> dict:
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    tools = []
    for copy in range(scale):
        for tool in demo["tools"]:
            tools.append({**tool, "slug": f"{tool['slug']}-{copy}" if copy else tool["slug"]})
    return {**demo, "tools": tools}


def faulty_document(size: int) -> dict:
    tools = [{"slug": f"faulty-{n}", "name": "", "purposes": ["telepathy"], "country": "XX", "status": "draft"}
             for n in range(size)]  # no organisation, no summary
    return {"format": "ai-tools-catalogue", "version": 1, "tools": tools}


def refused(document: dict) -> None:
    try:
        import_tools(document, dry_run=True)
    except InterchangeError:
        return
    raise AssertionError("a faulty document was accepted")


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def report_pages(client, pages: dict[str, str], repeat: int) -> None:
    """Print a Markdown table of the median and 95th percentile of ``repeat`` requests per page."""
    print("| page | median ms | p95 ms |\n|---|---:|---:|")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url
        samples = sorted(timed(lambda u=url: client.get(u)) * 1000 for _ in range(repeat))
        p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
        print(f"| {name} | {statistics.median(samples):.1f} | {p95:.1f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="copies of the demo dataset (default 10)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "CATALOGUE_PUBLIC_BROWSING": True,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})
        document = scaled_demo(args.scale)
        with app.app_context():
            db.create_all()
            import_seconds = timed(lambda: import_tools(document))
            reimport_seconds = timed(lambda: import_tools(document))
            export_json_seconds = timed(lambda: dump_json(export_document()))
            export_csv_seconds = timed(lambda: dump_csv(export_document()))
            slug = next(t["slug"] for t in document["tools"] if t["status"] == "published")
            faulty_seconds = {size: timed(lambda size=size: refused(faulty_document(size))) for size in FAULTY_SIZES}

        client = app.test_client()
        pages = {
            "home": "/",
            "catalogue page 1": "/tools/",
            "catalogue page 5, by update": "/tools/?page=5&sort=updated",
            "catalogue, 2 filters": "/tools/?purposes=known-csam-detection&deployment=air-gapped",
            "tool detail": f"/tools/{slug}",
            "tool sheet": f"/tools/{slug}/print",
            "about": "/about",
        }
        print(f"{len(document['tools'])} tools ({args.scale} × demo), {args.repeat} requests per page\n")
        report_pages(client, pages, args.repeat)
        print("\n| interchange | seconds |\n|---|---:|")
        print(f"| import into empty database | {import_seconds:.2f} |")
        print(f"| import again (all unchanged) | {reimport_seconds:.2f} |")
        print(f"| export JSON | {export_json_seconds:.2f} |")
        print(f"| export CSV | {export_csv_seconds:.2f} |")
        for size, seconds in faulty_seconds.items():
            print(f"| refuse {size:,} faulty records (5 problems each) | {seconds:.2f} |")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
