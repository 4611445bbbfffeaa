"""A damaged, missing or half-built index degrades search to the database and heals; it never kills a worker, leaves
directories behind for ever, or loses a change saved while it is swapped (issue 19, item 4)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time

import pytest

from catalogue.search import health, store
from catalogue.search.service import SearchRequest, search
from tests.factories import make_tools, tool_record

#: The index follows every commit here, as in production.
pytestmark = [pytest.mark.degraded_search, pytest.mark.apply_on_commit]


def segment_files(directory):
    return sorted((p for p in directory.iterdir() if p.suffix == ".seg"), key=lambda p: p.stat().st_size)


def truncate(path, keep: float = 0.5) -> None:
    with open(path, "r+b") as handle:
        handle.truncate(int(path.stat().st_size * keep))


#: Searches, truncates the segment files the worker has open, and searches again, as a serving worker would see a
#: disk fault. Memory-mapped segments made the second search die of SIGBUS.
TRUNCATE_WHILE_OPEN = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from tests.conftest import make_app
    from catalogue.search import store
    from catalogue.search.service import SearchRequest, search

    app = make_app(Path(sys.argv[1]))
    with app.test_request_context():
        first = search(SearchRequest(text="sturdy", per_page=50))
        for path in store.current_dir().iterdir():
            if path.suffix == ".seg":
                with open(path, "r+b") as handle:
                    handle.truncate(path.stat().st_size // 3)
        second = search(SearchRequest(text="sturdy", per_page=50))
        store.wait_for_background_rebuild()
        third = search(SearchRequest(text="sturdy", per_page=50))
    print(json.dumps([[h.tool.slug for h in r.hits] + [r.degraded] for r in (first, second, third)]))
""")


def test_a_segment_truncated_under_a_serving_process_degrades_search_instead_of_killing_it(app, tmp_path):
    with app.app_context():
        make_tools(*(tool_record(f"sturdy-{n}", name=f"Sturdy {n}") for n in range(30)))
    done = subprocess.run([sys.executable, "-c", TRUNCATE_WHILE_OPEN, str(app.config["CATALOGUE_DATA_DIR"])],
                          capture_output=True, text=True, timeout=120, cwd=str(store_root_project()))
    assert done.returncode == 0, done.stderr[-2000:]  # -7 was SIGBUS
    first, second, third = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(first) == 31 and first[-1] is False
    assert len(second) == 31 and second[-1] is True  # every tool, from the database
    assert len(third) == 31 and third[-1] is False  # rebuilt in the background


def store_root_project():
    from catalogue import PROJECT_ROOT

    return PROJECT_ROOT


def test_a_truncated_segment_answers_from_the_database_and_readyz_says_so_until_rebuilt(app, client, runner):
    with app.app_context():
        make_tools(*(tool_record(f"broken-{n}", name=f"Broken {n}") for n in range(20)))
        directory = store.current_dir()
    for path in segment_files(directory):
        truncate(path)
    with app.app_context():
        store.forget_all()
        ready = client.get("/readyz")
        assert ready.status_code == 503 and ready.json["checks"]["search"].startswith("unavailable")
        result = search(SearchRequest(text="broken", per_page=50))
        assert result.degraded and len(result.hits) == 20
        store.wait_for_background_rebuild()
    assert client.get("/readyz").json["checks"]["search"] == "ok"
    assert b"Search is being rebuilt" not in client.get("/tools/?q=broken").data
    assert runner.invoke(args=["search", "check"]).exit_code == 0


def test_a_killed_rebuilds_directory_is_deleted_by_the_next_start_and_rebuild(app):
    from tests.conftest import make_app

    with app.app_context():
        root = store.root()
        live = store.current_dir()
    (root / "index-20260101T000000-dead00").mkdir()
    (root / "index-20260101T000000-dead00" / "MAIN_x.seg").write_bytes(b"half")
    (root / "CURRENT.0123abcd").write_text("index-20260101T000000-dead00")
    make_app(app.config["CATALOGUE_DATA_DIR"])  # a start
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(("index-", "CURRENT"))) == [
        "CURRENT", live.name]
    (root / "index-20260101T000000-dead01").mkdir()
    with app.app_context():
        store.rebuild()
        assert [p.name for p in root.iterdir() if p.name.startswith("index-")] == [store.current_dir().name]


def test_no_leftover_is_deleted_while_a_rebuild_is_running(app):
    with app.app_context():
        building = store.root() / "index-20260101T000000-build0"
        building.mkdir()
        with store.rebuild_lock() as acquired:
            assert acquired
            holder = subprocess.run([sys.executable, "-c", HOLD_REBUILD_CHECK, str(store.root())],
                                    capture_output=True, text=True, timeout=30)
            assert holder.stdout.strip() == "busy"
            assert building.is_dir()
        assert store.clean_leftovers() == [building.name]


HOLD_REBUILD_CHECK = textwrap.dedent("""
    import fcntl, sys
    with open(sys.argv[1] + "/rebuild.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print("free")
        except BlockingIOError:
            print("busy")
""")

#: Holds the live index's write lock, as another worker applying the outbox does, for argv[2] seconds.
HOLD_WRITE_LOCK = textwrap.dedent("""
    import sys, time
    from whoosh.filedb.filestore import FileStorage
    ix = FileStorage(sys.argv[1], supports_mmap=False).open_index()
    writer = ix.writer()
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    writer.cancel()
""")


def hold_write_lock(folder, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITE_LOCK, str(folder), str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_the_swap_waits_for_a_writer_in_another_process_then_deletes_the_old_index(app):
    with app.app_context():
        make_tools(tool_record("kept", name="Kept"))
        old = store.current_dir()
        holder = hold_write_lock(old, 1.5)
        started = time.monotonic()
        store.rebuild()
        waited = time.monotonic() - started
        holder.wait(timeout=10)
        assert waited >= 1.0, "the swap did not wait for the other process's writer"
        assert not old.exists() and store.current_dir() != old
        assert health.check().ok


def test_a_writer_that_waited_on_the_swapped_out_index_applies_its_change_to_the_new_one(app, monkeypatch):
    with app.app_context():
        make_tools(tool_record("first", name="First"))
        old = store.open_index()
        store.rebuild()
        monkeypatch.setattr(store, "open_index", _once(old, store.open_index))  # opened just before the swap
        app.config["SEARCH_APPLY_ON_COMMIT"] = False
        make_tools(tool_record("second", name="Second"))
        from catalogue.search.outbox import catch_up

        assert catch_up() == "applied"
        monkeypatch.undo()
        assert [h.tool.slug for h in search(SearchRequest(text="second")).hits] == ["second"]
        assert health.check().ok


def _once(first, then):
    calls = []

    def opened():
        calls.append(1)
        return first if len(calls) == 1 else then()

    return opened


def test_a_search_right_after_an_acknowledged_save_finds_it_while_another_process_writes(app, client):
    """The save waits (briefly) for the index lock another process holds, so the first search finds it."""
    with app.app_context():
        make_tools(tool_record("anchor", name="Anchor"))
        holder = hold_write_lock(store.current_dir(), 0.8)
        make_tools(tool_record("anchor-two", name="Anchor Two"))  # acknowledged once this returns
        holder.wait(timeout=10)
    response = client.get("/tools/?q=anchor")
    assert b"/tools/anchor-two" in response.data
