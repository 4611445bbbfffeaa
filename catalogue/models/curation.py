"""Curation records: a snapshot of a tool at every save, curation settings, and edits kept for a lost session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from catalogue.models.base import Base, utcnow
from catalogue.models.people import User

REVISION_ACTIONS = (
    "created", "edited", "submitted", "approved", "returned", "unpublished", "archived", "reopened",
    "restored", "verified", "imported", "vocabulary",
)


class ToolRevision(Base):
    """A full copy of a tool's fields after one save, numbered per tool from 1."""

    __tablename__ = "tool_revisions"
    __table_args__ = (UniqueConstraint("tool_id", "number", name="uq_tool_revisions_tool_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    tool_version: Mapped[int] = mapped_column(Integer)  # Tool.version right after this save
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    entry_id = synonym("tool_id")  # names shared with ``GuidanceRevision``
    entry_version = synonym("tool_version")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ToolRevision {self.tool_id}#{self.number}>"


class Setting(Base):
    """A setting administrators change in the interface, such as whether curators may approve their own work."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class KeptEdit(Base):
    """Form input that arrived after its author's session had ended, kept until they sign in and restore it."""

    __tablename__ = "kept_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(String(300))
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
