"""The kinds of entry curators look after (tools and guidance pages), described once so the editor's services,
the workflow, the revisions and the curation pages treat them alike.

What differs between the kinds lives here, as data or a small function on ``Kind``: the criteria a reviewer
confirms, the editor form, what a draft needs before review, the wording and the templates of the curation pages.
Views, services and templates ask the kind instead of testing which kind they have.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalogue.curation import forms as tool_forms
from catalogue.curation import tool_content
from catalogue.guidance import content as guidance_content
from catalogue.guidance import forms as guidance_forms
from catalogue.models import GuidancePage, GuidanceRevision, Tool, ToolRevision


@dataclass(frozen=True)
class Wording:
    """What the curation pages call a kind's entries, lists and steps."""

    all: str  # the title of the curation list ("All tools")
    new: str  # the editor's title for a new entry ("New tool")
    start: str  # the dashboard's button that opens the editor for a new entry
    reviewed: str  # the date of the last review or verification
    column: str  # the heading of the list column that ``Kind.column_text`` fills
    review_steps: str  # what the reviewer is asked to check before publishing
    badge: str | None  # marks the kind's entries in lists that mix both kinds; None: unmarked


@dataclass(frozen=True)
class Kind:
    name: str  # in audit events ("tool.submit"), targets ("tool:slug") and template names
    path: str  # the URL segment under /curation
    model: type
    revision: type
    content: ModuleType  # CONTENT_FIELDS, SNAPSHOT_FIELDS, LONG_TEXT_FIELDS, LIST_FIELDS, MARKDOWN_FIELDS,
    #                      FIELD_LABELS, snapshot(entry), apply_content(entry, values)
    plural: str
    criteria_setting: str  # the config key listing what a reviewer confirms before publishing
    wording: Wording
    public_endpoint: str  # the entry's public page, called with ``slug=``
    search_columns: tuple[str, ...]  # what the curation list's search box looks in
    duplicate_fields: tuple[str, ...]  # a new entry, or a change to these, is checked for likely duplicates
    editor_form: Callable[..., Any]  # (vocabularies, entry=None, **form_kwargs) → the editor's form
    fill_form: Callable[[Any, Any], None]  # (form, entry): the editor's form filled from the entry as saved
    unready: Callable[[Any], str | None]  # why a draft cannot be submitted for review yet, or None
    column_text: Callable[[Any], str]  # what the lists show of an entry beside its name and status

    def criteria(self) -> list[str]:
        """What a reviewer confirms before publishing an entry of this kind (all of it is needed)."""
        return list(current_app.config[self.criteria_setting])

    @property
    def title_field(self) -> str:
        """The field that names an entry (its address is made from it)."""
        return self.content.CONTENT_FIELDS[0]

    def template(self, part: str) -> str:
        """The kind's own template for one part of a curation page: ``content``, ``fields``."""
        return f"curation/_{part}_{self.name}.html"


def _tool_unready(tool: Tool) -> str | None:
    if not tool.terms_in("purposes"):
        return _("Choose at least one purpose before submitting the entry for review.")
    return None


def _guidance_unready(page: GuidancePage) -> str | None:
    if not page.body.strip():
        return _("Write the text of the page before submitting it for review.")
    return None


TOOL = Kind(
    "tool", "tools", Tool, ToolRevision, tool_content, _l("Tools"), "INCLUSION_CRITERIA",
    Wording(all=_l("All tools"), new=_l("New tool"), start=_l("Add a new tool"), reviewed=_l("Last verified"),
            column=_l("Organisation"),
            review_steps=_l("Check the entry against each inclusion criterion and against its sources. Publishing "
                            "needs every criterion."),
            badge=None),
    public_endpoint="tools.detail",
    search_columns=("name", "slug", "organisation"),
    duplicate_fields=("name", "website"),
    editor_form=tool_forms.tool_form,
    fill_form=tool_forms.fill_from,
    unready=_tool_unready,
    column_text=lambda tool: tool.organisation,
)
GUIDANCE = Kind(
    "guidance", "guidance", GuidancePage, GuidanceRevision, guidance_content, _l("Guidance"),
    "GUIDANCE_REVIEW_CRITERIA",
    Wording(all=_l("All guidance"), new=_l("New guidance page"), start=_l("Write a guidance page"),
            reviewed=_l("Last reviewed"), column=_l("Topic"),
            review_steps=_l("Check the page against each criterion and against the laws and documents it relies on. "
                            "Publishing needs every criterion."),
            badge=_l("Guidance")),
    public_endpoint="guidance.page",
    search_columns=("title", "slug"),
    duplicate_fields=(),
    editor_form=guidance_forms.guidance_form,
    fill_form=guidance_forms.fill_from,
    unready=_guidance_unready,
    column_text=lambda page: guidance_content.TOPIC_LABELS.get(page.topic, page.topic),
)
KINDS = {kind.path: kind for kind in (TOOL, GUIDANCE)}
PATHS = tuple(KINDS)


def kind_of(entry) -> Kind:
    """The kind of an entry, or of one of its revisions."""
    for kind in KINDS.values():
        if isinstance(entry, (kind.model, kind.revision)):
            return kind
    raise TypeError(f"{type(entry).__name__} is no kind of catalogue entry")


def target_of(entry) -> str:
    """How the audit log names an entry."""
    return f"{kind_of(entry).name}:{entry.slug}"
