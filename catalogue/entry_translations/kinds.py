"""Which fields of each kind of entry curators translate, described once (as ``catalogue.curation.kinds`` describes
the entries themselves) so the forms, services, reading helpers, search and demo loader treat both kinds alike."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from catalogue.curation.kinds import GUIDANCE, TOOL, Kind, kind_of
from catalogue.languages import ORIGINAL
from catalogue.models import GuidanceTranslation, ToolTranslation


@dataclass(frozen=True)
class Translated:
    kind: Kind  # the curation kind (tool or guidance), for audit names, labels and URLs
    model: type  # ToolTranslation or GuidanceTranslation
    fields: tuple[str, ...]  # translated fields, in display order
    limits: dict[str, int | None]  # at most this many characters per field; None: the Markdown limit

    @property
    def markdown(self) -> tuple[str, ...]:
        return tuple(name for name in self.fields if name in self.kind.content.MARKDOWN_FIELDS)

    def originals(self, entry) -> dict[str, str]:
        """The entry's own text of every translated field."""
        return {name: getattr(entry, name) or "" for name in self.fields}


TOOL_TEXT = Translated(TOOL, ToolTranslation, ("summary", "description", "responsible_use"),
                       {"summary": 300, "description": None, "responsible_use": None})
GUIDANCE_TEXT = Translated(GUIDANCE, GuidanceTranslation, ("title", "summary", "body"),
                           {"title": 200, "summary": 300, "body": None})
TRANSLATED = {TOOL.name: TOOL_TEXT, GUIDANCE.name: GUIDANCE_TEXT}


def translated_of(entry) -> Translated:
    return TRANSLATED[kind_of(entry).name]


def target_languages() -> list[str]:
    """Interface languages an entry can be translated into, in the switcher's order."""
    return [code for code in current_app.config["LANGUAGES"] if code != ORIGINAL]
