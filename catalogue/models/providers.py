"""What technology providers (the organisations that make the catalogued tools) are asked by curators."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.people import User
from catalogue.models.tools import Tool

VERIFICATION_STATES = ("open", "answered", "accepted", "closed")
QUESTION_MAX = 2000
ANSWER_MAX = 4000


class VerificationRequest(Base):
    """A curator asks the providers of a tool's organisation to confirm its facts. ``open`` until a provider answers
    (``answered``); a curator then accepts the answer, which re-verifies the entry (``accepted``), or closes it without
    (``closed``). A provider's answer alone never changes the entry nor its "Last verified"."""

    __tablename__ = "verification_requests"
    __table_args__ = (CheckConstraint(f"status IN {VERIFICATION_STATES!r}", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    answer: Mapped[str] = mapped_column(Text, default="")
    #: Whether the provider says the facts are still right as published (else they proposed a change or explained).
    confirmed: Mapped[bool | None] = mapped_column()
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)

    tool: Mapped[Tool] = relationship()
    asked_by: Mapped[User | None] = relationship(foreign_keys=[asked_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<VerificationRequest {self.tool_id} {self.status}>"
