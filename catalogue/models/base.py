"""Declarative base with a naming convention so every constraint has a stable name in migrations."""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, MetaData, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Current UTC time without tzinfo: SQLite keeps no zone, so every stored time is naive UTC."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


class CurationRecord:
    """Who did what to a curated entry (a tool or a guidance page), the reviewer's comments on a returned entry, the
    sources of the last verification, and the sources its claims come from (``catalogue.sources``)."""

    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)
    review_comments: Mapped[str] = mapped_column(Text, default="", server_default="")
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verification_sources: Mapped[str] = mapped_column(Text, default="", server_default="")
    sources: Mapped[list[dict]] = mapped_column(JSON, default=list, server_default="[]")

    @declared_attr
    def created_by(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.created_by_id")

    @declared_attr
    def updated_by(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.updated_by_id")

    @declared_attr
    def submitted_by(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.submitted_by_id")

    @declared_attr
    def verified_by(cls):
        return relationship("User", foreign_keys=f"{cls.__name__}.verified_by_id")
