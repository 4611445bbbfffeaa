import json

from catalogue.extensions import db
from tests.conftest import make_app


def test_catalogue_search_prints_ranked_results_as_json(demo_app):
    runner = demo_app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "search", "grooming chat", "--limit", "3", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["total"] >= 3 and len(payload["results"]) == 3
    scores = [r["score"] for r in payload["results"]]
    assert scores == sorted(scores, reverse=True)
    assert set(payload["results"][0]) == {"slug", "name", "score"}
    assert payload["suggestion"] is None


def test_catalogue_search_with_filters_and_a_typo(demo_app):
    runner = demo_app.test_cli_runner()
    plain = runner.invoke(args=["catalogue", "search", "hash", "--filter", "deployment=air-gapped"])
    assert plain.exit_code == 0 and "tool(s) found." in plain.output
    typo = runner.invoke(args=["catalogue", "search", "groomng", "--json"])
    assert json.loads(typo.output)["suggestion"] == "grooming"
    bad = runner.invoke(args=["catalogue", "search", "x", "--filter", "colour=red"])
    assert bad.exit_code == 2 and "VOCAB=TERM" in bad.output
    too_long = runner.invoke(args=["catalogue", "search", "x" * 300])
    assert too_long.exit_code == 1 and "at most 256" in too_long.output


def test_search_rebuild_check_and_status(tmp_path, demo_data_dir):
    from tests.conftest import copy_data_dir

    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    status = json.loads(runner.invoke(args=["search", "status", "--json"]).output)
    assert status["documents"] == 131 and status["pending_changes"] == 0
    old_directory = status["directory"]
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0 and "131 published document(s)" in rebuilt.output
    status = json.loads(runner.invoke(args=["search", "status", "--json"]).output)
    assert status["directory"] != old_directory and status["documents"] == 131
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 0 and "matches the database" in check.output
    assert "up to date; nothing to rebuild" in runner.invoke(args=["search", "rebuild", "--if-needed"]).output
    with app.app_context():
        db.engine.dispose()
