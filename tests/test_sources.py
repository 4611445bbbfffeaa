"""Sources: each entry lists where its claims come from. Curators edit them with the entry, reviewers see them beside
the diff of a proposed change, readers see them under "Sources", and the interchange format carries them."""

from __future__ import annotations

import json

import pytest

from catalogue import sources
from catalogue.extensions import db
from catalogue.interchange import reading
from catalogue.interchange.problems import InterchangeError
from catalogue.interchange.services import dump_csv, dump_json, export_document, import_tools
from catalogue.models import Tool
from tests.curation_helpers import editor_data, tool
from tests.test_proposed_changes import change_id, decide, edit, public, published_tool

REPORT = {"sources-0-title": "Evaluation of chat triage, 2026", "sources-0-reference": "https://lab.example/eval.pdf",
          "sources-0-kind": "evaluation", "sources-0-accessed": "2026-03-01"}
MEETING = {"sources-1-title": "**Regional meeting** <script>alert(1)</script>",
           "sources-1-reference": "Minutes of the March meeting, item 4", "sources-1-kind": "agency",
           "sources-1-accessed": ""}


@pytest.mark.parametrize("reference", [
    "javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)", "java\tscript:alert(1)", " javascript:alert('a b')",
    "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox", "file:///etc/passwd", "ftp://files.example/x",
    "https:/no-host", "\u200bjavascript:alert(1)",
])
def test_a_reference_that_could_run_or_leave_the_web_is_refused(reference):
    assert sources.reference_problem(reference)
    assert sources.link(reference) is None


@pytest.mark.parametrize("reference", [
    "https://lab.example/report.pdf", "http://vendor.example", "Report 2026/4, p. 12", "doi:10.1000/182",
    "Interview: Sgt Example, 3 March 2026", "ISBN 978-0-00-000000-0",
])
def test_web_addresses_and_references_in_words_are_accepted(reference):
    assert sources.reference_problem(reference) is None


def test_only_http_addresses_become_links():
    assert sources.link("https://lab.example/a") == "https://lab.example/a"
    assert sources.link("Report 4") is None and sources.link("doi:10.1/x") is None


def test_sources_wait_with_the_change_then_readers_see_them_as_text(app):
    alice, bob, tool_id = published_tool(app)
    number = change_id(edit(alice, tool_id, data={**editor_data(), **REPORT, **MEETING},
                            note="Added the evaluation"))
    assert tool(app, tool_id).sources == []
    assert "Evaluation of chat triage" not in public(app)

    review = bob.get(f"/curation/changes/{number}").get_data(as_text=True)
    assert "Sources given for the proposed text" in review
    assert 'href="https://lab.example/eval.pdf"' in review and "Independent evaluation" in review
    assert "Minutes of the March meeting, item 4" in review and "Agency experience" in review
    assert "<script>alert(1)" not in review and "&lt;script&gt;" in review

    assert decide(bob, number, "approve").status_code == 303
    assert [s["title"] for s in tool(app, tool_id).sources] == ["Evaluation of chat triage, 2026",
                                                                MEETING["sources-1-title"]]
    page = public(app)
    assert '<h2 id="sources-title">Sources</h2>' in page
    assert 'href="https://lab.example/eval.pdf"' in page and "accessed 2026-03-01" in page
    assert "**Regional meeting** &lt;script&gt;" in page and "<strong>Regional meeting" not in page

    history = alice.get(f"/curation/tools/{tool_id}/history").get_data(as_text=True)
    assert "Added the evaluation" in history


def test_a_bad_source_gets_a_field_message_and_nothing_changes(app):
    alice, _bob, tool_id = published_tool(app)
    bad = {"sources-0-title": "Trick", "sources-0-reference": "javascript:alert(1)", "sources-0-kind": "vendor"}
    response = edit(alice, tool_id, data={**editor_data(), **bad})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Only web addresses starting with http:// or https:// can be given as links." in page
    assert 'value="javascript:alert(1)"' in page  # what was typed is kept for correcting
    half = {"sources-0-title": "", "sources-0-reference": "https://lab.example", "sources-0-kind": ""}
    page = edit(alice, tool_id, data={**editor_data(), **half}).get_data(as_text=True)
    assert "Give the source a title." in page and "Choose what kind of source this is." in page
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool).where(Tool.sources != [])) == 0


def test_the_editor_shows_stored_sources_and_two_empty_rows(app):
    alice, bob, tool_id = published_tool(app)
    assert decide(bob, change_id(edit(alice, tool_id, data={**editor_data(), **REPORT})), "approve").status_code == 303
    page = alice.get(f"/curation/tools/{tool_id}/edit").get_data(as_text=True)
    assert 'value="Evaluation of chat triage, 2026"' in page and 'value="2026-03-01"' in page
    assert 'name="sources-2-title"' in page and 'name="sources-3-title"' not in page

    emptied = {**editor_data(), "sources-0-title": "", "sources-0-reference": "", "sources-0-kind": "",
               "sources-0-accessed": ""}
    number = change_id(edit(alice, tool_id, data=emptied))
    review = bob.get(f"/curation/changes/{number}").get_data(as_text=True)
    assert "Removed:" in review and "Evaluation of chat triage, 2026" in review


def _document(**tool_fields):
    record = {"slug": "chat-sentinel", "name": "Chat Sentinel", "organisation": "Example Research Lab",
              "summary": "Flags grooming patterns.", "purposes": ["grooming-detection"], **tool_fields}
    return {"format": "ai-tools-catalogue", "version": 1, "tools": [record]}


SOURCE = {"title": "Product sheet", "reference": "https://lab.example/sheet", "kind": "vendor",
          "accessed": "2026-02-01"}


def test_interchange_round_trip_with_sources_is_byte_identical_in_json_and_csv(ctx):
    import_tools(_document(sources=[SOURCE, {"title": "Talk", "reference": "Conference 2026, day 2",
                                             "kind": "publication"}]))
    first_json, first_csv = dump_json(export_document()), dump_csv(export_document())
    assert '"reference": "Conference 2026, day 2",\n' in first_json and '"accessed": null' in first_json
    for tool_row in db.session.scalars(db.select(Tool)):
        db.session.delete(tool_row)
    db.session.commit()
    import_tools(reading.parse_json(first_json))
    assert dump_json(export_document()) == first_json
    import_tools(reading.parse_csv(first_csv))
    assert dump_csv(export_document()) == first_csv and dump_json(export_document()) == first_json


def test_a_file_without_sources_still_imports_and_exports_an_empty_list(ctx):
    import_tools(_document())
    assert json.loads(dump_json(export_document()))["tools"][0]["sources"] == []


@pytest.mark.parametrize(("given", "message"), [
    ([{**SOURCE, "reference": "javascript:alert(1)"}], "Only web addresses"),
    ([{**SOURCE, "kind": "rumour"}], "must be one of: vendor, evaluation, agency, publication"),
    ([{"title": "No reference", "kind": "vendor"}], "source 1 needs: reference"),
    ([{**SOURCE, "page": 4}], "source 1 has unknown field(s): page"),
    ([{**SOURCE, "accessed": "2026-02-30"}], "'2026-02-30' is not a real date"),
    ([{**SOURCE, "title": "bad\x00"}], "NUL character"),
    ("not a list", "must be a list of sources"),
])
def test_bad_sources_in_a_file_are_reported_and_nothing_is_written(ctx, given, message):
    with pytest.raises(InterchangeError) as raised:
        import_tools(_document(sources=given))
    assert any(message in str(problem) and problem.field == "sources" for problem in raised.value.problems)
    assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 0


def test_the_schema_and_the_code_name_the_same_kinds_of_source():
    assert reading.schema()["$defs"]["source"]["properties"]["kind"]["enum"] == list(sources.KINDS)
