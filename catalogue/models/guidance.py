"""Guidance pages: responsible-use articles curated like tools and attached to the vocabulary terms they concern."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, synonym

from catalogue.models.base import Base, CurationRecord, utcnow
from catalogue.models.tools import Term

if TYPE_CHECKING:
    from catalogue.models.people import User

#: Guidance topics, in display order.
GUIDANCE_TOPICS = ("principles", "legal-basis", "procurement", "human-oversight", "bias-accuracy", "data-security",
                   "wellbeing", "technology")

guidance_terms = Table(
    "guidance_terms",
    Base.metadata,
    Column("guidance_id", ForeignKey("guidance_pages.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id", ondelete="RESTRICT"), primary_key=True, index=True),
)

guidance_related = Table(
    "guidance_related",
    Base.metadata,
    Column("guidance_id", ForeignKey("guidance_pages.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("guidance_pages.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class GuidancePage(CurationRecord, Base):
    """One guidance article. Curation columns mirror ``Tool`` so both go through the same workflow."""

    __tablename__ = "guidance_pages"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'in_review', 'published', 'archived')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(40), index=True)
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    name = synonym("title")  # lists and messages shared with tools say ``entry.name``
    terms: Mapped[list[Term]] = relationship(secondary=guidance_terms, lazy="selectin")
    related: Mapped[list[GuidancePage]] = relationship(
        secondary=guidance_related, primaryjoin=id == guidance_related.c.guidance_id,
        secondaryjoin=id == guidance_related.c.related_id, order_by="GuidancePage.title", lazy="selectin")

    def terms_in(self, vocabulary_slug: str) -> list[Term]:
        found = [t for t in self.terms if t.vocabulary.slug == vocabulary_slug]
        return sorted(found, key=lambda t: t.position)

    def __repr__(self) -> str:
        return f"<GuidancePage {self.slug}>"


class GuidanceRevision(Base):
    """A full copy of a guidance page after one save, numbered per page from 1 (as ``ToolRevision``)."""

    __tablename__ = "guidance_revisions"
    __table_args__ = (UniqueConstraint("guidance_id", "number", name="uq_guidance_revisions_guidance_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guidance_id: Mapped[int] = mapped_column(ForeignKey("guidance_pages.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    entry_version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    entry_id = synonym("guidance_id")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<GuidanceRevision {self.guidance_id}#{self.number}>"
