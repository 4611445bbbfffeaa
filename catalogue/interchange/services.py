"""Import and export of the catalogue in interchange format v1. Import is all or nothing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from catalogue import audit
from catalogue.curation.revisions import record_revision
from catalogue.extensions import db
from catalogue.interchange.fields import CSV_LIST_SEPARATOR, FORMAT_NAME, FORMAT_VERSION
from catalogue.interchange.reading import validate_document
from catalogue.markdown import strip_markup
from catalogue.models import Term, Tool, User
from catalogue.models.base import utcnow
from catalogue.records import LIST_FIELDS, TOOL_FIELDS, tool_to_record
from catalogue.spreadsheets import spreadsheet_safe
from catalogue.taxonomy import MULTI_TERM_FIELDS, SINGLE_TERM_FIELDS, sync_vocabularies, term_index

MARKDOWN_FIELDS = ("description", "responsible_use")
PLAIN_FIELDS = ("name", "organisation", "country", "website", "summary", "description", "languages",
                "responsible_use", "sources", "last_reviewed", "status", "demo")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def import_tools(
    document: Any, *, dry_run: bool = False, progress: Callable[[Iterable], Iterable] | None = None,
    author: User | None = None, source: str = "command line",
) -> ImportReport:
    """Validate the whole document, then create or update tools by slug in one transaction.

    Each created or changed tool gets a revision; the import as a whole gets one audit event naming ``source``.
    Raises ``InterchangeError`` (nothing written) when any record has a problem.
    """
    try:
        sync_vocabularies(commit=False)
        terms = term_index()
        records = validate_document(document, terms)
        existing = {t.slug: t for t in db.session.scalars(select(Tool).where(
            Tool.slug.in_([r["slug"] for r in records])))}
        report = ImportReport(dry_run=dry_run)
        changed: list[Tool] = []
        for record in (progress or iter)(records):
            tool = existing.get(record["slug"])
            if tool is None:
                tool = Tool(slug=record["slug"], created_by=author)
                db.session.add(tool)
                _apply(tool, record, terms)
                report.created.append(tool.slug)
            elif _apply(tool, record, terms):
                report.updated.append(tool.slug)
            else:
                report.unchanged.append(tool.slug)
                continue
            tool.updated_by = author
            changed.append(tool)
        if dry_run:
            db.session.rollback()
            return report
        note = f"Imported from a file ({source})"
        for tool in changed:
            record_revision(tool, "imported", author, note)
        published = [t.slug for t in changed if t.status == "published"]
        audit.record("catalogue.import", target=source, actor=author,
                     detail=f"{len(report.created)} new, {len(report.updated)} updated, "
                            f"{len(report.unchanged)} unchanged; published: {len(published)}")
        db.session.commit()
        return report
    except BaseException:
        db.session.rollback()
        raise


def _apply(tool: Tool, record: dict[str, Any], terms: dict[str, dict[str, Term]]) -> bool:
    """Copy a record onto a tool; return whether anything changed."""
    changed = False
    for name in PLAIN_FIELDS:
        value = strip_markup(record[name]) if name in MARKDOWN_FIELDS else record[name]
        if getattr(tool, name) != value:
            setattr(tool, name, value)
            changed = True
    wanted = [terms[vocabulary][slug] for vocabulary in MULTI_TERM_FIELDS for slug in record[vocabulary]]
    wanted += [terms[vocabulary][record[vocabulary]] for vocabulary in SINGLE_TERM_FIELDS if record[vocabulary]]
    if {t.id for t in tool.terms} != {t.id for t in wanted}:
        tool.terms = wanted
        changed = True
    now = utcnow()
    created_at = record["created_at"] or tool.created_at or now
    if tool.created_at != created_at:
        tool.created_at = created_at
        changed = True
    updated_at = record["updated_at"] or (now if changed or tool.updated_at is None else tool.updated_at)
    if tool.updated_at != updated_at:
        tool.updated_at = updated_at
        changed = True
    return changed


def export_document() -> dict[str, Any]:
    tools = db.session.scalars(select(Tool).order_by(Tool.slug))
    return {"format": FORMAT_NAME, "version": FORMAT_VERSION, "tools": [tool_to_record(t) for t in tools]}


def dump_json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def dump_csv(document: dict[str, Any]) -> str:
    """The interchange CSV: one row per tool. People open it in spreadsheets, so a cell that would run as a formula
    gets a leading apostrophe; reading the file back takes it off again (``reading._without_formula_guard``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=TOOL_FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for record in document["tools"]:
        writer.writerow({key: spreadsheet_safe(_csv_cell(key, value)) for key, value in record.items()})
    return out.getvalue()


def _csv_cell(key: str, value: Any) -> str:
    if key == "sources":  # records in a cell: a JSON list, empty for none
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) if value else ""
    if key in LIST_FIELDS:
        return CSV_LIST_SEPARATOR.join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
