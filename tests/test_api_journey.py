"""The issue's "done when", end to end: a script with a token searches with facets in French, walks the catalogue with
the cursor and proposes a change; readers keep the published text until a second curator approves it in the web
interface; then the API serves the new text and a second instance mirrors it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from catalogue.api.mirror import mirror
from catalogue.extensions import db
from catalogue.models import Tool
from tests.auth import csrf_token
from tests.conftest import copy_data_dir, empty_app, make_app
from tests.curation_helpers import curator_clients
from tests.test_proposed_changes import decide

TOKEN = re.compile(r"cat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")
NEW_SUMMARY = "Previews seized devices on scene; the 2027 release adds a written triage report in French."


def token_of(client, curate: bool) -> str:
    data = {"token-name": "script", "token-days": "365", "csrf_token": csrf_token(client, "/account/")}
    if curate:
        data["token-curate"] = "y"
    return TOKEN.search(client.post("/account/tokens", data=data).get_data(as_text=True)).group(0)


def test_a_script_searches_walks_proposes_a_reviewer_approves_and_a_second_instance_mirrors(
        tmp_path, demo_data_dir, empty_data_dir):
    copy_data_dir(demo_data_dir, tmp_path / "first")
    first = make_app(tmp_path / "first", CATALOGUE_PUBLIC_BROWSING=False)
    alice, bob = curator_clients(first, "alice@harbour-police.example", "bob@harbour-police.example")
    script = first.test_client()
    auth = {"Authorization": f"Bearer {token_of(alice, curate=True)}"}

    french = script.get("/api/v1/tools", query_string=[("q", "appareils"), ("language", "fr"),
                                                       ("deployment", "on-premises")], headers=auth).json
    assert french["facets"]["purposes"]["title"] == "Finalité" and french["count"] >= 1

    walked, cursor = [], None
    while True:
        page = script.get("/api/v1/tools", query_string={"limit": "25", **({"cursor": cursor} if cursor else {})},
                          headers=auth).json
        walked += [result["slug"] for result in page["results"]]
        if not (cursor := page["next_cursor"]):
            break
    with first.app_context():
        assert sorted(walked) == sorted(db.session.scalars(db.select(Tool.slug).filter_by(status="published")))

    slug = walked[0]
    read = script.get(f"/api/v1/tools/{slug}", headers=auth)
    old_summary = read.json["summary"]
    proposed = script.patch(f"/api/v1/tools/{slug}", json={"summary": NEW_SUMMARY, "note": "Release notes 2027"},
                            headers={**auth, "If-Match": read.headers["ETag"]})
    assert proposed.status_code == 200 and proposed.json["outcome"] == "proposed"
    assert script.get(f"/api/v1/tools/{slug}", headers=auth).json["summary"] == old_summary

    change = proposed.json["proposed_change"]["id"]
    assert decide(alice, change, "approve").status_code != 303  # the author cannot approve it
    assert decide(bob, change, "approve").status_code == 303
    assert script.get(f"/api/v1/tools/{slug}", headers=auth).json["summary"] == NEW_SUMMARY

    def fetch(url: str):
        parts = urlsplit(url)
        return script.get(f"{parts.path}?{parts.query}", headers=auth).json

    apps = empty_app(tmp_path / "second", empty_data_dir)
    second = next(apps)
    with second.app_context():
        report = mirror("https://first.example", fetch)
        assert slug in report.created
        assert db.session.scalars(db.select(Tool).filter_by(slug=slug)).one().summary == NEW_SUMMARY
    next(apps, None)
    with first.app_context():
        db.engine.dispose()
