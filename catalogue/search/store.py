"""The index on disk: a disposable copy of the published tools, rebuilt from the database whenever in doubt.

Layout under ``CATALOGUE_DATA_DIR/search``: ``CURRENT`` names the live index directory; ``rebuild`` writes a new
directory and swaps ``CURRENT`` atomically. Every process opens what ``CURRENT`` names and notices a swap.

Files are read with plain reads, never memory-mapped: a segment truncated or damaged on disk then raises an error that
search answers from the database, where a memory-mapped read past its end kills the worker with SIGBUS. The old
directory is deleted under its write lock, so a writer in another process never writes into a directory being
deleted; directories a killed rebuild left behind are deleted by the next rebuild or start.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher

from catalogue.extensions import db
from catalogue.languages import catalogues_stamp
from catalogue.models import SearchChange
from catalogue.search import retention
from catalogue.search.registry import kinds
from catalogue.search.schema import SCHEMA_VERSION, STATE_ID, build_schema, state_document

BATCH = 500
CLI_PROCESSES = max(1, min(4, os.cpu_count() or 1))
#: Seconds a swap waits for a writer in another process to finish with the old index before deleting it anyway later.
SWAP_WAIT = 30.0


class IndexUnavailable(Exception):
    """The index is missing, unreadable or corrupt; search runs degraded until it is rebuilt."""


_opened: dict[str, whoosh_index.Index] = {}
_opened_lock = threading.Lock()
_local = threading.local()


def root() -> Path:
    return Path(current_app.config["CATALOGUE_DATA_DIR"]) / "search"


def current_dir() -> Path | None:
    try:
        name = (root() / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return root() / name if name else None


def storage(directory: Path | str) -> FileStorage:
    """The files of one index directory, read without memory mapping (see the module's docstring)."""
    return FileStorage(str(directory), supports_mmap=False)


def open_index() -> whoosh_index.Index:
    """The live index, opened once per process and directory; raises ``IndexUnavailable``."""
    directory = current_dir()
    if directory is None or not directory.is_dir():
        raise IndexUnavailable("no search index has been built")
    key = str(directory)
    with _opened_lock:
        if key not in _opened:
            try:
                ix = storage(key).open_index()
            except Exception as error:
                raise IndexUnavailable(f"the index cannot be opened: {error!r}") from error
            _opened.clear()
            _opened[key] = ix
        return _opened[key]


def is_current(ix: whoosh_index.Index) -> bool:
    """Whether ``ix`` is still the live index (a rebuild in any process may have swapped another in)."""
    directory = current_dir()
    return directory is not None and str(directory) == ix.storage.folder


def searcher() -> Searcher:
    """A searcher for this thread on the live index, refreshed to its latest commit."""
    ix = open_index()
    cached: Searcher | None = getattr(_local, "searcher", None)
    try:
        stale = cached is None or getattr(_local, "index_dir", None) != ix.storage.folder or not cached.up_to_date()
        if stale:
            # A fresh searcher, not Searcher.refresh(): refresh reuses segment readers and can miss deletions.
            if cached is not None:
                cached.close()
            cached = ix.searcher()
        _local.searcher, _local.index_dir = cached, ix.storage.folder
        return cached
    except Exception as error:
        _local.searcher = None
        forget(ix.storage.folder)
        raise IndexUnavailable(f"the index cannot be read: {error!r}") from error


def forget_all() -> None:
    """Drop every index and searcher this process opened (a forked worker opens its own)."""
    with _opened_lock:
        _opened.clear()
    _local.__dict__.clear()


def forget(folder: str) -> None:
    with _opened_lock:
        _opened.pop(folder, None)


def last_applied(s: Searcher) -> int:
    """The id of the last outbox change this index has applied (its state document)."""
    reader = s.reader()
    if ("id", STATE_ID) in reader:
        for docnum in reader.postings("id", STATE_ID).all_ids():  # may list replaced copies: skip deleted ones
            if not reader.is_deleted(docnum):
                state = reader.stored_fields(docnum)
                if state.get("schema_version") != SCHEMA_VERSION:
                    raise IndexUnavailable("the index was built by an older version of the catalogue")
                if state.get("wording") != catalogues_stamp():
                    raise IndexUnavailable("the interface's message catalogues changed since the index was built")
                return int(state["last_change"])
    raise IndexUnavailable("the index has no state document")


def generation(s: Searcher) -> tuple[str, int]:
    """Which state of the index ``s`` reads: its directory and the last outbox change applied to it. Anything
    computed from one generation holds until the catalogue changes (or a rebuild swaps in another directory)."""
    return s._ix.storage.folder if getattr(s, "_ix", None) is not None else "", last_applied(s)


def latest_change(session: Session | None = None) -> int:
    session = session or db.session
    return session.scalar(select(func.coalesce(func.max(SearchChange.id), 0))) or 0


def published_documents(session: Session) -> Iterable[dict]:
    """The index document of every published row of every searchable kind."""
    for described in kinds().values():
        model, document = described.model, described.document
        query = select(model).where(model.status == "published").order_by(model.id).execution_options(yield_per=BATCH)
        for row in session.scalars(query):
            yield document(row)


def published_count(session: Session) -> int:
    return sum(session.scalar(select(func.count()).select_from(d.model).where(d.model.status == "published")) or 0
               for d in kinds().values())


_rebuilding = threading.local()


@contextmanager
def rebuild_lock(reentrant: bool = False):
    """Only one rebuild at a time across processes; others return at once instead of queueing. ``reentrant``: a
    thread already holding it gets it again (the clean-up at the end of a rebuild)."""
    if reentrant and getattr(_rebuilding, "held", False):
        yield True
        return
    root().mkdir(mode=0o700, parents=True, exist_ok=True)
    with open(root() / "rebuild.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        _rebuilding.held = True
        try:
            yield True
        finally:
            _rebuilding.held = False
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild(progress: Callable[[Iterable], Iterable] | None = None, processes: int = 1) -> int | None:
    """Index every published tool and guidance page into a new directory, then swap it in. Returns the count, or
    None if busy.

    ``processes`` > 1 indexes with forked workers: only for a single-threaded process such as the CLI, because
    forking a threaded web process can deadlock.
    """
    with rebuild_lock() as acquired:
        if not acquired:
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        directory = root() / f"index-{stamp}-{uuid.uuid4().hex[:6]}"
        directory.mkdir(mode=0o700, parents=True)
        with Session(db.engine) as session:
            mark = latest_change(session)  # changes after this are applied by catch-up after the swap
            total = published_count(session)
            ix = storage(directory).create_index(build_schema())
            if threading.active_count() > 1:
                processes = 1  # forking a process with other threads running can deadlock the children
            writer = ix.writer(limitmb=256, procs=processes, multisegment=processes > 1)
            count = 0
            documents = published_documents(session)
            for document in (progress(documents, total) if progress else documents):
                writer.add_document(**document)
                count += 1
            writer.add_document(**state_document(mark))
            writer.commit(optimize=True)
        swap_to(directory)
        retention.record_position(mark, force=True)
    return count  # changes committed after ``mark`` are applied by the next commit's or search's catch-up


def swap_to(directory: Path) -> None:
    """Point ``CURRENT`` at ``directory``. The old index is swapped out while holding its write lock (a writer in
    another process finishes its commit first, and any writer after it sees the swap and moves to the new index),
    then deleted with every other directory no process can still be writing."""
    pointer = root() / "CURRENT"
    old = current_dir()
    with _write_locked(old, wait=SWAP_WAIT) as locked:
        temporary = root() / f"CURRENT.{uuid.uuid4().hex}"
        temporary.write_text(directory.name, encoding="utf-8")
        os.replace(temporary, pointer)
        if locked and old is not None and old != directory:
            shutil.rmtree(old, ignore_errors=True)
    clean_leftovers()


def clean_leftovers() -> list[str]:
    """Delete index directories that ``CURRENT`` does not name and no one writes (left by a killed rebuild, or an old
    index whose writer was busy at the swap), and stray pointer files. Nothing while a rebuild is running, whose
    directory is not named yet. Returns the names deleted."""
    if not root().is_dir():
        return []
    removed = []
    with rebuild_lock(reentrant=True) as acquired:
        if not acquired:
            return []
        live = current_dir()
        for path in root().iterdir():
            if path.name.startswith("CURRENT.") and path.is_file():
                path.unlink(missing_ok=True)
                removed.append(path.name)
            elif path.name.startswith("index-") and path.is_dir() and path != live:
                with _write_locked(path, wait=0) as locked:
                    if locked:
                        shutil.rmtree(path, ignore_errors=True)
                        removed.append(path.name)
    return removed


@contextmanager
def _write_locked(directory: Path | None, wait: float):
    """Hold the Whoosh write lock of ``directory`` (the one ``ix.writer()`` takes); yields False if it stayed busy
    for ``wait`` seconds or the directory holds no index."""
    if directory is None or not directory.is_dir():
        yield False
        return
    from whoosh.util import filelock

    lock = storage(directory).lock(f"{whoosh_index._DEF_INDEX_NAME}_WRITELOCK")
    try:
        acquired = filelock.try_for(lock.acquire, timeout=wait, delay=0.05) if wait else lock.acquire()
    except OSError:
        acquired = False
    try:
        yield bool(acquired)
    finally:
        if acquired:
            lock.release()


_background: dict[str, threading.Thread] = {}


def rebuild_in_background() -> threading.Thread:
    """Start a rebuild in a daemon thread unless one is already running in this process."""
    app = current_app._get_current_object()
    key = str(root())
    running = _background.get(key)
    if running and running.is_alive():
        return running

    def work():
        with app.app_context():
            try:
                rebuild()
            except Exception:
                app.logger.exception("Search index rebuild failed")

    thread = threading.Thread(target=work, name="search-rebuild", daemon=True)
    _background[key] = thread
    thread.start()
    return thread


def wait_for_background_rebuild(timeout: float = 60) -> None:
    running = _background.get(str(root()))
    if running:
        running.join(timeout)
