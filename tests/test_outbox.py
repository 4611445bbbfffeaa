"""The outbox never loses an update: rollbacks leave nothing, crashes are caught up, the index heals itself."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.models import SearchChange, Term, Tool
from catalogue.search import health, store
from catalogue.search.outbox import catch_up
from catalogue.search.schema import state_document
from catalogue.search.service import SearchRequest, search
from tests.factories import make_tools, tool_record

#: The index follows every commit here, as in production: these tests are about that.
pytestmark = pytest.mark.apply_on_commit


def found(text: str) -> list[str]:
    return [hit.tool.slug for hit in search(SearchRequest(text=text)).hits]


def indexed_count() -> int:
    return store.searcher().doc_count() - 1  # minus the state document


def change_count() -> int:
    """Changes recorded for tools (setting up the vocabularies recorded theirs before the test)."""
    return db.session.scalar(select(func.count()).select_from(SearchChange).where(SearchChange.kind == "tool"))


def test_a_commit_writes_change_rows_and_the_index_follows(ctx):
    make_tools(tool_record("beacon", name="Beacon"))
    assert change_count() == 1
    assert found("beacon") == ["beacon"]
    assert health.check().ok


def test_rollback_leaves_no_change_row_and_no_document(ctx):
    db.session.add(Tool(slug="ghost", name="Ghost", organisation="Nobody", summary="Never committed.",
                        status="published"))
    db.session.flush()
    db.session.rollback()
    assert change_count() == 0
    assert found("ghost") == [] and indexed_count() == 0


def test_a_crash_between_commit_and_index_write_is_caught_up_by_the_next_search(ctx):
    ctx.config["SEARCH_APPLY_ON_COMMIT"] = False  # the process "dies" right after the commit
    make_tools(tool_record("phoenix", name="Phoenix"))
    assert indexed_count() == 0 and health.status()["pending_changes"] == 1
    assert found("phoenix") == ["phoenix"]  # the search notices the index is behind and applies the change
    assert health.status()["pending_changes"] == 0


def test_applying_the_same_changes_twice_leaves_one_document(ctx):
    make_tools(tool_record("twice", name="Twice"))
    ix = store.open_index()
    with ix.writer() as writer:  # pretend the index never recorded applying the change
        writer.update_document(**state_document(0))
    assert catch_up() == "applied"
    assert indexed_count() == 1 and found("twice") == ["twice"]


def test_unpublishing_and_deleting_remove_from_search(ctx):
    make_tools(tool_record("fading", name="Fading"), tool_record("doomed", name="Doomed"))
    tool = db.session.scalar(select(Tool).where(Tool.slug == "fading"))
    tool.status = "archived"
    db.session.delete(db.session.scalar(select(Tool).where(Tool.slug == "doomed")))
    db.session.commit()
    assert found("fading") == [] and found("doomed") == [] and indexed_count() == 0


def test_a_changed_term_label_reindexes_its_tools(ctx):
    make_tools(tool_record("labelled", name="Labelled", technologies=["geolocation"]))
    term = db.session.scalar(select(Term).where(Term.slug == "geolocation"))
    term.label = "Whereabouts estimation"
    db.session.commit()
    assert found("whereabouts") == ["labelled"]


def test_terms_only_change_bumps_the_version_the_check_compares(ctx):
    make_tools(tool_record("versioned", technologies=["nlp"]))
    tool = db.session.scalar(select(Tool).where(Tool.slug == "versioned"))
    before = tool.version
    make_tools(tool_record("versioned", technologies=["nlp", "geolocation"], updated_at=tool.updated_at.strftime(
        "%Y-%m-%dT%H:%M:%SZ")))
    db.session.expire_all()
    assert db.session.scalar(select(Tool.version).where(Tool.slug == "versioned")) == before + 1
    assert health.check().ok


HOLD_LOCK = textwrap.dedent("""
    import sys
    from whoosh import index
    ix = index.open_dir(sys.argv[1])
    writer = ix.writer()
    print("locked", flush=True)
    sys.stdin.readline()
    writer.cancel()
""")


def test_another_process_holding_the_write_lock_does_not_fail_requests(app, client):
    with app.app_context():
        make_tools(tool_record("before-lock", name="Anchor"))
        folder = str(store.current_dir())
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, folder], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with app.app_context():
            make_tools(tool_record("during-lock", name="Anchor Two"))  # commit succeeds, index write is skipped
        response = client.get("/tools/?q=anchor")
        assert response.status_code == 200
        assert b"before-lock" in response.data and b"during-lock" not in response.data
    finally:
        holder.communicate("\n", timeout=10)
    response = client.get("/tools/?q=anchor")  # the lock is free again: this request catches up
    assert b"during-lock" in response.data


def test_a_deleted_index_is_answered_degraded_then_rebuilt(app, client):
    with app.app_context():
        make_tools(tool_record("survivor", name="Survivor"))
        shutil.rmtree(store.root())
    response = client.get("/tools/?q=survivor")
    assert response.status_code == 200
    assert b"Search is being rebuilt" in response.data and b"/tools/survivor" in response.data
    with app.app_context():
        store.wait_for_background_rebuild()
    response = client.get("/tools/?q=survivor")
    assert b"Search is being rebuilt" not in response.data and b"/tools/survivor" in response.data


@pytest.mark.degraded_search
def test_a_corrupted_index_is_detected_and_healed(app, client, runner):
    with app.app_context():
        make_tools(tool_record("sturdy", name="Sturdy"))
        directory = store.current_dir()
    for path in directory.iterdir():
        if path.is_file() and not path.name.endswith(".lock"):
            path.write_bytes(b"\x00garbage" * 64)
    store.forget(str(directory))
    check = runner.invoke(args=["search", "check"])
    assert check.exit_code == 1 and "unusable" in check.output
    response = client.get("/tools/?q=sturdy")
    assert response.status_code == 200 and b"Search is being rebuilt" in response.data
    with app.app_context():
        store.wait_for_background_rebuild()
    assert runner.invoke(args=["search", "check"]).exit_code == 0
    assert b"Search is being rebuilt" not in client.get("/tools/?q=sturdy").data


def test_check_reports_a_document_missing_from_the_index(app, runner):
    with app.app_context():
        make_tools(tool_record("lost", name="Lost"))
        with store.open_index().writer() as writer:
            writer.delete_by_term("id", str(db.session.scalar(select(Tool.id).where(Tool.slug == "lost"))))
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1 and "1 missing from the index: lost" in result.output
    rebuilt = runner.invoke(args=["search", "rebuild"])
    assert rebuilt.exit_code == 0 and "1 published document(s)" in rebuilt.output
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_an_index_from_an_older_version_is_rebuilt(app, client):
    with app.app_context():
        make_tools(tool_record("modern", name="Modern"))
        with store.open_index().writer() as writer:
            writer.update_document(**{**state_document(99), "schema_version": 1})
    response = client.get("/tools/?q=modern")
    assert b"Search is being rebuilt" in response.data and b"/tools/modern" in response.data
    with app.app_context():
        store.wait_for_background_rebuild()
        assert health.check().ok
    assert b"Search is being rebuilt" not in client.get("/tools/?q=modern").data


def test_a_draft_saved_again_records_no_change_but_publishing_and_unpublishing_do(ctx):
    make_tools(tool_record("drafty", name="Drafty", status="draft"))
    assert change_count() == 0  # never published: nothing searchable changed
    tool = db.session.scalar(select(Tool).where(Tool.slug == "drafty"))
    tool.summary = "Still a draft."
    db.session.commit()
    assert change_count() == 0
    tool.status = "published"
    db.session.commit()
    assert change_count() == 1 and found("drafty") == ["drafty"]
    tool.status = "archived"
    db.session.commit()
    assert change_count() == 2 and found("drafty") == []
