"""Fictional translations of demo entries (``catalogue/demo/translations.json``), so a development catalogue shows
entries in several languages, one of them older than its English original."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from catalogue.entry_translations import services
from catalogue.entry_translations.kinds import TRANSLATED, target_languages
from catalogue.extensions import db

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "translations.json"
SECTIONS = {"tools": "tool", "guidance": "guidance"}


def load_demo_translations(path: Path = DEMO_FILE) -> int:
    """Add the demo translations that are not there yet; returns how many were added. Idempotent: a translation a
    curator has saved since is kept, and only demonstration entries are ever translated.

    A translation with ``translated_from`` was made from an earlier English text (those fields as given), so
    pages show that the English original has changed since.
    """
    document = json.loads(path.read_text(encoding="utf-8"))
    languages = set(target_languages())
    added = 0
    for section, kind_name in SECTIONS.items():
        described = TRANSLATED[kind_name]
        model = described.kind.model
        wanted = document.get(section) or {}
        entries = db.session.scalars(select(model).where(model.slug.in_(wanted), model.demo.is_(True)))
        for entry in entries:
            present = {translation.language for translation in entry.translations}
            for language, values in wanted[entry.slug].items():
                if language in present or language not in languages:
                    continue
                older = values.get("translated_from")
                source = {**described.originals(entry), **older} if older else None
                cleaned = services.clean_values(described, values)
                services.check_lengths(described, cleaned)
                services.store(entry, language, cleaned, None, demo=True, source=source,
                               source_version=entry.version - 1 if older else None)
                added += 1
    db.session.commit()
    return added
