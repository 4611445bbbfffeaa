"""Curators' translations of tool entries and guidance pages into the other interface languages.

One row per (entry, language). ``source`` keeps the original's texts the translation was made from, so a page can
tell, without another query, that the English original has changed since (``source_version`` records the entry's
version at that moment, for the history).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship, synonym

from catalogue.models.base import Base, utcnow
from catalogue.models.guidance import GuidancePage
from catalogue.models.tools import Tool

if TYPE_CHECKING:
    from catalogue.models.people import User


class TranslationRecord:
    """What both kinds of translation record besides their text: the language, who saved it and when, what it was
    translated from, and a version counter so that two curators saving at once cannot overwrite each other."""

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(10))
    translated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    source_version: Mapped[int] = mapped_column(Integer)
    source: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr
    def translated_by(cls) -> Mapped[User | None]:
        return relationship("User", foreign_keys=f"{cls.__name__}.translated_by_id")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class ToolTranslation(TranslationRecord, Base):
    __tablename__ = "tool_translations"
    __table_args__ = (UniqueConstraint("tool_id", "language", name="uq_tool_translations_tool_language"),)

    tool_id: Mapped[int] = mapped_column(ForeignKey("tools.id", ondelete="CASCADE"))
    summary: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    responsible_use: Mapped[str] = mapped_column(Text, default="")

    entry_id = synonym("tool_id")

    def __repr__(self) -> str:
        return f"<ToolTranslation {self.tool_id}:{self.language}>"


class GuidanceTranslation(TranslationRecord, Base):
    __tablename__ = "guidance_translations"
    __table_args__ = (UniqueConstraint("page_id", "language", name="uq_guidance_translations_page_language"),)

    page_id: Mapped[int] = mapped_column(ForeignKey("guidance_pages.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")

    entry_id = synonym("page_id")

    def __repr__(self) -> str:
        return f"<GuidanceTranslation {self.page_id}:{self.language}>"


# Read-only collections on the entries, loaded for a whole list of entries in one query (selectin): a results page,
# a comparison or a guidance list never asks once per row. Declared here, not on the entry models, so translations
# stay one module; writes go through the translation rows themselves, so saving one never touches (or versions) the
# entry it translates.
Tool.translations = relationship(ToolTranslation, viewonly=True, lazy="selectin", order_by=ToolTranslation.language)
GuidancePage.translations = relationship(GuidanceTranslation, viewonly=True, lazy="selectin",
                                         order_by=GuidanceTranslation.language)
