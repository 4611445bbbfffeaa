"""A member's workspace: named shortlists of tools, each tool with a note, private unless shared with named colleagues
of the same agency or with the agency as a whole."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from catalogue.models.base import Base, utcnow
from catalogue.models.people import User
from catalogue.models.tools import Tool

NAME_LIMIT = 100
NOTE_LIMIT = 1000


class Shortlist(Base):
    __tablename__ = "shortlists"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LIMIT))
    #: Read-only for every member of the owner's agency (besides the colleagues named in ``shares``).
    shared_with_agency: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    owner: Mapped[User] = relationship()
    items: Mapped[list[ShortlistItem]] = relationship(back_populates="shortlist", cascade="all, delete-orphan",
                                                      order_by="ShortlistItem.id")
    shares: Mapped[list[ShortlistShare]] = relationship(cascade="all, delete-orphan", order_by="ShortlistShare.id")

    __mapper_args__ = {"version_id_col": version}


class ShortlistItem(Base):
    __tablename__ = "shortlist_items"
    __table_args__ = (UniqueConstraint("shortlist_id", "tool_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlists.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    shortlist: Mapped[Shortlist] = relationship(back_populates="items")
    tool: Mapped[Tool] = relationship()


class ShortlistShare(Base):
    """A named colleague who may read the list (only while they belong to the owner's agency)."""

    __tablename__ = "shortlist_shares"
    __table_args__ = (UniqueConstraint("shortlist_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shortlist_id: Mapped[int] = mapped_column(ForeignKey("shortlists.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    user: Mapped[User] = relationship()
