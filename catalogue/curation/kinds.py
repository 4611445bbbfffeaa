"""The kinds of entry curators look after (tools and guidance pages), described once so the editor's services,
the workflow and the revisions treat them alike."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from flask import current_app
from flask_babel import lazy_gettext as _l

from catalogue.curation import tool_content
from catalogue.guidance import content as guidance_content
from catalogue.models import GuidancePage, GuidanceRevision, Tool, ToolRevision


@dataclass(frozen=True)
class Kind:
    name: str  # in audit events ("tool.submit") and targets ("tool:slug")
    path: str  # the URL segment under /curation
    model: type
    revision: type
    content: ModuleType  # CONTENT_FIELDS, SNAPSHOT_FIELDS, LONG_TEXT_FIELDS, LIST_FIELDS, MARKDOWN_FIELDS,
    #                      FIELD_LABELS, snapshot(entry), apply_content(entry, values)
    plural: str
    criteria_setting: str  # the config key listing what a reviewer confirms before publishing

    def criteria(self) -> list[str]:
        return list(current_app.config[self.criteria_setting])


TOOL = Kind("tool", "tools", Tool, ToolRevision, tool_content, _l("Tools"), "INCLUSION_CRITERIA")
GUIDANCE = Kind("guidance", "guidance", GuidancePage, GuidanceRevision, guidance_content, _l("Guidance"),
                "GUIDANCE_REVIEW_CRITERIA")
KINDS = {kind.path: kind for kind in (TOOL, GUIDANCE)}
PATHS = tuple(KINDS)


def kind_of(entry) -> Kind:
    return GUIDANCE if isinstance(entry, GuidancePage) else TOOL


def target_of(entry) -> str:
    """How the audit log names an entry."""
    return f"{kind_of(entry).name}:{entry.slug}"
