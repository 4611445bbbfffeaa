"""``flask --app wsgi catalogue …``: import, export, demo data and statistics."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from catalogue.interchange.problems import InterchangeError
from catalogue.interchange.reading import read_file
from catalogue.interchange.services import dump_csv, dump_json, export_document, import_tools
from catalogue.tools.services import catalogue_is_empty, catalogue_stats
from catalogue.tools.taxonomy import sync_vocabularies

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "tools.json"

catalogue_cli = AppGroup("catalogue", help="Manage the catalogue's content.")


def _progress(label: str):
    def wrap(items):
        items = list(items)
        with click.progressbar(items, label=label, file=sys.stderr, show_pos=True) as bar:
            yield from bar

    return wrap


def _load(path: Path, *, dry_run: bool, label: str) -> None:
    try:
        report = import_tools(read_file(path), dry_run=dry_run, progress=_progress(label))
    except InterchangeError as error:
        click.echo(f"Import failed: {len(error.problems)} problem(s) in {path}; nothing was written.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {report.total} tool(s): {len(report.created)} new, {len(report.updated)} updated, "
               f"{len(report.unchanged)} unchanged.")
    if dry_run:
        click.echo("Dry run: nothing was written.")


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change, writing nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import tools from a JSON or CSV interchange FILE: all or nothing, matched by slug."""
    _load(file, dry_run=dry_run, label="Importing")


@catalogue_cli.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here, not stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True)
def export_command(output: Path | None, fmt: str) -> None:
    """Export every tool, whatever its status, in interchange format v1."""
    document = export_document()
    text = dump_json(document) if fmt == "json" else dump_csv(document)
    if output:
        output.write_text(text, encoding="utf-8", newline="")
        click.echo(f"Exported {len(document['tools'])} tool(s) to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@catalogue_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the catalogue has no tools yet.")
def demo_command(if_empty: bool) -> None:
    """Load the fictional demonstration dataset. Running it again changes nothing."""
    if if_empty and not catalogue_is_empty():
        click.echo("The catalogue already has tools; demo data not loaded.")
        return
    _load(DEMO_FILE, dry_run=False, label="Loading demo tools")


@catalogue_cli.command("vocabularies")
def vocabularies_command() -> None:
    """Add new vocabularies and terms from the seed file; existing terms are kept."""
    result = sync_vocabularies()
    click.echo(f"Vocabularies synchronised: {result.vocabularies_added} vocabularies and {result.terms_added} "
               f"terms added, {result.terms_updated} terms updated.")


@catalogue_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats_command(as_json: bool) -> None:
    """Count tools by status and tools per term of every vocabulary."""
    stats = catalogue_stats()
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    click.echo("Tools by status:")
    for status, count in stats["tools"].items():
        click.echo(f"  {status:<12} {count:>5}")
    for vocabulary, counts in stats["vocabularies"].items():
        click.echo(f"{vocabulary}:")
        for term, count in counts.items():
            click.echo(f"  {term:<30} {count:>5}")
