"""What the search keeps in the database: the outbox (one row per change to something searchable, written in the
changing transaction) and administrators' changes to the synonym groups."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow

if TYPE_CHECKING:
    from catalogue.models.people import User

# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
ChangeId = BigInteger().with_variant(Integer(), "sqlite")


class SearchChange(Base):
    """``kind`` names what changed (``tool`` or ``term``) and ``key`` its id; ids give the order of application."""

    __tablename__ = "search_changes"

    id: Mapped[int] = mapped_column(ChangeId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SearchChange {self.id} {self.kind}:{self.key}>"


class SynonymGroup(Base):
    """An administrator's change to the synonym groups of ``catalogue/data/synonyms.json``, applied at query time.

    A row with the key of a shipped group replaces that group's phrases and language, or deletes it (``deleted``);
    a row with any other key is a group an administrator added. Rows are never removed: deleting is a flag and every
    change raises ``version``, so the row count plus the sum of versions grows with each change, and each worker
    process notices a change with one small query (``search/synonyms.py``). ``version`` also stops two
    administrators from overwriting each other's edits.
    """

    __tablename__ = "synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), unique=True)
    language: Mapped[str | None] = mapped_column(String(10))  # an interface language; None: every language
    phrases: Mapped[list[str]] = mapped_column(JSON, default=list)  # as typed; compared normalised
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<SynonymGroup {self.key}{' deleted' if self.deleted else ''} v{self.version}>"
