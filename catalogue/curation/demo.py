"""The fictional demo guidance pages, published through the same revisions as curators' work."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from catalogue.curation import revisions
from catalogue.extensions import db
from catalogue.models import GuidancePage

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "guidance"
DEMO_SOURCES = "Demonstration content written for this catalogue; not official guidance."


def load_demo_guidance(directory: Path = DEMO_DIR) -> int:
    """Publish the fictional demo pages that are not there yet; returns how many were added. Idempotent."""
    documents = [json.loads(path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.json"))]
    existing = set(db.session.scalars(select(GuidancePage.slug)))
    added = []
    for document in documents:
        if document["slug"] in existing:
            continue
        page = GuidancePage(slug=document["slug"], status="published", demo=True,
                            last_reviewed=date.fromisoformat(document["last_reviewed"]),
                            verification_sources=DEMO_SOURCES)
        db.session.add(page)
        revisions.apply_content(page, {**_values(document), "related": []})
        added.append((page, document))
    db.session.flush()
    for page, document in added:
        revisions.apply_content(page, _values(document))
        revisions.record_revision(page, "imported", None, "Demo content")
    db.session.commit()
    return len(added)


def _values(document: dict) -> dict:
    values = {name: document.get(name) for name in ("title", "summary", "topic", "body", "related")}
    values.update(document.get("terms") or {})
    return values
