"""Import and export in the interface: dry-run report, apply all or nothing, downloads of the catalogue or a search."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.interchange.services import dump_csv, dump_json
from catalogue.models import AuditEvent, Tool, ToolRevision
from catalogue.records import TOOL_FIELDS
from tests.auth import csrf_token, signed_in
from tests.factories import document, make_tools, tool_record

IMPORT = "/admin/transfer/import"
APPLY = "/admin/transfer/import/apply"
DISCARD = "/admin/transfer/import/discard"
NOT_AVAILABLE = "This import is not available any more"


@pytest.fixture
def admin_client(app):
    with app.app_context():
        make_tools(tool_record("hash-hub", summary="Original."),
                   tool_record("chat-sentinel", purposes=["grooming-detection"]),
                   tool_record("draft-idea", status="draft"))
    return signed_in(app, "admin", email="admin@harbour-police.example")


def upload(client, content: bytes | str, filename: str = "tools.json"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(IMPORT, data={"csrf_token": csrf_token(client, IMPORT), "file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def post_token(client, path: str, token: str, follow_redirects: bool = True):
    return client.post(path, data={"token": token, "csrf_token": csrf_token(client, IMPORT)},
                       follow_redirects=follow_redirects)


def token_in(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def counts(app) -> tuple[int, int, int]:
    """Tools, revisions and import events: what an import writes."""
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Tool)),
                db.session.scalar(select(func.count()).select_from(ToolRevision)),
                db.session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="catalogue.import")))


def kept_files(app) -> list[Path]:
    directory = Path(app.config["CATALOGUE_DATA_DIR"]) / "imports"
    return sorted(directory.iterdir()) if directory.exists() else []


def changes() -> dict:
    """One tool changed, one as it is, one new."""
    return document(tool_record("hash-hub", summary="Changed."),
                    tool_record("chat-sentinel", purposes=["grooming-detection"]),
                    tool_record("new-tool"))


def text_of(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("filename, content", [
    ("tools.json", lambda: dump_json(changes())),
    ("tools.CSV", lambda: dump_csv(changes())),
])
def test_a_dry_run_shows_new_updated_and_unchanged_and_writes_nothing(app, admin_client, filename, content):
    before = counts(app)
    response = upload(admin_client, content(), filename)
    html = text_of(response)
    assert response.status_code == 200
    assert "Dry run: nothing has been written yet." in html
    assert "New: <strong>1</strong>" in html and "Updated: <strong>1</strong>" in html
    assert "Unchanged: <strong>1</strong>" in html
    assert "<code>new-tool</code>" in html and "<code>hash-hub</code>" in html and "<code>chat-sentinel</code>" in html
    assert "Apply this import" in html
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(Tool.summary).filter_by(slug="hash-hub")) == "Original."


def test_applying_writes_everything_with_revisions_and_an_audit_event(app, admin_client):
    tools, revisions, events = counts(app)
    token = token_in(text_of(upload(admin_client, dump_json(changes()))))
    [kept] = kept_files(app)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert stat.S_IMODE(kept.parent.stat().st_mode) == 0o700

    response = post_token(admin_client, APPLY, token)
    html = text_of(response)
    assert response.status_code == 200
    assert "Imported tools.json: 1 new, 1 updated, 1 unchanged." in html
    assert "Import applied" in html and "Apply this import" not in html
    assert counts(app) == (tools + 1, revisions + 2, events + 1)
    assert kept_files(app) == []
    with app.app_context():
        assert db.session.scalar(select(Tool.summary).filter_by(slug="hash-hub")) == "Changed."
        new = db.session.scalars(select(ToolRevision).join(Tool).filter(Tool.slug == "new-tool")).one()
        assert new.action == "imported" and new.author.email == "admin@harbour-police.example"
        event = db.session.scalars(select(AuditEvent).filter_by(action="catalogue.import")
                                   .order_by(AuditEvent.id.desc())).first()
        assert (event.actor, event.target) == ("admin@harbour-police.example", "upload tools.json")
        assert event.detail.startswith("1 new, 1 updated, 1 unchanged")
    again = post_token(admin_client, APPLY, token)
    assert NOT_AVAILABLE in text_of(again) and counts(app) == (tools + 1, revisions + 2, events + 1)


def test_one_bad_record_shows_the_errors_per_record_and_cannot_be_applied(app, admin_client):
    before = counts(app)
    bad = document(tool_record("good-one"), tool_record("bad-one", country="XX"), tool_record("good-two"))
    response = upload(admin_client, dump_json(bad))
    html = text_of(response)
    assert response.status_code == 400
    assert "The file has 1 problem, so nothing will be written." in html
    assert re.search(r"<td>2</td><td>bad-one</td><td>country</td><td>&#39;XX&#39; is not an ISO 3166-1", html)
    assert "Apply this import" not in html and 'name="token"' not in html
    assert kept_files(app) == []
    assert NOT_AVAILABLE in text_of(post_token(admin_client, APPLY, "A" * 43))
    assert counts(app) == before


@pytest.mark.parametrize("content, filename, message", [
    (b'{"format": "ai-tools-catalogue", "tools": [', "tools.json", "malformed JSON at line 1, column 44"),
    (b'{"tools": "caf\xe9"}', "tools.json", "The file is not UTF-8 text (byte 15)."),
    (b"slug,name\n", "tools.xlsx", "Only .json and .csv files can be imported."),
    (b"", "tools.csv", "The file is empty."),
    (b"slug,colour\nx,red\n", "tools.csv", "unknown CSV column(s): colour"),
])
def test_unusable_files_get_a_clear_message_and_nothing_is_written(app, admin_client, content, filename, message):
    before = counts(app)
    response = upload(admin_client, content, filename)
    assert response.status_code == 400
    assert message in text_of(response)
    assert "Apply this import" not in text_of(response)
    assert counts(app) == before and kept_files(app) == []


def test_sending_the_form_without_a_file_asks_for_one(app, admin_client):
    response = admin_client.post(IMPORT, data={"csrf_token": csrf_token(admin_client, IMPORT)})
    assert response.status_code == 400
    assert "Choose a JSON or CSV file to import." in text_of(response)


def test_a_tampered_or_expired_token_is_refused_clearly(app, admin_client):
    before = counts(app)
    token = token_in(text_of(upload(admin_client, dump_json(changes()))))
    for wrong in ("../../catalogue.sqlite3", token[:-1] + ("A" if token[-1] != "A" else "B"), ""):
        response = post_token(admin_client, APPLY, wrong)
        assert response.status_code == 200 and NOT_AVAILABLE in text_of(response)
    other_admin = signed_in(app, "admin", email="second@harbour-police.example")
    assert NOT_AVAILABLE in text_of(post_token(other_admin, APPLY, token))
    assert counts(app) == before

    [kept] = kept_files(app)
    old = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    os.utime(kept, (old, old))
    response = post_token(admin_client, APPLY, token)
    assert "This upload has expired" in text_of(response)
    assert counts(app) == before


def test_discarding_removes_the_kept_file_and_writes_nothing(app, admin_client):
    before = counts(app)
    token = token_in(text_of(upload(admin_client, dump_json(changes()))))
    response = post_token(admin_client, DISCARD, token)
    assert "The upload was discarded. Nothing was written." in text_of(response)
    assert kept_files(app) == [] and counts(app) == before
    assert NOT_AVAILABLE in text_of(post_token(admin_client, APPLY, token))


def test_problems_found_when_applying_are_shown_and_nothing_is_written(app, admin_client):
    before = counts(app)
    token = token_in(text_of(upload(admin_client, dump_json(changes()))))
    [kept] = kept_files(app)
    kept.write_text(dump_json(document(tool_record("new-tool"), tool_record("bad-one", purposes=["astrology"]))))
    response = post_token(admin_client, APPLY, token)
    html = text_of(response)
    assert response.status_code == 409
    assert "The catalogue changed since this file was checked" in html and "unknown term &#39;astrology&#39;" in html
    assert counts(app) == before and kept_files(app) == []


def test_uploads_older_than_a_day_are_removed_when_a_new_one_is_kept(app, admin_client):
    others = []
    for email in ("second@harbour-police.example", "third@harbour-police.example"):
        client = signed_in(app, "admin", email=email)
        before = set(kept_files(app))
        upload(client, dump_json(changes()))
        [kept] = set(kept_files(app)) - before
        others.append(kept)
    stale, recent = others
    old = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
    os.utime(stale, (old, old))
    upload(admin_client, dump_json(document(tool_record("another-tool"))))
    assert not stale.exists() and recent.exists()
    assert len(kept_files(app)) == 2


def test_a_new_upload_replaces_the_one_kept_for_this_session(app, admin_client):
    upload(admin_client, dump_json(changes()))
    [first] = kept_files(app)
    token = token_in(text_of(upload(admin_client, dump_json(document(tool_record("another-tool"))))))
    assert not first.exists() and kept_files(app)[0].name.startswith(token)


def test_the_whole_catalogue_exported_as_json_imports_unchanged(app, admin_client):
    response = admin_client.get("/admin/transfer/export/catalogue.json")
    today = datetime.now(UTC).date().isoformat()
    assert response.headers["Content-Disposition"] == f'attachment; filename="catalogue-{today}.json"'
    exported = json.loads(response.get_data(as_text=True))
    assert [t["slug"] for t in exported["tools"]] == ["chat-sentinel", "draft-idea", "hash-hub"]

    html = text_of(upload(admin_client, response.get_data(), f"catalogue-{today}.json"))
    assert "Unchanged: <strong>3</strong>" in html and "New: <strong>0</strong>" in html
    assert "Nothing would change" in html and "Apply this import" not in html
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).filter_by(action="catalogue.export")).one()
        assert event.actor == "admin@harbour-police.example"
        assert event.detail == "format: json, scope: catalogue, count: 3"


def test_the_csv_export_has_the_header_row_and_disarms_formulas(app, admin_client):
    with app.app_context():
        make_tools(tool_record("formula-tool", summary="=HYPERLINK(\"https://evil.example\")"))
    response = admin_client.get("/admin/transfer/export/catalogue.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.get_data(as_text=True).splitlines()[0] == ",".join(TOOL_FIELDS)
    summaries = {row["slug"]: row["summary"] for row in rows}
    assert summaries["formula-tool"] == "'=HYPERLINK(\"https://evil.example\")"
    assert summaries["hash-hub"] == "Original."


def test_the_results_export_honours_the_search_filters(app, admin_client):
    response = admin_client.get("/admin/transfer/export/results.json?purposes=grooming-detection&page=3")
    assert response.status_code == 200
    assert [t["slug"] for t in json.loads(response.get_data(as_text=True))["tools"]] == ["chat-sentinel"]
    assert "catalogue-results-" in response.headers["Content-Disposition"]

    everything = admin_client.get("/admin/transfer/export/results.csv")
    slugs = [row["slug"] for row in csv.DictReader(io.StringIO(everything.get_data(as_text=True)))]
    assert slugs == ["chat-sentinel", "hash-hub"]  # published only, in result order (by name)
    with app.app_context():
        details = list(db.session.scalars(select(AuditEvent.detail).filter_by(action="catalogue.export")
                                          .order_by(AuditEvent.id)))
    assert details == ["format: json, scope: results, count: 1", "format: csv, scope: results, count: 2"]


def test_the_catalogue_page_offers_the_results_export_to_admins_only(app, admin_client):
    html = text_of(admin_client.get("/tools/?q=tool&purposes=grooming-detection"))
    assert 'href="/admin/transfer/export/results.json?q=tool&amp;purposes=grooming-detection">JSON</a>' in html
    assert 'href="/admin/transfer/export/results.csv?q=tool&amp;purposes=grooming-detection">CSV</a>' in html
    member = signed_in(app, "member")
    assert "Export these results" not in text_of(member.get("/tools/"))
    assert member.get("/admin/transfer/export/results.json").status_code == 403


def test_the_pages_are_linked_from_the_administration(admin_client):
    html = text_of(admin_client.get("/admin/transfer/export"))
    assert 'href="/admin/transfer/import"' in html and "Import and export" in html
    assert 'href="/admin/transfer/export/catalogue.csv"' in html
    form = text_of(admin_client.get(IMPORT))
    assert 'enctype="multipart/form-data"' in form and 'type="file"' in form



def test_a_csv_export_round_trips_even_with_formula_like_text(app, runner, tmp_path):
    with app.app_context():
        make_tools(tool_record("dash-tool", description="- first point\n- second point", summary="=not a formula"))
    admin = signed_in(app, "admin")
    exported = admin.get("/admin/transfer/export/catalogue.csv").get_data(as_text=True)
    assert "'=not a formula" in exported and "'- first point" in exported  # disarmed for spreadsheets
    path = tmp_path / "all.csv"
    path.write_text(exported, encoding="utf-8")
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 0 and "1 unchanged" in result.output, result.output
