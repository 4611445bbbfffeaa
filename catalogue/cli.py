"""``flask --app wsgi catalogue …``: import, export, demo data and statistics."""

from __future__ import annotations

import json
import secrets
import shlex
import sys
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from catalogue import mail, operations
from catalogue.accounts.services import agency_by_slug, find_user
from catalogue.admin import demo
from catalogue.admin.services import RefusedChange, active_admins, create_user, deactivate, list_accounts
from catalogue.agencies.services import agency_stats
from catalogue.contact.demo import load_demo_requests
from catalogue.contact.stats import requests_by_state
from catalogue.curation import kept
from catalogue.curation.dashboard import stale_count
from catalogue.curation.demo import load_demo_guidance
from catalogue.entry_translations.demo import load_demo_translations
from catalogue.guidance.services import count_published as guidance_count
from catalogue.interchange.problems import InterchangeError
from catalogue.interchange.reading import read_file
from catalogue.interchange.services import dump_csv, dump_json, export_document, import_tools
from catalogue.languages import LANGUAGES
from catalogue.models import ROLES
from catalogue.people.demo import load_demo_profiles
from catalogue.policy import MFA_REQUIRED_ROLES
from catalogue.search import health, retention, store
from catalogue.search.outbox import catch_up
from catalogue.search.query import QueryError
from catalogue.search.service import SearchRequest, search
from catalogue.taxonomy import TERM_FIELDS, sync_vocabularies
from catalogue.tools.services import catalogue_is_empty, catalogue_stats
from catalogue.trainings.demo import enrol_demo_accounts, load_demo_trainings
from catalogue.trainings.services import published_count

DEMO_FILE = Path(__file__).resolve().parent / "demo" / "tools.json"

catalogue_cli = AppGroup("catalogue", help="Manage the catalogue's content.")
search_cli = AppGroup("search", help="Maintain the search index (a disposable copy of the database).")
users_cli = AppGroup("users", help="Manage accounts.")
ops_cli = AppGroup("ops", help="Back up and restore the database.")


def _progress(label: str):
    def wrap(items, length: int | None = None):
        with click.progressbar(items, length=length, label=label, file=sys.stderr, show_pos=True) as bar:
            yield from bar

    return wrap


def _load(path: Path, *, dry_run: bool, label: str) -> None:
    try:
        report = import_tools(read_file(path), dry_run=dry_run, progress=_progress(label))
    except InterchangeError as error:
        click.echo(f"Import failed: {error.total} problem(s) in {path}; nothing was written.", err=True)
        for problem in error.problems:
            click.echo(f"  {problem}", err=True)
        if error.more:
            click.echo(f"  … and {error.more} more problem(s), not listed: correct these first.", err=True)
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
    else:
        _load(DEMO_FILE, dry_run=False, label="Loading demo tools")
        click.echo(f"Demo guidance pages: {load_demo_guidance()} added.")
        trainings = load_demo_trainings()  # after guidance: trainings link guidance pages
        click.echo(f"Demo trainings: {trainings.created} new, {trainings.updated} updated (dates moved to today), "
                   f"{trainings.unchanged} unchanged.")
    # Also on an existing catalogue, so demo entries of an older development database get their translations.
    click.echo(f"Demo translations of demo tools and guidance pages: {load_demo_translations()} added.")
    if current_app.config["CATALOGUE_ENV"] == "production":
        click.echo("Production: no demo agencies or accounts are created.")
        return
    loaded = demo.load_agencies()
    click.echo(f"Demo agencies: {loaded.agencies} added, with {loaded.contacts} points of contact (demo accounts) "
               f"and {loaded.usages} tools they use.")
    if loaded.unknown_tools:
        click.echo(f"  skipped {loaded.unknown_tools} tool usage{'s' if loaded.unknown_tools > 1 else ''} naming a "
                   "tool not in the catalogue.")
    click.echo(f"Demo accounts (development only), all with the password {demo.DEMO_PASSWORD!r}:")
    for email, role in demo.create_accounts():
        click.echo(f"  {role:<8} {email}")
    click.echo(f"Demo enrolments of these accounts in demo trainings: {enrol_demo_accounts()} added.")
    click.echo(load_demo_requests().summary())  # after the agencies and accounts it sends between
    click.echo(f"Demo officer profiles: {load_demo_profiles()} added.")


@catalogue_cli.command("mirror")
@click.argument("url")
@click.option("--token-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=True,
              help="A file holding a personal access token of the other instance (kept out of the command line).")
def mirror_command(url: str, token_file: Path) -> None:
    """Bring this catalogue up to date with another instance's published tools (its /api/v1/changes)."""
    from catalogue.api.mirror import http_fetch, mirror

    token = token_file.read_text(encoding="utf-8").strip()
    try:
        report = mirror(url, http_fetch(token))
    except (OSError, ValueError, KeyError, InterchangeError) as error:
        click.echo(f"Mirroring {url} failed: {error}", err=True)
        sys.exit(1)
    click.echo(f"{len(report.created)} new, {len(report.updated)} updated, {len(report.archived)} archived; "
               f"{len(report.kept_local)} kept as local drafts. Next run starts at {report.since or 'the beginning'}.")


@catalogue_cli.command("vocabularies")
def vocabularies_command() -> None:
    """Add new vocabularies and terms from the seed file; existing terms are kept."""
    result = sync_vocabularies()
    click.echo(f"Vocabularies synchronised: {result.vocabularies_added} vocabularies and {result.terms_added} "
               "terms added; existing terms are managed in the interface.")


@catalogue_cli.command("retry-mail")
def retry_mail_command() -> None:
    """Send again the e-mails the mail server refused or could not be reached for (kept in unsent/); run from cron.
    Exits with status 1 while some are still waiting."""
    sent, waiting = mail.retry_unsent()
    click.echo(f"{sent} e-mail(s) sent, {waiting} still waiting.")
    if waiting:
        sys.exit(1)


@catalogue_cli.command("forget-kept-edits")
def forget_kept_edits_command() -> None:
    """Remove editor input kept for curators whose session ended, once it is older than a day; run from cron."""
    removed, count, authors = kept.clean_up()
    click.echo(f"{removed} kept input(s) removed; {count} still kept for {authors} curator(s).")


@catalogue_cli.command("stats")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def stats_command(as_json: bool) -> None:
    """Count tools by status and tools per term of every vocabulary."""
    stats = catalogue_stats()
    stats = {"tools": stats["tools"], "stale": stale_count(), "guidance_pages": guidance_count(),
             "trainings": published_count(), **agency_stats(), **stats}
    stats["contact_requests"] = requests_by_state()
    if as_json:
        click.echo(json.dumps(stats, indent=2))
        return
    click.echo("Tools by status:")
    for status, count in stats["tools"].items():
        click.echo(f"  {status:<12} {count:>5}")
    click.echo(f"Published tools due for verification: {stats['stale']}")
    click.echo(f"Published guidance pages: {stats['guidance_pages']}")
    click.echo(f"Agencies: {stats['agencies']} in {stats['countries']} countries")
    click.echo("Contact requests by state: " + ", ".join(f"{k} {v}" for k, v in stats["contact_requests"].items()))
    for vocabulary, counts in stats["vocabularies"].items():
        click.echo(f"{vocabulary}:")
        for term, count in counts.items():
            click.echo(f"  {term:<30} {count:>5}")


@catalogue_cli.command("search")
@click.argument("query")
@click.option("--filter", "filters", multiple=True, metavar="VOCAB=TERM", help="Narrow by a term; repeatable.")
@click.option("--limit", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.option("--language", type=click.Choice(list(LANGUAGES)), default="en", show_default=True,
              help="Search as a reader of this language does: its translations beside the English text.")
def search_command(query: str, filters: tuple[str, ...], limit: int, as_json: bool, language: str) -> None:
    """Search published tools as the catalogue page does, ranked by relevance."""
    chosen: dict[str, list[str]] = {}
    for item in filters:
        vocabulary, _sep, term = item.partition("=")
        if vocabulary not in TERM_FIELDS or not term:
            raise click.BadParameter(f"use VOCAB=TERM with VOCAB one of: {', '.join(TERM_FIELDS)}",
                                     param_hint="--filter")
        chosen.setdefault(vocabulary, []).append(term)
    try:
        result = search(SearchRequest(text=query, filters=chosen, per_page=limit, language=language))
    except QueryError as error:
        click.echo(f"Search failed: {error}", err=True)
        sys.exit(1)
    if result.ignored:
        click.echo(f"Unknown filter values ignored: {', '.join(result.ignored)}", err=True)
    if as_json:
        click.echo(json.dumps({
            "total": result.total,
            "results": [{"slug": h.tool.slug, "name": h.tool.name,
                         "score": round(h.score, 4) if h.score is not None else None} for h in result.hits],
            "suggestion": result.suggestion or result.corrected_to,
        }, indent=2))
        return
    if result.degraded:
        click.echo("The search index is being rebuilt; results are simplified.", err=True)
    if result.corrected_to:
        click.echo(f"No results for {result.corrected_from!r}; showing results for {result.corrected_to!r}.")
    elif result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    click.echo(f"{result.total} tool(s) found.")
    for number, hit in enumerate(result.hits, start=1):
        score = f"  ({hit.score:.2f})" if hit.score is not None else ""
        click.echo(f"{number:>3}. {hit.tool.name} [{hit.tool.slug}]{score}")


@search_cli.command("rebuild")
@click.option("--if-needed", is_flag=True, help="Only rebuild when the index is missing or differs from the database.")
def rebuild_command(if_needed: bool) -> None:
    """Build a fresh index from the database in a new directory and swap it in atomically."""
    if if_needed and health.check().ok:
        click.echo("The search index is up to date; nothing to rebuild.")
        return
    count = store.rebuild(progress=_progress("Indexing published tools, guidance and trainings"),
                          processes=store.CLI_PROCESSES)
    if count is None:
        click.echo("Another rebuild is running; try again when it has finished.", err=True)
        sys.exit(1)
    catch_up()  # apply anything saved while the new index was being built
    click.echo(f"Search index rebuilt: {count} published document(s) (tools, guidance pages and trainings).")


@search_cli.command("check")
def check_command() -> None:
    """Compare the index with the database (count and per-tool version); exit 1 when they differ."""
    report = health.check()
    if report.problem:
        click.echo(f"The search index is unusable: {report.problem}. Run: flask --app wsgi search rebuild", err=True)
        sys.exit(1)
    click.echo(f"{report.indexed} document(s) indexed, {report.published} published in the database.")
    for label, slugs in (("missing from the index", report.missing), ("not published but indexed", report.extra),
                         ("indexed at an old version", report.stale)):
        if slugs:
            click.echo(f"{len(slugs)} {label}: {', '.join(slugs[:20])}{' …' if len(slugs) > 20 else ''}", err=True)
    if not report.ok:
        click.echo("The index differs from the database. Run: flask --app wsgi search rebuild", err=True)
        sys.exit(1)
    click.echo("The search index matches the database.")


@search_cli.command("status")
@click.option("--json", "as_json", is_flag=True)
def status_command(as_json: bool) -> None:
    """Where the index lives, how many tools it holds and how far behind the database it is."""
    info = health.status()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key.replace('_', ' '):<22} {value if value is not None else '-'}")


@search_cli.command("prune")
@click.option("--stale-after", type=click.IntRange(1, 3650), default=7, show_default=True, metavar="DAYS",
              help="Indexes not seen for this many days no longer hold back pruning; they rebuild when next used.")
@click.option("--dry-run", is_flag=True, help="Say what would be deleted, deleting nothing.")
def prune_command(stale_after: int, dry_run: bool) -> None:
    """Delete outbox changes (search_changes) every index seen lately has applied; run from cron, e.g. daily."""
    catch_up()
    store_position = health.status()["last_applied_change"]
    if store_position is not None:
        retention.record_position(store_position, force=True)  # this host's own index, as it is now
    report = retention.prune(timedelta(days=stale_after), dry_run=dry_run)
    for position in report.following:
        click.echo(f"index on {position.host} ({position.directory}): applied up to #{position.last_applied}, "
                   f"seen {position.seen:%Y-%m-%d %H:%M} UTC")
    verb = "Would delete" if dry_run else "Deleted"
    if report.through:
        click.echo(f"{verb} {report.deleted} change(s) up to #{report.through}; {report.kept} kept.")
    else:
        click.echo(f"Nothing to prune: no index seen in the last {stale_after} day(s) has applied a change that "
                   f"could go; {report.kept} kept.")
    for position in report.left_behind:
        click.echo(f"The index on {position.host} ({position.directory}) was last seen {position.seen:%Y-%m-%d} at "
                   f"#{position.last_applied}: it will answer from the database and rebuild itself when next used "
                   "(or run `flask --app wsgi search rebuild` there).", err=True)


@ops_cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST if it exists.")
def backup_command(dest: Path, force: bool) -> None:
    """Copy the database to DEST (a file, or a directory to put a dated file in) while the app keeps serving.

    SQLite: SQLite's online backup, checked. PostgreSQL: prints the pg_dump line to run."""
    if operations.sqlite_file() is None:
        url = operations.postgres_url_for_tools()
        click.echo("PostgreSQL: back up with its own tool (give the password in PGPASSWORD or ~/.pgpass):")
        click.echo(f"  pg_dump --format=custom --no-owner --file {_quoted(dest)} {_quoted(url)}")
        return
    try:
        report = operations.backup(dest, overwrite=force)
    except operations.RefusedOperation as refusal:
        raise click.ClickException(f"Backup refused: {refusal}.") from refusal
    click.echo(f"Backed up to {report.path} ({report.size:,} bytes; integrity ok; migration {report.checked.revision};"
               f" {report.checked.tools} tools, {report.checked.accounts} accounts). It holds personal and case data:"
               " keep it encrypted and access-controlled. The search index needs no backup.")


@ops_cli.command("restore")
@click.argument("src", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that holds data (stop the app first).")
@click.option("--no-rebuild", is_flag=True, help="Do not rebuild the search index (then run `search rebuild`).")
def restore_command(src: Path, force: bool, no_rebuild: bool) -> None:
    """Restore the database from the backup SRC after checking it, migrate it and rebuild the search index.

    SQLite only; for PostgreSQL it prints the pg_restore line to run."""
    if operations.sqlite_file() is None:
        url = operations.postgres_url_for_tools()
        click.echo("PostgreSQL: stop the app on every host, then restore with its own tool:")
        click.echo(f"  pg_restore --clean --if-exists --no-owner --dbname {_quoted(url)} {_quoted(src)}")
        click.echo("then run `flask --app wsgi db upgrade` once, and `flask --app wsgi search rebuild` on every host.")
        return
    try:
        report = operations.restore(src, force=force)
    except operations.RefusedOperation as refusal:
        raise click.ClickException(f"Restore refused: {refusal}.") from refusal
    if report.kept_previous:
        click.echo(f"The database it replaced is kept at {report.kept_previous}.")
    click.echo(f"Restored {report.target} from {report.source} (integrity ok; {report.checked.tools} tools, "
               f"{report.checked.accounts} accounts).")
    if report.upgraded_from:
        click.echo(f"Migrated from {report.upgraded_from} to the current schema.")
    if no_rebuild:
        click.echo("Now run `flask --app wsgi search rebuild`: the index does not match the restored database.")
        return
    count = store.rebuild(processes=store.CLI_PROCESSES)
    if count is None:
        click.echo("A rebuild was already running: run `flask --app wsgi search rebuild` when it ends.", err=True)
        sys.exit(1)
    catch_up()
    click.echo(f"Search index rebuilt: {count} published document(s).")


def _quoted(value) -> str:
    return shlex.quote(str(value))


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True)
@click.option("--agency", "agency_slug", help="The agency's slug (see the admin agencies page).")
@click.option("--name", help="Full name; defaults to the part of the address before @.")
def users_create(email: str, role: str, agency_slug: str | None, name: str | None) -> None:
    """Create an account. The password is read from standard input, or generated and printed once."""
    agency = agency_by_slug(agency_slug)
    if agency_slug and agency is None:
        raise click.ClickException(f"No agency has the slug {agency_slug!r}.")
    typed = "" if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    password = typed or secrets.token_urlsafe(18)
    try:
        user = create_user(email, name or email.partition("@")[0], role, agency, password)
    except RefusedChange as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Created {user.role} {user.email}.")
    if not typed:
        click.echo(f"Password (shown once): {password}")
    if role in MFA_REQUIRED_ROLES:
        click.echo("They will be asked to set up two-step sign-in when they first sign in.")


@users_cli.command("list")
@click.option("--role", type=click.Choice(ROLES))
def users_list(role: str | None) -> None:
    """List accounts: e-mail, role, status, agency."""
    for user in list_accounts(role):
        status = "active" if user.active else "deactivated"
        click.echo(f"{user.email:<40} {user.role:<8} {status:<11} {user.agency.slug if user.agency else '-'}")


@users_cli.command("deactivate")
@click.argument("email")
@click.option("--reason", default="Deactivated from the command line.", show_default=True)
def users_deactivate(email: str, reason: str) -> None:
    """Stop an account from signing in and end all its sessions."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"No account has the address {email!r}.")
    try:
        deactivate(user, reason)
    except RefusedChange as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Deactivated {user.email}; every session of theirs has ended.")


@users_cli.command("check")
def users_check() -> None:
    """Explain how to create the first administrator when there is none."""
    if active_admins() == 0:
        click.echo("There is no administrator yet. Create the first one with:\n"
                   "  .venv/bin/flask --app wsgi users create you@agency.example --role admin --name 'Your Name'")
