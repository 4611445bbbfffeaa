"""Trainings (courses, webinars, workshops) and the members enrolled in them or waiting for a seat."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.guidance import GuidancePage
from catalogue.models.tools import Tool

if TYPE_CHECKING:
    from catalogue.models.people import User

TRAINING_FORMATS = ("online", "in_person", "hybrid")
TRAINING_KINDS = ("course", "webinar", "workshop")
TRAINING_STATUSES = ("draft", "published", "cancelled")
ENROLMENT_STATUSES = ("enrolled", "waitlisted", "cancelled")
#: An enrolment that holds a seat or a place in the queue; ``cancelled`` rows are kept for the history.
ACTIVE_ENROLMENT = ("enrolled", "waitlisted")

training_tools = Table(
    "training_tools",
    Base.metadata,
    Column("training_id", ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("tool_id", ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True, index=True),
)

training_guidance = Table(
    "training_guidance",
    Base.metadata,
    Column("training_id", ForeignKey("trainings.id", ondelete="CASCADE"), primary_key=True),
    Column("guidance_id", ForeignKey("guidance_pages.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Training(Base):
    """One course, webinar or workshop.

    Times are stored as the organiser gives them: local wall time plus an IANA zone name, so "10:00 in Vienna" stays
    10:00 in Vienna whatever daylight-saving rules say later. ``starts_at_utc``/``ends_at_utc`` are derived from them
    on every save, for sorting and for telling upcoming from past trainings in one query.
    """

    __tablename__ = "trainings"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        CheckConstraint("format IN ('online', 'in_person', 'hybrid')", name="format_known"),
        CheckConstraint("kind IN ('course', 'webinar', 'workshop')", name="kind_known"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    registration_deadline: Mapped[datetime | None] = mapped_column(DateTime)
    starts_at_utc: Mapped[datetime] = mapped_column(DateTime, index=True)
    ends_at_utc: Mapped[datetime] = mapped_column(DateTime, index=True)
    location: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Written by every enrolment change before seats are counted: that write takes the row lock (PostgreSQL) or
    # the database write lock (SQLite), so enrolments of one training happen one after another. ``version`` is not
    # used for this, as it would make a curator's save fail whenever someone enrolled meanwhile.
    enrolments_changed_at: Mapped[datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    tools: Mapped[list[Tool]] = relationship(secondary=training_tools, order_by="Tool.name", lazy="selectin")
    guidance: Mapped[list[GuidancePage]] = relationship(secondary=training_guidance, order_by="GuidancePage.title",
                                                        lazy="selectin")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """The start as an aware datetime in the training's zone."""
        return self.starts_at.replace(tzinfo=self.zone)

    @property
    def local_end(self) -> datetime:
        return self.ends_at.replace(tzinfo=self.zone)

    @property
    def local_deadline(self) -> datetime | None:
        return self.registration_deadline.replace(tzinfo=self.zone) if self.registration_deadline else None

    @property
    def published_tools(self) -> list[Tool]:
        return [tool for tool in self.tools if tool.status == "published"]

    @property
    def published_guidance(self) -> list[GuidancePage]:
        return [page for page in self.guidance if page.status == "published"]

    def __repr__(self) -> str:
        return f"<Training {self.slug}>"


class Enrolment(Base):
    """A member's place in a training: one row per member and training, whose status changes over time.

    The unique (training, member) pair is what keeps a member from holding two seats, on SQLite and PostgreSQL
    alike; leaving sets ``cancelled`` and enrolling again reuses the row. ``queue_number`` orders the waiting list:
    it is taken afresh, under the training's lock, each time the member enrols.
    """

    __tablename__ = "enrolments"
    __table_args__ = (
        UniqueConstraint("training_id", "user_id", name="uq_enrolments_training_user"),
        CheckConstraint("status IN ('enrolled', 'waitlisted', 'cancelled')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("trainings.id", ondelete="CASCADE"))  # first in the unique pair
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    queue_number: Mapped[int] = mapped_column(Integer)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)  # when the member last asked for a place
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    training: Mapped[Training] = relationship()
    user: Mapped[User] = relationship()

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_ENROLMENT

    def __repr__(self) -> str:
        return f"<Enrolment {self.training_id}:{self.user_id} {self.status}>"
