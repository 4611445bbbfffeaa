"""A member's workspace: named shortlists of tools, each tool with a note, private unless shared with named colleagues
of the same agency or with the agency as a whole; saved searches, and the alerts they raise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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


EMAIL_CHOICES = ("off", "daily", "immediate")


class SavedSearch(Base):
    """A catalogue search a member named, to run again and to be alerted about: its words, filters and sort as the
    catalogue page's query string reads them."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LIMIT))
    #: ``[[parameter, value], …]`` (``q``, one per filter value, ``sort``), in the order the catalogue's URL has them.
    query: Mapped[list] = mapped_column(JSON, default=list)
    #: Alerts by e-mail: ``off`` (the default: the list and the inbox only), a ``daily`` digest, or ``immediate``.
    email: Mapped[str] = mapped_column(String(10), default="off")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: When the member last opened the results: tools published or changed since count as new.
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[User] = relationship()


class Alert(Base):
    """A tool that newly matches a member's saved search: in their list of alerts, and e-mailed if they chose so.
    One per search and tool, ever (the unique key), so running ``flask alerts send`` twice adds nothing twice."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("saved_search_id", "tool_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    saved_search_id: Mapped[int] = mapped_column(ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    saved_search: Mapped[SavedSearch] = relationship()
    tool: Mapped[Tool] = relationship()


class Follow(Base):
    """A member follows a published tool, to be told when its entry changes in a way readers see. Private: only the
    follower sees it (404 for anybody else)."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("user_id", "tool_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    tool: Mapped[Tool] = relationship()
    events: Mapped[list[FollowEvent]] = relationship(back_populates="follow", cascade="all, delete-orphan",
                                                     passive_deletes=True)


class FollowSetting(Base):
    """How a member hears about the tools they follow by e-mail: ``off`` (the default, no row), ``daily`` or
    ``immediate``, as for saved searches; one choice for all their followed tools."""

    __tablename__ = "follow_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    email: Mapped[str] = mapped_column(String(10), default="off")


FOLLOW_EVENT_KINDS = ("changed", "archived", "withdrawn", "stale", "guidance", "usage")


class FollowEvent(Base):
    """Something readers of a followed tool's entry can see changed: a published change (the fields that differ),
    archived, withdrawn, due for verification, a new guidance page that applies to it, a new agency using it.

    ``key`` names what happened (``revision:12``, ``stale:2025-01-31``, ``guidance:4``, ``usage:9``): one event per
    follow and key, ever, so running ``flask alerts send`` twice adds nothing twice. ``details`` holds what the
    message needs (the changed fields' names, the guidance page's id, the usage record's id), never text to show
    as it was: labels are read in the reader's language when shown."""

    __tablename__ = "follow_events"
    __table_args__ = (UniqueConstraint("follow_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_id: Mapped[int] = mapped_column(ForeignKey("follows.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    happened_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime)

    follow: Mapped[Follow] = relationship(back_populates="events")
    tool: Mapped[Tool] = relationship()
