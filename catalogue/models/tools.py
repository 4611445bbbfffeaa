"""Tool entries and the controlled vocabularies that classify them."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, CurationRecord, utcnow

if TYPE_CHECKING:
    pass

STATUSES = ("draft", "in_review", "published", "archived")

tool_terms = Table(
    "tool_terms",
    Base.metadata,
    Column("tool_id", ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True),
    Column("term_id", ForeignKey("terms.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Vocabulary(Base):
    """A classification axis such as ``purposes``; ``multiple`` says whether a tool may hold several terms."""

    __tablename__ = "vocabularies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    multiple: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    terms: Mapped[list[Term]] = relationship(
        back_populates="vocabulary", order_by="Term.position", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Vocabulary {self.slug}>"


class Term(Base):
    __tablename__ = "terms"
    __table_args__ = (UniqueConstraint("vocabulary_id", "slug", name="uq_terms_vocabulary_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary_id: Mapped[int] = mapped_column(ForeignKey("vocabularies.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("terms.id", ondelete="SET NULL"))

    vocabulary: Mapped[Vocabulary] = relationship(back_populates="terms", lazy="joined")

    def __repr__(self) -> str:
        return f"<Term {self.vocabulary.slug}:{self.slug}>"


class Tool(CurationRecord, Base):
    """One catalogue entry. Taxonomy values live in ``tool_terms``; ``demo`` marks invented entries."""

    __tablename__ = "tools"
    __table_args__ = (
        CheckConstraint(
            "status IN ('draft', 'in_review', 'published', 'archived')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    website: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsible_use: Mapped[str] = mapped_column(Text, default="")
    last_reviewed: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    terms: Mapped[list[Term]] = relationship(secondary=tool_terms, lazy="selectin")

    def terms_in(self, vocabulary_slug: str) -> list[Term]:
        """This tool's terms of one vocabulary, in the vocabulary's display order."""
        found = [t for t in self.terms if t.vocabulary.slug == vocabulary_slug]
        return sorted(found, key=lambda t: t.position)

    def term_in(self, vocabulary_slug: str) -> Term | None:
        found = self.terms_in(vocabulary_slug)
        return found[0] if found else None

    def __repr__(self) -> str:
        return f"<Tool {self.slug}>"
