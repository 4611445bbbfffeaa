"""Is the index telling the truth? Compare it with the database, and describe its state."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.models import SearchChange
from catalogue.search import retention, store
from catalogue.search.outbox import catch_up
from catalogue.search.registry import kinds
from catalogue.search.schema import STATE_ID, document_id, translation_stamp


@dataclass
class CheckReport:
    problem: str | None = None  # the index cannot be used at all
    missing: list[str] = field(default_factory=list)  # published in the database, absent from the index
    extra: list[str] = field(default_factory=list)  # in the index, not published in the database
    stale: list[str] = field(default_factory=list)  # indexed at another version than the database's
    indexed: int = 0
    published: int = 0

    @property
    def ok(self) -> bool:
        return not (self.problem or self.missing or self.extra or self.stale)


def check() -> CheckReport:
    """Count and per-row version of the index against the published rows of every searchable kind (after applying
    pending changes). Rows are named by slug, other kinds than tools as ``kind:slug``. A row's version includes the
    versions of its translations."""
    report = CheckReport()
    database = {}
    stamps = _translation_stamps()
    for kind, described in kinds().items():
        model = described.model
        for row_id, slug, version in db.session.execute(
                select(model.id, model.slug, model.version).where(model.status == "published")):
            key = document_id(kind, row_id)
            database[key] = (slug if kind == "tool" else f"{kind}:{slug}", (version, stamps.get(key, "")))
    report.published = len(database)
    try:
        catch_up()
        s = store.searcher()
        store.last_applied(s)
        indexed = {f["id"]: f for f in s.all_stored_fields() if f.get("id") != STATE_ID}
    except store.IndexUnavailable as error:
        report.problem = str(error)
        return report
    except Exception as error:  # a damaged segment can fail anywhere while reading
        report.problem = f"the index cannot be read: {error!r}"
        return report
    report.indexed = len(indexed)
    report.missing = sorted(name for key, (name, _version) in database.items() if key not in indexed)
    report.extra = sorted(str(fields.get("slug")) for key, fields in indexed.items() if key not in database)
    report.stale = sorted(name for key, (name, version) in database.items()
                          if key in indexed and (indexed[key].get("version"), indexed[key].get("translations") or "")
                          != version)
    return report


def _translation_stamps() -> dict[str, str]:
    """Per document id, the translations the database holds for it, as the index stores them."""
    found: dict[str, list] = {}
    for kind, described in kinds().items():
        model = described.translation
        if model is None:
            continue
        for translation in db.session.execute(select(model.entry_id.label("entry_id"), model.language, model.version)):
            found.setdefault(document_id(kind, translation.entry_id), []).append(translation)
    return {key: translation_stamp(translations) for key, translations in found.items()}


def status() -> dict:
    info: dict = {"directory": None, "documents": None, "last_applied_change": None,
                  "latest_change": store.latest_change(), "pending_changes": None, "size_bytes": None}
    directory = store.current_dir()
    if directory is not None and directory.is_dir():
        info["directory"] = str(directory)
        info["size_bytes"] = sum(p.stat().st_size for p in directory.iterdir() if p.is_file())
    try:
        s = store.searcher()
        info["documents"] = s.doc_count() - 1
        info["last_applied_change"] = store.last_applied(s)
        info["pending_changes"] = pending_changes(s)
    except store.IndexUnavailable as error:
        info["problem"] = str(error)
    return info


def pending_changes(s=None) -> int:
    """How many saved changes the index has not applied yet; raises ``store.IndexUnavailable``."""
    try:
        s = s or store.searcher()
        last = store.last_applied(s)
    except store.IndexUnavailable:
        raise
    except Exception as error:  # a damaged segment can fail anywhere while reading
        store.forget_all()
        raise store.IndexUnavailable(f"the index cannot be read: {error!r}") from error
    if last < retention.pruned_through():
        raise store.IndexUnavailable("the index is behind changes pruned from the outbox; it must be rebuilt")
    return db.session.scalar(select(func.count()).select_from(SearchChange).where(SearchChange.id > last)) or 0
