"""Transactional outbox: changes to searchable rows are recorded in the same transaction, then applied.

Writing: a flush that touches a tool (or a term or vocabulary) inserts ``search_changes`` rows on the same connection,
so a rollback leaves nothing and a commit can never lose one. Applying: after a commit, and whenever a search finds
the index behind, the process that gets the index's write lock applies every pending change by re-reading the current
rows. A search never waits for the lock (it carries on with the index as it is); the request that saved waits for it
up to ``SEARCH_COMMIT_WAIT`` seconds, so that once a save is acknowledged the very first search finds it, whichever
process answers that search.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, insert, select, text
from sqlalchemy.orm import Session, attributes
from whoosh.index import LockError

from catalogue.extensions import db
from catalogue.models import SearchChange, Term, Vocabulary
from catalogue.search import retention, store
from catalogue.search.registry import kinds
from catalogue.search.schema import document_id, state_document

log = logging.getLogger(__name__)
PENDING = "search_changes_pending"
OUTBOX_LOCK = 0x5EA4C4  # PostgreSQL advisory lock key serialising outbox writers


def kind_of_row(obj) -> str | None:
    for kind, described in kinds().items():
        if isinstance(obj, described.model):
            return kind
    return None


def translated_kind(obj) -> str | None:
    """The kind of entry ``obj`` translates, if it is a translation."""
    for kind, described in kinds().items():
        if described.translation is not None and isinstance(obj, described.translation):
            return kind
    return None


@event.listens_for(Session, "before_flush")
def _bump_versions(session: Session, _context, _instances) -> None:
    """A change to a tool's terms alone must still bump its version, so the index check can see it."""
    for obj in session.dirty:
        if kind_of_row(obj) and session.is_modified(obj):
            _loaded = obj.updated_at  # an expired row changed without being read: load it to flag it
            attributes.flag_modified(obj, "updated_at")


@event.listens_for(Session, "after_flush")
def _record_changes(session: Session, _context) -> None:
    rows = []
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        kind = kind_of_row(obj)
        if kind:
            if obj in session.deleted or ((obj in session.new or session.is_modified(obj)) and _indexed(obj)):
                rows.append({"kind": kind, "key": str(obj.id)})
        elif isinstance(obj, Term) and (obj not in session.dirty or session.is_modified(obj)):
            rows.append({"kind": "term", "key": str(obj.id)})
        elif isinstance(obj, Vocabulary) and (obj not in session.dirty or session.is_modified(obj)):
            # Nothing to index, but pages kept per content version (kept_pages) show vocabularies' labels.
            rows.append({"kind": "vocabulary", "key": str(obj.id)})
        elif (translated := translated_kind(obj)) and (obj in session.new or obj in session.deleted
                                                       or session.is_modified(obj)):
            rows.append({"kind": translated, "key": str(obj.entry_id)})  # the entry is indexed with its translations
    if rows:
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            # Change ids must become visible in id order, or a catch-up could pass over an id that commits later.
            # Holding this lock until commit makes writers of searchable rows take ids in commit order.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_LOCK})
        connection.execute(insert(SearchChange), rows)
        session.info[PENDING] = True


def _indexed(obj) -> bool:
    """Whether a change to a searchable row can concern the index, which holds published rows only: the row is
    published, or was before this flush. A draft saved again changes nothing searchable, and recording it would make
    every process re-read its index and every kept page (kept_pages) be made again."""
    if obj.status == "published":
        return True
    return "published" in (attributes.get_history(obj, "status").deleted or ())


@event.listens_for(Session, "after_commit")
def _apply_after_commit(session: Session) -> None:
    if session.info.pop(PENDING, False) and has_app_context() and current_app.config.get("SEARCH_APPLY_ON_COMMIT"):
        try:
            catch_up(wait=current_app.config.get("SEARCH_COMMIT_WAIT", 0.0))
        except Exception:  # the commit succeeded; a later search or process catches up
            log.exception("Applying search changes after commit failed")


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def catch_up(limit: int = 5000, wait: float = 0.0) -> str:
    """Apply pending changes if the write lock is free within ``wait`` seconds. Returns 'applied', 'current', 'busy'
    or 'unavailable'."""
    for _attempt in range(3):
        try:
            ix = store.open_index()
        except store.IndexUnavailable:
            return "unavailable"
        try:
            writer = ix.writer(timeout=wait, delay=0.02)
        except LockError:
            return "busy"
        except Exception:
            if store.is_current(ix):
                raise
            store.forget(ix.storage.folder)  # swapped out and deleted while we opened it: use the new one
            continue
        if store.is_current(ix):
            return _apply(ix, writer, limit)
        writer.cancel()  # a rebuild swapped a new index in while we waited for the lock of the old one
        store.forget(ix.storage.folder)
    return "busy"


def _apply(ix, writer, limit: int) -> str:
    try:
        with ix.searcher() as s:
            last = store.last_applied(s)
        with Session(db.engine) as session:
            changes = session.execute(
                select(SearchChange.id, SearchChange.kind, SearchChange.key)
                .where(SearchChange.id > last).order_by(SearchChange.id).limit(limit)
            ).all()
            if not changes:
                writer.cancel()
                retention.record_position(last)
                return "current"
            if changes[0][0] > last + 1 and last < retention.pruned_through(session):
                raise store.IndexUnavailable("the index is behind changes pruned from the outbox; it must be rebuilt")
            for kind, ids in _affected(session, changes).items():
                model, document = kinds()[kind].model, kinds()[kind].document
                found = {row.id: row for row in session.scalars(select(model).where(model.id.in_(ids)))}
                for row_id in sorted(ids):
                    row = found.get(row_id)
                    if row is not None and row.status == "published":
                        writer.update_document(**document(row))
                    else:
                        writer.delete_by_term("id", document_id(kind, row_id))
            writer.update_document(**state_document(changes[-1][0]))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    retention.record_position(changes[-1][0])
    if len(changes) == limit:
        return catch_up(limit)
    return "applied"


def _affected(session: Session, changes) -> dict[str, set[int]]:
    """Row ids to re-index per kind: the changed rows, and every row holding a relabelled term."""
    affected = {kind: {int(key) for _id, changed, key in changes if changed == kind} for kind in kinds()}
    term_ids = [int(key) for _id, kind, key in changes if kind == "term"]
    if term_ids:
        for kind, described in kinds().items():
            if described.term_link is not None:
                row_column, term_column = described.term_link
                affected[kind].update(session.scalars(select(row_column).where(term_column.in_(term_ids))))
    return {kind: ids for kind, ids in affected.items() if ids}


def ensure_current() -> None:
    """Called by searches: catch up if the database has changes the index has not applied."""
    s = store.searcher()
    if store.last_applied(s) < store.latest_change():
        catch_up()
