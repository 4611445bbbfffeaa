"""The search outbox: one row per change to something searchable, written in the changing transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from catalogue.models.base import Base, utcnow

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
