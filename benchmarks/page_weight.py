"""Measure what the catalogue with filters, a tool page and the home page transfer on a first visit with an empty cache.

Usage: .venv/bin/python benchmarks/page_weight.py [--language en] [--details] [--json] [--uncompressed]

Loads the demo data (tools, guidance, trainings, agencies, accounts and requests) into a temporary SQLite database,
serves it on a local port and opens each page in Chromium (``CHROMIUM_PATH``, default /usr/bin/chromium) as the
signed-in demo member, in a new browser context each time (nothing cached). Reports the bytes on the wire (headers
and compressed bodies, DevTools ``encodedDataLength``) and the decoded body bytes, for the document and every
subresource. ``--uncompressed`` turns the app's compression off, for comparison. Sizes do not depend on the
machine; record them in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from catalogue import create_app  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.languages import COOKIE  # noqa: E402
from catalogue.models import Tool  # noqa: E402
from catalogue.search import store  # noqa: E402
from tests.conftest import CHROMIUM, serve  # noqa: E402
from tests.demo_people import MEMBER, load_demo_people, sign_in  # noqa: E402
from tests.factories import load_demo  # noqa: E402
from tests.page_weight import BUDGET_BYTES, describe, measure  # noqa: E402

FILTERED_CATALOGUE = "/tools/?purposes=grooming-detection&technologies=nlp&q=chat"


def demo_site(data_dir: Path, compressed: bool = True):
    settings = {"CATALOGUE_DATA_DIR": data_dir, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3",
                "PASSWORD_TIME_COST": 1, "PASSWORD_MEMORY_COST": 1024}
    app = create_app(settings if compressed else {**settings, "COMPRESS_MIMETYPES": []})
    with app.app_context():
        db.create_all()
        store.rebuild()
        load_demo()
        load_demo_people()
        tool = db.session.scalars(select(Tool.slug).where(Tool.status == "published").order_by(Tool.name)).first()
    return app, {"catalogue with filters": FILTERED_CATALOGUE, "catalogue, no filter": "/tools/",
                 "tool page": f"/tools/{tool}", "home": "/"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", help="interface language (cookie), e.g. ar")
    parser.add_argument("--details", action="store_true", help="list every resource of every page")
    parser.add_argument("--json", action="store_true", help="print machine-readable JSON")
    parser.add_argument("--uncompressed", action="store_true", help="switch the app's compression off")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as directory, sync_playwright() as playwright:
        app, pages = demo_site(Path(directory), compressed=not args.uncompressed)
        for base in serve(app):
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            signing_in = browser.new_context()
            sign_in(signing_in.new_page(), SimpleNamespace(base=base), MEMBER)
            signing_in.add_cookies([{"name": COOKIE, "value": args.language, "url": base}])
            state = signing_in.storage_state()
            signing_in.close()
            results = {name: measure(browser, base + path, storage_state=state) for name, path in pages.items()}
            browser.close()
            if args.json:
                for result in results.values():
                    result["url"] = result["url"].removeprefix(base)
                    for item in result["resources"]:
                        item["url"] = item["url"].removeprefix(base)
                print(json.dumps({"language": args.language, "budget_bytes": BUDGET_BYTES, "pages": results},
                                 indent=2))
                return
            print(f"First visit, empty cache, signed in, language {args.language}"
                  f"{', compression off' if args.uncompressed else ''}; budget {BUDGET_BYTES:,} bytes.\n")
            print("| page | transferred | decoded | requests | document transferred / decoded |")
            print("|---|---:|---:|---:|---:|")
            for name, result in results.items():
                document = next(item for item in result["resources"] if item["type"] == "Document")
                print(f"| {name} | {result['transferred_bytes']:,} | {result['decoded_bytes']:,} | "
                      f"{result['requests']} | {document['transferred']:,} / {document['decoded']:,} |")
            if args.details:
                for result in results.values():
                    print("\n" + describe(result, base))


if __name__ == "__main__":
    main()
