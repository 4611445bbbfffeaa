"""What every curation page shares, the translation pages included: entry addresses and the labels templates use."""

from __future__ import annotations

from flask import request, url_for

from catalogue.curation import forms as f
from catalogue.curation import revisions
from catalogue.curation.kinds import KINDS, PATHS, TOOL, kind_of
from catalogue.guidance.content import TOPIC_LABELS

KIND = f"<any({', '.join(PATHS)}):kind>"  # tools or guidance
ENTRY = f"/{KIND}/<int:entry_id>"


def entry_url(endpoint: str, entry, **values) -> str:
    """A curation page of ``entry`` (``entry_url("history", entry)``), whatever its kind."""
    return url_for(f"curation.{endpoint}", kind=kind_of(entry).path, entry_id=entry.id, **values)


def curation_labels():
    kind = KINDS.get((request.view_args or {}).get("kind"), TOOL)
    return {"status_labels": f.STATUS_LABELS, "action_labels": f.ACTION_LABELS, "entry_url": entry_url,
            "field_labels": revisions.field_labels(kind), "kind": kind, "kinds": KINDS, "kind_of": kind_of,
            "topic_labels": TOPIC_LABELS,
            "change_labels": f.CHANGE_LABELS, "change_states": f.CHANGE_STATES}
