"""Import is all or nothing and explains every problem; export → import → export is byte-identical."""

import json

import pytest
from sqlalchemy import func, select

from catalogue.extensions import db
from catalogue.interchange.problems import InterchangeError
from catalogue.interchange.services import dump_csv, dump_json, export_document, import_tools
from catalogue.models import Tool
from tests.factories import document, make_tools, tool_record


def tool_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Tool))


def problems_of(doc) -> list[str]:
    with pytest.raises(InterchangeError) as caught:
        import_tools(doc)
    return [str(p) for p in caught.value.problems]


def test_import_creates_a_tool_with_its_terms(ctx):
    report = make_tools(tool_record("chat-sentinel", purposes=["grooming-detection", "prevention"],
                                    technologies=["nlp"], cost_model="open-source", languages=["en", "fr"],
                                    country="FR", last_reviewed="2026-03-01"))
    assert report.created == ["chat-sentinel"]
    tool = db.session.scalar(select(Tool).where(Tool.slug == "chat-sentinel"))
    assert [t.slug for t in tool.terms_in("purposes")] == ["grooming-detection", "prevention"]
    assert tool.term_in("cost_model").slug == "open-source"
    assert tool.languages == ["en", "fr"]
    assert tool.last_reviewed.isoformat() == "2026-03-01"


def test_status_defaults_to_draft(ctx):
    record = tool_record("no-status")
    del record["status"]
    make_tools(record)
    assert db.session.scalar(select(Tool.status).where(Tool.slug == "no-status")) == "draft"


def test_import_updates_by_slug_and_reports_unchanged(ctx):
    make_tools(tool_record("hash-hub"))
    report = import_tools(document(tool_record("hash-hub", summary="New summary."), tool_record("other-tool")))
    assert report.updated == ["hash-hub"] and report.created == ["other-tool"]
    assert db.session.scalar(select(Tool.summary).where(Tool.slug == "hash-hub")) == "New summary."
    again = import_tools(document(tool_record("hash-hub", summary="New summary.")))
    assert again.unchanged == ["hash-hub"]


def test_dry_run_reports_without_writing(ctx):
    report = import_tools(document(tool_record("a-tool"), tool_record("b-tool")), dry_run=True)
    assert report.created == ["a-tool", "b-tool"] and report.dry_run
    assert tool_count() == 0


def test_one_bad_record_means_nothing_is_written(ctx):
    make_tools(tool_record("kept", summary="Original."))
    doc = document(tool_record("kept", summary="Changed."), tool_record("new-one"),
                   tool_record("broken", purposes=["not-a-purpose"]))
    problems = problems_of(doc)
    assert len(problems) == 1
    db.session.expire_all()
    assert tool_count() == 1
    assert db.session.scalar(select(Tool.summary).where(Tool.slug == "kept")) == "Original."


def test_unknown_term_names_the_valid_terms(ctx):
    [problem] = problems_of(document(tool_record("x-tool", technologies=["telepathy"])))
    assert problem.startswith("record 1, slug 'x-tool', field 'technologies': unknown term 'telepathy'")
    assert "valid terms: computer-vision, perceptual-hashing" in problem


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"summary": "x" * 301}, "summary", "301 characters long; at most 300"),
        ({"purposes": []}, "purposes", "at least 1 term"),
        ({"slug": "Not A Slug"}, "slug", "lowercase letters"),
        ({"country": "XK1"}, "country", "ISO 3166-1 alpha-2"),
        ({"country": "QQ"}, "country", "not an ISO 3166-1 alpha-2 country code"),
        ({"website": "javascript:alert(1)"}, "website", "http:// or https://"),
        ({"languages": ["zz"]}, "languages", "not an ISO 639-1 language code"),
        ({"last_reviewed": "2025-02-30"}, "last_reviewed", "not a real date"),
        ({"status": "live"}, "status", "must be one of: draft, in_review, published, archived"),
        ({"cost_model": ["free", "commercial"]}, "cost_model", "one term slug"),
        ({"maturity": "beta"}, "maturity", "unknown term 'beta'; valid terms: research, pilot, production"),
        ({"demo": "yes"}, "demo", "must be true or false"),
        ({"purposes": ["prevention", "prevention"]}, "purposes", "same value more than once"),
    ],
)
def test_invalid_fields_are_reported_with_record_slug_and_field(ctx, fields, field, fragment):
    record = {**tool_record("the-tool"), **fields}
    problems = problems_of(document(tool_record("good-one"), record))
    assert any("record 2" in p and f"field '{field}'" in p and fragment in p for p in problems), problems
    assert tool_count() == 0


def test_missing_required_fields_and_unknown_fields(ctx):
    record = tool_record("half-done", colour="blue")
    del record["organisation"]
    problems = problems_of(document(record))
    assert "record 1, slug 'half-done', field 'organisation': this field is required" in problems
    assert "record 1, slug 'half-done': unknown field(s) for a tool: colour" in problems


def test_duplicate_slugs_in_one_file(ctx):
    problems = problems_of(document(tool_record("twin"), tool_record("twin")))
    assert problems == ["record 2, slug 'twin', field 'slug': the same slug is already used by record 1"]


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"format": "something-else", "version": 1, "tools": []}, "must be 'ai-tools-catalogue'"),
        ({"format": "ai-tools-catalogue", "version": 2, "tools": []}, "must be 1"),
        ({"format": "ai-tools-catalogue", "version": 1}, "field 'tools': this field is required"),
        ([1, 2, 3], "must be object"),
        ({"format": "ai-tools-catalogue", "version": 1, "tools": ["a string"]}, "record 1: must be object"),
    ],
)
def test_wrong_document_shapes(ctx, doc, fragment):
    assert any(fragment in p for p in problems_of(doc))


def test_export_import_export_is_byte_identical_in_json_and_csv(ctx, tmp_path):
    make_tools(
        tool_record("zeta-scan", description="Line one.\n\n- a\n- b", purposes=["known-csam-detection"],
                    data_types=["images", "video"], deployment=["air-gapped"], exposure_reduction="strong",
                    languages=["ar", "zh"], responsible_use="Ünïcödé “quotes”, commas, and \"double\" quotes",
                    last_reviewed="2025-12-31", website="https://zeta.example/tool?x=1", country="JP", demo=True),
        tool_record("alpha-draft", status="draft", summary="Has a | pipe? No: pipes only split lists."),
    )
    first_json = dump_json(export_document())
    first_csv = dump_csv(export_document())
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()

    import_tools(json.loads(first_json))
    assert dump_json(export_document()) == first_json

    for table in ("tool_terms", "tools"):
        db.session.execute(db.metadata.tables[table].delete())
    db.session.commit()
    csv_file = tmp_path / "tools.csv"
    csv_file.write_text(first_csv, encoding="utf-8", newline="")
    from catalogue.interchange.reading import read_file

    import_tools(read_file(csv_file))
    assert dump_csv(export_document()) == first_csv
    assert dump_json(export_document()) == first_json


def test_export_keeps_timestamps_and_import_preserves_them(ctx):
    make_tools(tool_record("timed", created_at="2024-05-01T08:00:00Z", updated_at="2025-06-02T09:30:00Z"))
    [record] = export_document()["tools"]
    assert (record["created_at"], record["updated_at"]) == ("2024-05-01T08:00:00Z", "2025-06-02T09:30:00Z")
