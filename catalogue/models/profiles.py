"""Officer profiles: what a member chooses to tell other vetted members about themselves, field by field."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.people import Agency, User
from catalogue.models.tools import Tool

ROLE_MAX = 120
#: The fields a member shows or keeps private one by one. Name, agency and country are the profile's heading: a
#: published profile always shows them, since nobody could be introduced to a person without them.
PROFILE_FIELDS = ("role", "specialisms", "languages", "tools", "time_zone")

profile_tools = Table(
    "officer_profile_tools", Base.metadata,
    Column("profile_id", ForeignKey("officer_profiles.id", ondelete="CASCADE"), primary_key=True),
    Column("tool_id", ForeignKey("tools.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class OfficerProfile(Base):
    """A member's opt-in profile for other vetted members. Unpublished by default, every field private by default.

    ``agency_id`` is the agency the member belonged to when they last saved it: a member who leaves that agency (or
    moves to another) stops being listed at once, until they save the profile again from their new agency. Languages
    and time zone are the account's own (``User.languages``, ``User.time_zone``); the profile only says whether
    they are shown.
    """

    __tablename__ = "officer_profiles"
    __table_args__ = (UniqueConstraint("user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id", ondelete="SET NULL"), index=True)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    accepts_introductions: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(ROLE_MAX), default="")
    #: Slugs from ``catalogue.models.contact.SPECIALISMS``, the agency directory's vocabulary.
    specialisms: Mapped[list[str]] = mapped_column(JSON, default=list)
    show_role: Mapped[bool] = mapped_column(Boolean, default=False)
    show_specialisms: Mapped[bool] = mapped_column(Boolean, default=False)
    show_languages: Mapped[bool] = mapped_column(Boolean, default=False)
    show_tools: Mapped[bool] = mapped_column(Boolean, default=False)
    show_time_zone: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    user: Mapped[User] = relationship()
    agency: Mapped[Agency | None] = relationship()
    tools: Mapped[list[Tool]] = relationship(secondary=profile_tools, order_by="Tool.name")

    def shows(self, name: str) -> bool:
        return bool(getattr(self, f"show_{name}"))

    def __repr__(self) -> str:
        return f"<OfficerProfile of user {self.user_id}>"
