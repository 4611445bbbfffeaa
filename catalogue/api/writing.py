"""Curators' writes through the API, by the editor's own services: a new draft (``editing.create_entry``), a change
(``editing.edit_entry``: saved on a draft, proposed on a published tool, where it waits for another curator), and
submission for review (``workflow.submit``). Nothing here publishes. Every write made with a token is audited with the
token's id; the services audit the change itself and record its revision."""

from __future__ import annotations

import re
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from catalogue.accounts import access_tokens
from catalogue.api.problems import Problem
from catalogue.api.schemas import WRITABLE
from catalogue.curation import editing, proposals, workflow
from catalogue.curation.kinds import TOOL
from catalogue.extensions import db
from catalogue.interchange.problems import InterchangeError
from catalogue.interchange.reading import validate_document
from catalogue.models import Tool
from catalogue.policy import me
from catalogue.records import tool_to_record
from catalogue.taxonomy import term_index

VERSION_TAG = re.compile(r'^\s*(?:W/)?"v(\d{1,9})(?:-[0-9a-f]*)?"\s*$')


def _entry(slug: str) -> Tool:
    tool = db.session.scalar(select(Tool).where(Tool.slug == slug))
    if tool is None:
        raise Problem(404, _("No tool has this address."))
    return tool


def loaded_version(if_match: str | None) -> int:
    if not if_match:
        raise Problem(428, _("Send the entry's version in If-Match (its ETag, e.g. \"v3\"), so that a change made "
                             "meanwhile is not overwritten."))
    found = VERSION_TAG.match(if_match)
    if found is None:
        raise Problem(412, _("If-Match does not hold a version of this entry (send \"v3\" or the tool's ETag)."))
    return int(found.group(1))


def _values(record: dict[str, Any]) -> dict[str, Any]:
    """The editor's values from a record checked as in the interchange format (terms, countries, languages,
    sources); 400 with a message per field otherwise."""
    document = {"format": "ai-tools-catalogue", "version": 1, "tools": [record]}
    try:
        checked = validate_document(document, term_index())[0]
    except InterchangeError as error:
        errors: dict[str, list[str]] = {}
        for problem in error.problems:
            errors.setdefault(problem.field or "body", []).append(problem.message)
        raise Problem(400, _("Some fields need correcting."), errors=errors) from None
    return {name: checked[name] for name in WRITABLE}


def _written(tool: Tool, outcome: str, change=None) -> dict[str, Any]:
    return {"slug": tool.slug, "status": tool.status, "version": tool.version, "outcome": outcome,
            "proposed_change": None if change is None else {
                "id": change.id, "version": change.version, "status": change.status,
                "note": change.note or ""},
            "url": url_for("api.tool", slug=tool.slug) if tool.status == "published" else None}


def _audit(token, action: str, tool: Tool) -> None:
    if token is not None:
        access_tokens.record_write(token, action, f"tool {tool.slug}")
        db.session.commit()


def create_draft(body: dict[str, Any], token) -> tuple[dict[str, Any], int, str, dict[str, str]]:
    note = body.pop("note", "")
    allow = bool(body.pop("allow_duplicates", False))
    record = {name: body.get(name) for name in WRITABLE if name in body}
    record["slug"] = record.get("slug") or editing.unique_slug(record["name"])
    values = _values(record)
    try:
        tool = editing.create_entry(TOOL, values, me(), note=note, allow_duplicates=allow)
    except editing.SlugTaken as taken:
        raise Problem(409, _("The address %(slug)s is taken by another entry.", slug=str(taken)),
                      errors={"slug": ["Taken."]}) from None
    except editing.LikelyDuplicates as similar:
        raise Problem(409, _("Likely duplicates of existing entries; send allow_duplicates: true if this tool is "
                             "different."), duplicates=[t.slug for t in similar.tools]) from None
    _audit(token, "create draft", tool)
    return _written(tool, "created"), 201, "", {"Location": url_for("api.change_tool", slug=tool.slug),
                                                "ETag": f'"v{tool.version}"'}


def change(slug: str, body: dict[str, Any], if_match: str | None, token):
    tool = _entry(slug)
    version = loaded_version(if_match)
    note = body.pop("note", "")
    allow = bool(body.pop("allow_duplicates", False))
    continuing = body.pop("continue_change", None)
    base = tool_to_record(tool)
    if continuing is not None and (open_change := proposals.open_change(tool)) is not None:
        base.update(open_change.values)
    record = {name: base.get(name) for name in WRITABLE}
    record.update(body)
    values = _values(record)
    try:
        edited = editing.edit_entry(tool, values, me(), version, note=note, allow_duplicates=allow,
                                    loaded_change_version=continuing)
    except editing.EditConflict:
        raise Problem(412, _("The entry changed since the version in If-Match; read it again.")) from None
    except proposals.ProposalOpen as error:
        mine = error.change is not None and me().id in (error.change.authors or [])
        raise Problem(409, _("This entry already has an open proposed change of yours: send its version as "
                             "continue_change to add to it.") if mine else
                      _("This entry already has an open proposed change by another curator, waiting for review."),
            open_change_version=error.change.version if mine else None) from None
    except proposals.ProposalRefused as error:
        raise Problem(409, str(error)) from None
    except editing.SlugTaken as taken:
        raise Problem(409, _("The address %(slug)s is taken by another entry.", slug=str(taken)),
                      errors={"slug": ["Taken."]}) from None
    except editing.LikelyDuplicates as similar:
        raise Problem(409, _("Likely duplicates of existing entries; send allow_duplicates: true if this tool is "
                             "different."), duplicates=[t.slug for t in similar.tools]) from None
    db.session.refresh(tool)
    outcome = "proposed" if edited.proposed is not None else ("saved" if edited.changed else "unchanged")
    _audit(token, outcome, tool)
    return _written(tool, outcome, edited.proposed), 200, "", {"ETag": f'"v{tool.version}"'}


def submit(slug: str, body: dict[str, Any], if_match: str | None, token):
    tool = _entry(slug)
    version = loaded_version(if_match)
    try:
        workflow.submit(tool, me(), version, note=body.get("note", ""))
    except editing.EditConflict:
        raise Problem(412, _("The entry changed since the version in If-Match; read it again.")) from None
    except workflow.WorkflowRefused as refused:
        raise Problem(422, refused.message) from None
    _audit(token, "submit", tool)
    return _written(tool, "submitted"), 200, "", {"ETag": f'"v{tool.version}"'}
