"""The contact section: agencies' units and the tools they use, requests between agencies, their message threads,
and the in-app notifications that point people at them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.tools import Tool

if TYPE_CHECKING:
    from catalogue.models.people import Agency, User

#: UN M49 regions; ``catalogue/data/regions.json`` places every country in one.
REGIONS = ("africa", "americas", "asia", "europe", "oceania")
SPECIALISMS = (
    "victim-identification", "online-investigations", "digital-forensics", "undercover-operations", "hotline",
    "prosecution", "training", "research",
)
REQUEST_KINDS = ("tool-experience", "case-cooperation", "technical-assistance", "training", "other")
URGENCIES = ("routine", "urgent")
HANDLING_CODES = ("H0", "H1", "H2", "H3")
REQUEST_STATES = ("submitted", "acknowledged", "accepted", "declined", "closed")
#: States in which the receiving agency still owes an answer.
OPEN_STATES = ("submitted", "acknowledged", "accepted")
NOTIFICATION_EVENTS = ("submitted", "acknowledged", "accepted", "declined", "closed", "assigned", "message", "overdue")

SUBJECT_MAX = 200
MESSAGE_MAX = 5000
REASON_MAX = 1000
NOTE_MAX = 500


def _known(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN {values!r}", name=name)


class AgencyUnit(Base):
    """A team inside an agency, listed on the agency's page."""

    __tablename__ = "agency_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    agency: Mapped[Agency] = relationship(back_populates="units")


class ToolUsage(Base):
    """An agency says it uses a catalogue tool, with an optional short note on its experience."""

    __tablename__ = "tool_usages"
    __table_args__ = (UniqueConstraint("agency_id", "tool_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    agency: Mapped[Agency] = relationship(back_populates="tool_usages")
    tool: Mapped[Tool] = relationship()
    recorded_by: Mapped[User | None] = relationship()


class ContactRequest(Base):
    """A structured request from a member of one agency to another agency.

    ``state`` changes only through a conditional UPDATE on the state the actor saw (see ``catalogue.contact``), so two
    people acting at once cannot both win. ``due_at`` is fixed when the request is sent from the urgency's answer time.
    """

    __tablename__ = "contact_requests"
    __table_args__ = (
        _known("kind", REQUEST_KINDS, "kind_known"),
        _known("urgency", URGENCIES, "urgency_known"),
        _known("handling_code", HANDLING_CODES, "handling_code_known"),
        _known("state", REQUEST_STATES, "state_known"),
        CheckConstraint("sender_agency_id <> recipient_agency_id", name="not_own_agency"),
        Index("ix_contact_requests_recipient_state", "recipient_agency_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sender_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"), index=True)
    recipient_agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="RESTRICT"))
    #: Set for an introduction request: addressed to this person (a member of the receiving agency when it was
    #: sent), who alone answers it, rather than to the agency's points of contact. RESTRICT, not SET NULL: a
    #: request that lost its person would turn into one the whole agency's points of contact could read.
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    message: Mapped[str] = mapped_column(Text)
    urgency: Mapped[str] = mapped_column(String(10), default="routine")
    handling_code: Mapped[str] = mapped_column(String(2))
    handling_conditions: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    tool_id: Mapped[int | None] = mapped_column(ForeignKey("tools.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), default="submitted")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)  # accepted or declined
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    overdue_notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    demo: Mapped[bool] = mapped_column(default=False)

    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])
    sender_agency: Mapped[Agency] = relationship(foreign_keys=[sender_agency_id])
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
    recipient_agency: Mapped[Agency] = relationship(foreign_keys=[recipient_agency_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    tool: Mapped[Tool | None] = relationship()
    messages: Mapped[list[ContactMessage]] = relationship(
        back_populates="request", order_by="ContactMessage.id", cascade="all, delete-orphan")

    @property
    def is_introduction(self) -> bool:
        return self.recipient_id is not None

    @property
    def introduced(self) -> bool:
        """An introduction its recipient accepted: from then on both sides see each other's e-mail address."""
        return self.is_introduction and self.responded_at is not None and self.state in ("accepted", "closed") \
            and not self.decline_reason

    def overdue(self, now: datetime) -> bool:
        """Past the expected answer time without an acknowledgement."""
        return self.state == "submitted" and self.due_at < now

    def __repr__(self) -> str:
        return f"<ContactRequest {self.id} {self.state}>"


class ContactMessage(Base):
    """One message of a request's thread. Plain text: shown escaped, never rendered as Markdown or HTML."""

    __tablename__ = "contact_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("contact_requests.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    request: Mapped[ContactRequest] = relationship(back_populates="messages")
    author: Mapped[User | None] = relationship()


class Notification(Base):
    """An entry in someone's in-app inbox about a request; it carries no request content, only what happened."""

    __tablename__ = "notifications"
    __table_args__ = (
        _known("event", NOTIFICATION_EVENTS, "event_known"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    request_id: Mapped[int] = mapped_column(ForeignKey("contact_requests.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    request: Mapped[ContactRequest] = relationship()
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
