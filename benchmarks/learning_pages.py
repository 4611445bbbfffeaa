"""Measure the Learning Centre pages against the catalogue page they sit beside, on the demo data scaled up.

Usage: .venv/bin/python benchmarks/learning_pages.py [--scale N] [--repeat R]

Loads the demo tools N times (new slugs) and the demo guidance pages into a temporary SQLite database with a real
search index, then reports the median and 95th percentile of R requests per page through Flask's test client (no
network). Compare rows within one run; record them in docs/performance.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.pages_and_interchange import report_pages, scaled_demo  # noqa: E402
from catalogue import create_app  # noqa: E402
from catalogue.curation.demo import load_demo_guidance
from catalogue.extensions import db  # noqa: E402
from catalogue.interchange.services import import_tools  # noqa: E402
from catalogue.search import store  # noqa: E402
from catalogue.taxonomy import sync_vocabularies  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="copies of the demo tools (default 10)")
    parser.add_argument("--repeat", type=int, default=30, help="requests per page (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "CATALOGUE_PUBLIC_BROWSING": True,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})
        document = scaled_demo(args.scale)
        with app.app_context():
            db.create_all()
            sync_vocabularies()
            import_tools(document)
            load_demo_guidance()
            store.rebuild()
        client = app.test_client()
        pages = {
            "catalogue page 1 (baseline)": "/tools/",
            "catalogue, guidance facet chosen": "/tools/?guidance=face-analysis",
            "catalogue search with grouped guidance": "/tools/?q=victim+identification",
            "tool detail with “Before you use this tool”": "/tools/umbra-faces",
            "guidance index": "/guidance/",
            "guidance page with the tools it concerns": "/guidance/securing-sensitive-data",
            "guidance search": "/guidance/?q=wellbeing",
            "workflow and coverage map": "/workflow",
        }
        print(f"{len(document['tools'])} tools ({args.scale} × demo), {args.repeat} requests per page\n")
        report_pages(client, pages, args.repeat)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
