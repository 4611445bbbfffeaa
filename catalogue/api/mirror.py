"""Keeping a second catalogue in sync from another instance's API (``flask catalogue mirror URL --token-file F``).

It walks the other instance's ``/api/v1/changes`` from where the last run stopped and imports what changed through
the interchange import (validated, revisioned, audited, searchable through the outbox). Tools published there are
published here as the other instance's reviewers approved them; archived or withdrawn there, they are archived here.
What is local stays local: a tool this catalogue is drafting or reviewing under the same address is left alone (and
reported), nothing is ever sent back, and local drafts and their publication remain this catalogue's decisions.
"""

from __future__ import annotations

import hashlib
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from catalogue.extensions import db
from catalogue.interchange.services import import_tools
from catalogue.models import Setting, Tool
from catalogue.records import tool_to_record

Fetch = Callable[[str], dict[str, Any]]
PAGE = 100


@dataclass
class MirrorReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)
    kept_local: list[str] = field(default_factory=list)
    since: str | None = None


def http_fetch(token: str, timeout: float = 30) -> Fetch:
    def fetch(url: str) -> dict[str, Any]:
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}",
                                                       "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 - an https URL given by an admin
            return json.loads(answer.read().decode("utf-8"))

    return fetch


def _setting_key(base_url: str) -> str:
    return "mirror:" + hashlib.sha256(base_url.encode()).hexdigest()[:16]


def mirror(base_url: str, fetch: Fetch) -> MirrorReport:
    """Apply the other instance's changes since the last run; returns what happened. Each page is committed, so an
    interrupted run resumes where it stopped."""
    base_url = base_url.rstrip("/")
    key = _setting_key(base_url)
    stored = db.session.get(Setting, key)
    since = stored.value if stored else None
    report = MirrorReport(since=since)
    cursor = None
    while True:
        query = {"limit": str(PAGE), **({"since": since} if since else {}), **({"cursor": cursor} if cursor else {})}
        page = fetch(f"{base_url}/api/v1/changes?{urllib.parse.urlencode(query)}")
        _apply(page["results"], base_url, report)
        if page["results"]:
            report.since = page["results"][-1]["updated_at"]
            setting = db.session.get(Setting, key) or Setting(key=key)
            setting.value = report.since
            db.session.add(setting)
            db.session.commit()
        cursor = page.get("next_cursor")
        if not cursor:
            return report


def _apply(items: list[dict[str, Any]], base_url: str, report: MirrorReport) -> None:
    slugs = [item["slug"] for item in items]
    local = {t.slug: t for t in db.session.scalars(select(Tool).where(Tool.slug.in_(slugs)))}
    records, archiving = [], set()
    for item in items:
        tool = local.get(item["slug"])
        if tool is not None and tool.status in ("draft", "in_review"):
            report.kept_local.append(item["slug"])
        elif item["event"] == "published":
            records.append(dict(item["record"]))
        elif tool is not None and tool.status != "archived":
            record = tool_to_record(tool)
            record["status"] = "archived"
            archiving.add(tool.slug)
            records.append(record)
    if records:
        imported = import_tools({"format": "ai-tools-catalogue", "version": 1, "tools": records},
                                source=f"mirror of {base_url}")
        report.created += imported.created
        report.updated += [slug for slug in imported.updated if slug not in archiving]
        report.archived += [slug for slug in imported.updated if slug in archiving]
