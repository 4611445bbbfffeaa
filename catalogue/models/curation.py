"""Curation records: a snapshot of a tool at every save, curation settings, and edits kept for a lost session."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)  # its author
    path: Mapped[str] = mapped_column(String(300))
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


PROPOSAL_STATES = ("open", "approved", "returned", "withdrawn")
PROPOSAL_ACTIONS = ("edit", "restore", "translate", "untranslate")


class ProposedChange(Base):
    """A change to a published entry (its text, or one of its translations) that readers do not see until a curator
    who wrote none of it approves it. ``values`` holds the proposed content, as a snapshot (``edit``, ``restore``) or
    the translated fields (``translate``); ``open_key`` is set only while the change is open, so the database keeps
    one open change per entry (and per translation language)."""

    __tablename__ = "proposed_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_kind: Mapped[str] = mapped_column(String(20))  # "tool" or "guidance"
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    language: Mapped[str | None] = mapped_column(String(10))  # a translation's language; None for the entry itself
    action: Mapped[str] = mapped_column(String(20))
    values: Mapped[dict[str, Any]] = mapped_column(JSON)
    base_version: Mapped[int] = mapped_column(Integer)  # the entry's (or translation's) version when proposed
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    open_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    authors: Mapped[list[int]] = mapped_column(JSON, default=list)  # everyone who wrote part of it
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # the reviewer's reason for returning it, or their note
    self_approved: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Proposed by the tool's maker (a provider account): curators see it marked "from the provider".
    from_provider: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<ProposedChange {self.entry_kind}:{self.entry_id} {self.action} {self.status}>"


class FormerSlug(Base):
    """An address an entry had before it was renamed: it answers with a permanent redirect, and no other entry of the
    kind may take it."""

    __tablename__ = "former_slugs"
    __table_args__ = (UniqueConstraint("entry_kind", "slug", name="uq_former_slugs_kind_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_kind: Mapped[str] = mapped_column(String(20))
    slug: Mapped[str] = mapped_column(String(80))
    entry_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
