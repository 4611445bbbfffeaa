"""When two requests write the same rows at the same moment, the database lets one of them win; this module turns the
loser's database error into the service's own "someone was first" answer, so the person sees what happened and gets
their text back instead of a 500.

A service wraps its writes and its commit in :func:`unit_of_work` and says which exception means a conflict for it
(``EditConflict``, ``TranslationConflict``, …). The database refuses a concurrent write in two ways, both caught:

- ``StaleDataError``: a row with a version counter (``version_id_col``) was changed since it was read, so the UPDATE
  or DELETE matched no row. It is raised at flush, which may be an autoflush in the middle of the service's work (a
  query after a change), not only at the commit: the whole block is covered.
- ``IntegrityError`` for a unique or foreign key: the other request inserted the same key first, or deleted a row
  this one refers to. Other integrity errors (a NOT NULL column left empty) are bugs and stay errors.

Rows without a version counter are serialised with :func:`lock_rows` and read again under the lock.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from catalogue.extensions import db

log = logging.getLogger(__name__)

#: SQLSTATE (PostgreSQL) and extended result codes (SQLite) of a key another transaction took or removed first.
CONCURRENT_SQLSTATES = frozenset({"23505", "23503"})  # unique_violation, foreign_key_violation
CONCURRENT_SQLITE_ERRORS = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY",
                                      "SQLITE_CONSTRAINT_FOREIGNKEY"})


class ConcurrentChange(Exception):
    """Someone changed the same thing at the same moment, and nothing of this request was written.

    ``message`` says what happened, for the person; ``kept`` is what they typed (label → text), shown back so it is not
    lost. A view that does not handle it answers 409 with both (``catalogue/errors.py``).
    """

    def __init__(self, message: str = "", kept: Mapping[str, str] | None = None):
        super().__init__(message)
        self.message = message or _("Someone else changed this at the same moment, so nothing of yours was saved. "
                                    "Look at it as it is now, then try again.")
        self.kept = {label: text for label, text in (kept or {}).items() if text}


def is_concurrent(error: Exception) -> bool:
    """Whether ``error`` is the database refusing a write because another transaction got there first."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, IntegrityError):
        return False
    original = error.orig
    return (getattr(original, "sqlstate", None) in CONCURRENT_SQLSTATES
            or getattr(original, "sqlite_errorname", None) in CONCURRENT_SQLITE_ERRORS)


@contextmanager
def unit_of_work(on_conflict: Callable[[Exception], Exception] | None = None) -> Iterator[None]:
    """Run the block's changes and commit them as one. When the database refuses them because another request wrote
    the same rows first, roll everything back and raise ``on_conflict(error)`` (called after the rollback, so it may
    read the rows as they are now) or, without it, a :class:`ConcurrentChange`.

    Exceptions the block raises itself (a refusal the service decided on) also roll back, and go on unchanged.
    """
    try:
        yield
        db.session.commit()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        if not is_concurrent(error):
            raise
        log.info("A concurrent write was refused (%s); answered as a conflict", type(error).__name__)
        raise (on_conflict(error) if on_conflict else ConcurrentChange()) from error
    except BaseException:
        db.session.rollback()
        raise


def lock_rows(model, ids: Iterable[int]) -> None:
    """Serialise changes to rows that carry no version counter: a write that changes nothing, one row at a time in
    id order (so two requests locking the same rows cannot wait for each other), held until the transaction ends.
    On PostgreSQL that is the rows' lock, on SQLite the database's write lock. Read the rows again after it
    (``db.session.refresh``): what others committed before is then visible, and nobody can change it until the
    commit."""
    table = model.__table__
    key = next(iter(table.primary_key.columns))
    keep = next(column for column in table.columns if not column.primary_key and not column.foreign_keys)
    for row_id in sorted(set(ids)):
        db.session.execute(update(table).where(key == row_id).values({keep.name: keep}))
