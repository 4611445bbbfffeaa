import json

from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.models import Tool
from tests.factories import document, tool_record


def write(path, doc) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def count_tools(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Tool))


def test_import_then_export_through_the_cli(app, runner, tmp_path):
    source = write(tmp_path / "in.json", document(tool_record("cli-tool", purposes=["data-analysis"])))
    result = runner.invoke(args=["catalogue", "import", source])
    assert result.exit_code == 0, result.output
    assert "Imported 1 tool(s): 1 new, 0 updated, 0 unchanged." in result.output
    out = tmp_path / "out.json"
    assert runner.invoke(args=["catalogue", "export", "-o", str(out)]).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [t["slug"] for t in exported["tools"]] == ["cli-tool"]
    assert exported["tools"][0]["purposes"] == ["data-analysis"]


def test_export_csv_to_stdout(app, runner, tmp_path):
    runner.invoke(args=["catalogue", "import", write(tmp_path / "in.json", document(tool_record("csv-tool")))])
    result = runner.invoke(args=["catalogue", "export", "--format", "csv"])
    header, row = result.output.splitlines()[:2]
    assert header.startswith("slug,name,organisation,country,website,summary,description,purposes,")
    assert row.startswith("csv-tool,Csv Tool,Example Research Lab,")


def test_failed_import_exits_1_lists_problems_and_writes_nothing(app, runner, tmp_path):
    source = write(tmp_path / "bad.json", document(tool_record("fine"), tool_record("bad", purposes=["nope"])))
    result = runner.invoke(args=["catalogue", "import", source])
    assert result.exit_code == 1
    assert "nothing was written" in result.output
    assert "record 2, slug 'bad', field 'purposes': unknown term 'nope'" in result.output
    assert count_tools(app) == 0


def test_malformed_json_reports_line_and_column(app, runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "ai-tools-catalogue",\n  "tools": [,]\n}\n', encoding="utf-8")
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1
    assert "malformed JSON at line 3, column 13" in result.output


def test_missing_and_non_utf8_files_fail_cleanly(app, runner, tmp_path):
    missing = runner.invoke(args=["catalogue", "import", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "cannot read" in missing.output
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Caf\xe9"}'.encode("latin-1"))
    result = runner.invoke(args=["catalogue", "import", str(latin)])
    assert result.exit_code == 1 and "not UTF-8" in result.output


def test_malformed_csv_is_reported(app, runner, tmp_path):
    path = tmp_path / "tools.csv"
    path.write_text("slug,name,colour\nx,y,z\n", encoding="utf-8")
    result = runner.invoke(args=["catalogue", "import", str(path)])
    assert result.exit_code == 1 and "unknown CSV column(s): colour" in result.output


def test_dry_run_through_the_cli(app, runner, tmp_path):
    source = write(tmp_path / "in.json", document(tool_record("dry")))
    result = runner.invoke(args=["catalogue", "import", "--dry-run", source])
    assert result.exit_code == 0
    assert "Would import 1 tool(s): 1 new" in result.output and "nothing was written" in result.output
    assert count_tools(app) == 0


def test_stats_json_counts_statuses_and_terms(app, runner, tmp_path):
    doc = document(tool_record("one", purposes=["prevention", "victim-support"]),
                   tool_record("two", purposes=["prevention"], status="draft"))
    runner.invoke(args=["catalogue", "import", write(tmp_path / "in.json", doc)])
    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert stats["tools"] == {"draft": 1, "in_review": 0, "published": 1, "archived": 0, "total": 2}
    assert stats["vocabularies"]["purposes"]["prevention"] == 2
    assert stats["vocabularies"]["purposes"]["victim-support"] == 1
    assert stats["vocabularies"]["maturity"] == {"research": 0, "pilot": 0, "production": 0}
    text = runner.invoke(args=["catalogue", "stats"]).output
    assert "published" in text and "prevention" in text


def test_demo_publishes_the_guidance_pages_once_and_stats_count_them(app, runner, demo_command_app):
    assert json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)["guidance_pages"] == 0
    first = demo_command_app.first_demo_run  # the command run on an empty catalogue like ``app``
    assert first.exit_code == 0 and "Demo guidance pages: 20 added." in first.output
    runner = demo_command_app.test_cli_runner()
    assert "Demo guidance pages: 0 added." in runner.invoke(args=["catalogue", "demo"]).output
    assert json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)["guidance_pages"] == 20
