"""The demo dataset: large, fictional, marked as demo, covering every seed term, and idempotent to load."""

import json
import re

from catalogue.cli import DEMO_FILE
from catalogue.taxonomy import SEED_FILE

REAL_NAMES = ("photodna", "griffeye", "cellebrite", "magnet axiom", "thorn", "ncmec", "arachnid", "clearview",
              "chainalysis", "europol", "interpol", "microsoft", "google")


def test_demo_twice_changes_nothing_and_stats_cover_every_term(demo_command_app):
    runner = demo_command_app.test_cli_runner()
    first = demo_command_app.first_demo_run
    assert first.exit_code == 0, first.output
    export_one = runner.invoke(args=["catalogue", "export"]).output
    second = runner.invoke(args=["catalogue", "demo"])
    assert "0 new, 0 updated" in second.output
    assert runner.invoke(args=["catalogue", "export"]).output == export_one

    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert stats["tools"]["total"] >= 120
    assert stats["tools"]["published"] >= 90
    assert all(stats["tools"][s] > 0 for s in ("draft", "in_review", "archived"))
    seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    for vocabulary in seed["vocabularies"]:
        for term in vocabulary["terms"]:
            assert stats["vocabularies"][vocabulary["slug"]][term["slug"]] >= 2, (vocabulary["slug"], term["slug"])


def test_demo_if_empty_does_not_touch_a_catalogue_with_tools(demo_command_app):
    result = demo_command_app.test_cli_runner().invoke(args=["catalogue", "demo", "--if-empty"])
    assert "already has tools" in result.output


def test_demo_entries_are_fictional_and_marked():
    tools = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["tools"]
    assert all(tool["demo"] is True for tool in tools)
    assert all(tool["website"].split("/")[2].endswith(".example") for tool in tools if tool.get("website"))
    text = json.dumps(tools).lower()
    assert not [name for name in REAL_NAMES if re.search(rf"\b{name}\b", text)]
    assert all(len(tool["description"].split("\n\n")) >= 3 for tool in tools)
