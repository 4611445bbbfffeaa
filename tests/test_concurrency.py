"""No 500 from concurrency: two people writing the same thing at the same moment. One of them wins; the other gets the
conflict page (409) or a message, with what they typed shown back, and the database holds exactly one outcome.

Two ways of being at the same moment, both through the whole app (test clients in threads, each request with its own
database session and connection):

- ``interleaved``: the first request is stopped just before its first write to the database, after it has read and
  checked everything; the second runs to its end meanwhile; then the first goes on. That is the race the
  issue measured (the second curator's save failing at the flush), reproduced every time, not by luck.
- ``at_once``: both requests leave a barrier together, for several rounds, with no stopping: whatever order the
  database chooses, each round ends with one success and one conflict.

Every race runs on file SQLite (the default database) and on PostgreSQL when ``TEST_POSTGRES_URL`` is set.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import threading
import uuid
from collections.abc import Callable
from datetime import date

import pytest
from flask import logging as flask_logging
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import Engine, make_url

from catalogue.extensions import csrf, db
from catalogue.models import (
    AuditEvent,
    ContactRequest,
    Enrolment,
    Term,
    Tool,
    ToolRevision,
    ToolTranslation,
    Vocabulary,
)
from catalogue.search import store
from catalogue.taxonomy import sync_vocabularies
from tests.auth import csrf_token, signed_in
from tests.contact_helpers import cast, send
from tests.curation_helpers import curator_clients, editor_data, version_on
from tests.factories import make_tools, tool_record
from tests.test_postgres import SERVER_URL
from tests.training_helpers import make_training, member

ALICE, BOB = "alice@harbour-police.example", "bob@harbour-police.example"
ROUNDS = 8


# --- The two databases ----------------------------------------------------------------------------------------------


def _postgres_url(database: str) -> str:
    return make_url(SERVER_URL).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def postgres_server(tmp_path_factory):
    """A connection to the server for creating databases, and a template with the tables and vocabularies, made once:
    each test copies it (``CREATE DATABASE … TEMPLATE``), much faster than creating the tables again."""
    if not SERVER_URL:
        pytest.skip("TEST_POSTGRES_URL is not set")
    from tests.conftest import make_app

    admin = create_engine(SERVER_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    template = f"catalogue_races_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{template}"'))
    app = make_app(tmp_path_factory.mktemp("races-template"), SQLALCHEMY_DATABASE_URI=_postgres_url(template))
    with app.app_context():
        db.create_all()
        sync_vocabularies()
        db.engine.dispose()
    yield admin, template
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path, empty_data_dir):
    from tests.conftest import copy_data_dir, make_app

    if request.param == "sqlite":
        copy_data_dir(empty_data_dir, tmp_path)
        app = make_app(tmp_path)
        yield app
        with app.app_context():
            db.engine.dispose()
        return
    admin, template = request.getfixturevalue("postgres_server")
    name = f"catalogue_race_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=_postgres_url(name))
    with app.app_context():
        store.rebuild()
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- Being at the same moment ---------------------------------------------------------------------------------------


#: A statement that writes. The stopped request is stopped before its first one: it has read and checked everything
#: and holds no lock yet, so the other request can run to its end.
WRITE = re.compile(r"^\s*(UPDATE|INSERT|DELETE)\b", re.IGNORECASE)


def interleaved(stopped: Callable, meanwhile: Callable) -> tuple:
    """Run ``stopped`` in a thread until it is about to write to the database; run ``meanwhile`` to its end (in
    another thread) at that moment; then let ``stopped`` go on. Returns both results."""
    results: dict[str, object] = {}
    errors: list[BaseException] = []
    reached = threading.Event()

    def run(name: str, call: Callable) -> None:
        try:
            results[name] = call()
        except BaseException as error:  # reported below, not swallowed
            errors.append(error)

    def before_execute(_connection, _cursor, statement, _parameters, _context, _many) -> None:
        if threading.current_thread() is not worker or reached.is_set() or not WRITE.match(statement):
            return
        reached.set()
        other = threading.Thread(target=run, args=("meanwhile", meanwhile))
        other.start()
        other.join(30)
        assert not other.is_alive(), "the request meant to run meanwhile is stuck behind the stopped one"

    event.listen(Engine, "before_cursor_execute", before_execute)
    try:
        worker = threading.Thread(target=run, args=("stopped", stopped))
        worker.start()
        worker.join(60)
    finally:
        event.remove(Engine, "before_cursor_execute", before_execute)
    assert not errors, errors
    assert reached.is_set(), "the stopped request never wrote to the database"
    return results["stopped"], results["meanwhile"]


def at_once(*calls: Callable) -> list:
    """Start every call at the same moment, each in its own thread; their results in order."""
    barrier, results, errors = threading.Barrier(len(calls)), [None] * len(calls), []

    def run(index: int, call: Callable) -> None:
        try:
            barrier.wait(10)
            results[index] = call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


def page(response) -> str:
    return response.get_data(as_text=True)


def audit_actions(app, target: str, after: int = 0) -> list[tuple[str, str]]:
    with app.app_context():
        return [(action, actor) for action, actor in db.session.execute(
            select(AuditEvent.action, AuditEvent.actor).where(AuditEvent.target == target, AuditEvent.id > after)
            .order_by(AuditEvent.id))]


def last_audit_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.max(AuditEvent.id))) or 0


def revisions_of(app, tool_id: int) -> list[tuple[int, str, str | None]]:
    with app.app_context():
        return [(r.number, r.action, r.author.email if r.author else None) for r in db.session.scalars(
            select(ToolRevision).where(ToolRevision.tool_id == tool_id).order_by(ToolRevision.number))]


def tool_row(app, tool_id: int) -> Tool:
    with app.app_context():
        found = db.session.get(Tool, tool_id)
        db.session.expunge(found)
        return found


# --- Curators: the same entry saved, created, moved through the workflow, restored -----------------------------------


def imported(app, slug: str, status: str = "draft", **fields) -> int:
    with app.app_context():
        make_tools(tool_record(slug, status=status, **fields))
        return db.session.scalar(select(Tool.id).where(Tool.slug == slug))


def edit_post(client, tool_id: int, **fields) -> Callable:
    """The editor's save, filled in now (token and version as the page showed them), sent when called."""
    path = f"/curation/tools/{tool_id}/edit"
    data = {**editor_data(**fields), "csrf_token": csrf_token(client, path), "version": version_on(client, path)}
    return lambda: client.post(path, data=data)


def test_two_curators_saving_the_same_entry_at_the_same_moment(app):
    """Both loaded version 1 and pressed Save together: the UPDATE of the one stopped at its flush matches no row
    any more. It gets the conflict page with its own text in the editor, not a 500 and not lost."""
    alice, bob = curator_clients(app, ALICE, BOB)
    tool_id = imported(app, "harbour-chat-triage", summary="Original summary.")
    loaded = tool_row(app, tool_id).version
    alices = edit_post(alice, tool_id, summary="Summary as Alice wrote it.",
                       description="Alice rewrote the description at the same moment.")
    bobs = edit_post(bob, tool_id, summary="Summary as Bob wrote it.")
    lost, won = interleaved(alices, bobs)

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "Someone else saved" in html and "nothing you typed is lost" in html
    assert "Alice rewrote the description at the same moment." in html  # her text, in the editor
    assert "Summary as Alice wrote it." in html and "Summary as Bob wrote it." in html  # side by side
    assert re.search(rf'name="version"[^>]*value="{loaded + 1}"', html)  # saving the merged text comes next
    saved = tool_row(app, tool_id)
    assert (saved.summary, saved.version) == ("Summary as Bob wrote it.", loaded + 1)
    assert revisions_of(app, tool_id) == [(1, "imported", None), (2, "edited", BOB)]
    assert audit_actions(app, "tool:harbour-chat-triage") == [("tool.edit", BOB)]


def test_saving_the_same_entry_together_round_after_round_never_fails(app):
    """No stopping: both saves leave a barrier together, eight times. Every round one is saved and one gets the
    conflict page with its text; the entry's version, revisions and audit count exactly the saves that won."""
    alice, bob = curator_clients(app, ALICE, BOB)
    tool_id = imported(app, "harbour-chat-triage")
    path = f"/curation/tools/{tool_id}/edit"
    tokens = {ALICE: csrf_token(alice, path), BOB: csrf_token(bob, path)}
    loaded = tool_row(app, tool_id).version

    def save(client, who: str, round_number: int):
        data = {**editor_data(summary=f"Round {round_number} summary by {who}."), "csrf_token": tokens[who],
                "version": str(loaded + round_number - 1)}  # both loaded the page after the last round's save
        return lambda: client.post(path, data=data)

    winners = []
    for round_number in range(1, ROUNDS + 1):
        responses = at_once(save(alice, ALICE, round_number), save(bob, BOB, round_number))
        codes = sorted(response.status_code for response in responses)
        assert codes == [303, 409], f"round {round_number}: {codes}"
        lost = next(response for response in responses if response.status_code == 409)
        loser = ALICE if lost is responses[0] else BOB
        assert f"Round {round_number} summary by {loser}." in page(lost)
        winners.append(BOB if loser == ALICE else ALICE)
    saved = tool_row(app, tool_id)
    assert saved.version == loaded + ROUNDS and saved.summary == f"Round {ROUNDS} summary by {winners[-1]}."
    assert [author for _n, _action, author in revisions_of(app, tool_id)[1:]] == winners
    assert audit_actions(app, "tool:harbour-chat-triage") == [("tool.edit", who) for who in winners]


def step_post(client, tool_id: int, step: str, wrote: str) -> Callable:
    """A workflow step as the entry's page (or the review page) offers it, filled in now, sent when called."""
    entry = f"/curation/tools/{tool_id}"
    if step == "edit":
        return edit_post(client, tool_id, summary=wrote)
    if step == "restore":
        path = f"{entry}/revisions/1"
        data = {"csrf_token": csrf_token(client, path), "version": version_on(client, path)}
        return lambda: client.post(f"{path}/restore", data=data)
    if step in ("review", "verify"):
        path = f"{entry}/{step}"
        data = {"csrf_token": csrf_token(client, path), "version": version_on(client, path),
                "criteria": ["1", "2", "3", "4"], "sources": wrote, "verified_on": date.today().isoformat()}
        return lambda: client.post(path, data=data)
    prefix = {"unpublish": "unpublish-", "archive": "archive-", "reopen": "reopen-"}.get(step, "")
    data = {f"{prefix}csrf_token": csrf_token(client, entry), f"{prefix}version": version_on(client, entry),
            f"{prefix}note": wrote}
    return lambda: client.post(f"{entry}/{step}", data=data)


#: What each step leaves: its revision and its audit events.
LEAVES = {
    "submit": ("submitted", ["tool.submit"]), "review": ("approved", ["tool.approve", "tool.publish"]),
    "return": ("returned", ["tool.return"]), "archive": ("archived", ["tool.archive"]),
    "unpublish": ("unpublished", ["tool.unpublish"]), "reopen": ("reopened", ["tool.reopen"]),
    "verify": ("verified", ["tool.verify"]), "restore": ("restored", ["tool.restore"]),
    "edit": ("edited", ["tool.edit"]),
}

STEP_RACES = [
    # (status before, step stopped at its write, step done meanwhile, status after)
    ("draft", "submit", "submit", "in_review"),
    ("in_review", "review", "return", "draft"),
    ("in_review", "return", "review", "published"),
    ("published", "archive", "archive", "archived"),
    ("published", "unpublish", "archive", "archived"),
    ("archived", "reopen", "reopen", "draft"),
    ("published", "verify", "verify", "published"),
    ("draft", "restore", "restore", "draft"),
    ("published", "edit", "archive", "archived"),
    ("draft", "archive", "edit", "draft"),
]


def test_two_curators_moving_the_same_entry_at_the_same_moment(app):
    """Two curators act on the same entry together (both archive it; one approves while the other returns it; …),
    for every step of the workflow: one step is done; the other gets the "changed since you opened it" page (or, for
    a save, the conflict page) with what they wrote kept, and leaves no revision or audit event behind."""
    alice, bob = curator_clients(app, ALICE, BOB)
    for number, (before, stopped, meanwhile, after) in enumerate(STEP_RACES):
        race = f"{stopped} while {meanwhile}"
        slug = f"race-{number}"
        tool_id = imported(app, slug, before)
        alice_wrote, bob_wrote = f"Alice wrote this for {race}.", "Bob wrote this."
        audited = last_audit_id(app)
        lost, won = interleaved(step_post(alice, tool_id, stopped, alice_wrote),
                                step_post(bob, tool_id, meanwhile, bob_wrote))

        assert won.status_code == 303, (race, page(won))
        html = page(lost)
        assert lost.status_code == 409, (race, html)
        assert ("Someone else saved" if stopped == "edit" else "changed since you opened it") in html, race
        assert stopped == "restore" or alice_wrote in html, race  # kept, to take back (a restore types nothing)
        revision, events = LEAVES[meanwhile]
        assert tool_row(app, tool_id).status == after, race
        assert revisions_of(app, tool_id) == [(1, "imported", None), (2, revision, BOB)], race
        assert audit_actions(app, f"tool:{slug}", audited) == [(action, BOB) for action in events], race


def test_two_curators_creating_the_same_entry_at_the_same_moment(app):
    """Both typed the same new tool; the second INSERT finds the address taken. Its curator sees the other entry as
    a likely duplicate, with everything typed still in the editor."""
    alice, bob = curator_clients(app, ALICE, BOB)
    path = "/curation/tools/new"
    alices = {**editor_data(description="Alice described it first."), "csrf_token": csrf_token(alice, path)}
    bobs = {**editor_data(description="Bob described it too."), "csrf_token": csrf_token(bob, path)}
    lost, won = interleaved(lambda: alice.post(path, data=alices), lambda: bob.post(path, data=bobs))

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "Alice described it first." in html
    assert "Harbour Chat Triage" in html and "not_duplicate" in html  # the other entry, and "it is different"
    with app.app_context():
        tools = db.session.scalars(select(Tool)).all()
        assert [(t.slug, t.description) for t in tools] == [("harbour-chat-triage", "Bob described it too.")]
    assert revisions_of(app, tools[0].id) == [(1, "created", BOB)]
    assert audit_actions(app, "tool:harbour-chat-triage") == [("tool.create", BOB)]


# --- Translations -------------------------------------------------------------------------------------------------

FRENCH = {"summary": "Un outil fictif qui trie les signalements.", "description": "Il classe les signalements.",
          "responsible_use": "Gardez une personne dans la boucle."}


@pytest.mark.parametrize("existing", [False, True], ids=["both-adding", "both-changing"])
def test_two_curators_saving_the_same_translation_at_the_same_moment(app, existing):
    """Adding the same language together (the unique (entry, language) decides) or changing the same translation
    together (its version counter decides): the second is told, with its text kept and the saved one beside it."""
    alice, bob = curator_clients(app, ALICE, BOB)
    tool_id = imported(app, "harbour-chat-triage", description="It ranks reports.",
                       responsible_use="Keep a human in the loop.")
    path = f"/curation/tools/{tool_id}/translations/fr"
    if existing:
        data = {**FRENCH, "csrf_token": csrf_token(alice, path), "version": "0"}
        assert alice.post(path, data=data).status_code == 303
    alices = {**FRENCH, "summary": "Le résumé d’Alice.", "csrf_token": csrf_token(alice, path),
              "version": version_on(alice, path)}
    bobs = {**FRENCH, "summary": "Le résumé de Bob.", "csrf_token": csrf_token(bob, path),
            "version": version_on(bob, path)}
    audited = last_audit_id(app)
    lost, won = interleaved(lambda: alice.post(path, data=alices), lambda: bob.post(path, data=bobs))

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "Someone else saved this translation" in html
    assert "Le résumé d’Alice." in html and "Le résumé de Bob." in html
    with app.app_context():
        saved = db.session.scalars(select(ToolTranslation)).one()
        assert (saved.summary, saved.version) == ("Le résumé de Bob.", 2 if existing else 1)
    assert audit_actions(app, "tool:harbour-chat-triage", audited) == [("tool.translate", BOB)]


# --- Vocabularies ---------------------------------------------------------------------------------------------------


def admins(app) -> list:
    return [signed_in(app, "admin", email=email, name=email.split("@")[0].title()) for email in (ALICE, BOB)]


def term_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Term.id).join(Vocabulary).where(Vocabulary.slug == "purposes",
                                                                        Term.slug == slug))


def test_two_administrators_merging_the_same_term_at_the_same_moment(app):
    """Alice merges a term into one term and Bob into another, together. Bob's merge is done; Alice's finds the term
    merged once she holds its lock, and is told so: no tool ends up half in one term and half in the other."""
    alice, bob = admins(app)
    make = [tool_record(f"tool-{n}", purposes=["referral-triage"]) for n in range(3)]
    with app.app_context():
        make_tools(*make)
    source, into_alice, into_bob = (term_id(app, slug) for slug in ("referral-triage", "grooming-detection",
                                                                    "known-csam-detection"))
    path = f"/admin/vocabularies/purposes/terms/{source}/merge"
    alices = {"into": str(into_alice), "csrf_token": csrf_token(alice, path)}
    bobs = {"into": str(into_bob), "csrf_token": csrf_token(bob, path)}
    audited = last_audit_id(app)
    lost, won = interleaved(lambda: alice.post(path, data=alices), lambda: bob.post(path, data=bobs))

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "was already merged into another term" in html and "nothing was merged" in html
    with app.app_context():
        merged = db.session.get(Term, source)
        assert (merged.merged_into_id, merged.retired) == (into_bob, True)
        carried = {tool.slug: [t.slug for t in tool.terms] for tool in db.session.scalars(select(Tool))}
        assert carried == {f"tool-{n}": ["known-csam-detection"] for n in range(3)}
        assert db.session.scalar(select(db.func.count()).select_from(ToolRevision).where(
            ToolRevision.action == "vocabulary")) == 3
    assert audit_actions(app, "term:purposes/referral-triage", audited) == [("vocabulary.term_merge", BOB)]


def test_two_administrators_relabelling_the_same_term_at_the_same_moment(app):
    """Without a version counter on terms, the lock and a second read tell the later relabel that the term changed
    under it: its wording comes back on the conflict page instead of silently replacing Bob's."""
    alice, bob = admins(app)
    source = term_id(app, "referral-triage")
    path = f"/admin/vocabularies/purposes/terms/{source}"
    alices = {"label": "Report prioritisation", "description": "Alice's careful description.",
              "csrf_token": csrf_token(alice, path)}
    bobs = {"label": "Referral ordering", "description": "", "csrf_token": csrf_token(bob, path)}
    audited = last_audit_id(app)
    lost, won = interleaved(lambda: alice.post(path, data=alices), lambda: bob.post(path, data=bobs))

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "Someone else changed “Referral ordering” at the same moment" in html
    assert "Report prioritisation" in html and "Alice&#39;s careful description." in html
    assert f'href="{path}"' in html  # back to the term as it is now
    with app.app_context():
        assert db.session.get(Term, source).label == "Referral ordering"
    assert audit_actions(app, "term:purposes/referral-triage", audited) == [("vocabulary.term_relabel", BOB)]


# --- Contact requests and trainings ---------------------------------------------------------------------------------


def test_a_request_accepted_and_declined_at_the_same_moment(app):
    """Two points of contact answer one request together through their pages: the accept is done; the decline is told
    who was first, and its reason is still in the form."""
    with app.app_context():
        people = cast()
        request_id = send(people.sender)
    pat, quinn = signed_in(app, people.poc), signed_in(app, people.poc2)
    path = f"/contact/requests/{request_id}"
    accepts = {"csrf_token": csrf_token(pat, path), "state": "submitted"}
    declines = {"csrf_token": csrf_token(quinn, path), "state": "submitted", "reason": "Outside our remit, sorry."}
    lost, won = interleaved(lambda: quinn.post(f"{path}/decline", data=declines),
                            lambda: pat.post(f"{path}/accept", data=accepts))

    assert won.status_code == 303
    html = page(lost)
    assert lost.status_code == 409 and "accepted by Pat Contact" in html and "Outside our remit, sorry." in html
    with app.app_context():
        assert db.session.get(ContactRequest, request_id).state == "accepted"
    actions = [action for action, _actor in audit_actions(app, f"contact-request:{request_id}")]
    assert actions == ["contact.submit", "contact.accept"]


def test_one_member_enrolling_from_two_tabs_and_leaving_from_two_tabs_at_the_same_moment(app):
    """The same member presses Enrol in two tabs, later Cancel in two tabs: one seat, then none; each other tab is
    told nothing changed."""
    with app.app_context():
        training = make_training(capacity=5)
        slug, training_id = training.slug, training.id
        someone = member("rosa").id
    tabs = [signed_in(app, someone) for _ in range(2)]
    path = f"/trainings/{slug}"
    tokens = [csrf_token(tab, path) for tab in tabs]

    def post(index: int, action: str) -> Callable:
        return lambda: tabs[index].post(f"{path}/{action}", data={"csrf_token": tokens[index]})

    def told(tab, response) -> str:
        assert response.status_code == 303
        return page(tab.get(response.headers["Location"]))

    late, early = interleaved(post(0, "enrol"), post(1, "enrol"))
    assert "You are enrolled." in told(tabs[1], early)
    assert "You were already enrolled; nothing was changed." in told(tabs[0], late)
    late, early = interleaved(post(0, "leave"), post(1, "leave"))
    assert "Your seat is cancelled." in told(tabs[1], early)
    assert "there was nothing to cancel" in told(tabs[0], late)
    with app.app_context():
        rows = db.session.execute(select(Enrolment.user_id, Enrolment.status).where(
            Enrolment.training_id == training_id)).all()
        assert rows == [(someone, "cancelled")]
        enrolments = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"training:{slug}",
                                                                        AuditEvent.action.like("training.%enrol%")))
        assert list(enrolments) == ["training.enrol", "training.cancel_enrolment"]


# --- When something does go wrong -----------------------------------------------------------------------------------


@pytest.fixture
def sqlite_app(tmp_path, empty_data_dir):
    """One database is enough for what does not race."""
    from tests.conftest import empty_app

    yield from empty_app(tmp_path, empty_data_dir, PROPAGATE_EXCEPTIONS=False)


@contextlib.contextmanager
def bare_logging():
    """Logging as under gunicorn, where nothing configures the root logger: pytest's own handlers (added around each
    test's call, so set aside here, in the test) are back afterwards."""
    logger = logging.getLogger("catalogue")
    saved = logging.root.handlers[:], logger.handlers[:]
    logging.root.handlers.clear()
    logger.handlers.clear()
    try:
        yield logger
    finally:
        logging.root.handlers[:], logger.handlers[:] = saved


def test_an_unexpected_error_is_logged_with_a_reference_the_page_shows_and_no_sql_parameters(tmp_path,
                                                                                           empty_data_dir):
    """The ``catalogue`` logger reaches the WSGI server's error stream (gunicorn's error log), and the reference on
    the page finds the traceback there. A failed statement's parameters (case details, password hashes) and the query
    string stay out of it."""
    from tests.conftest import empty_app

    with bare_logging() as logger:
        for served in empty_app(tmp_path, empty_data_dir, PROPAGATE_EXCEPTIONS=False):
            assert flask_logging.default_handler in logger.handlers

            @served.get("/boom")
            def boom():
                db.session.execute(text("SELECT no_such_column FROM users WHERE email = :email"),
                                   {"email": "secret-suspect@example.org"})

            server_log = io.StringIO()
            response = served.test_client().get("/boom?q=case+details", errors_stream=server_log)
    html, logged = page(response), server_log.getvalue()
    assert response.status_code == 500 and "Something went wrong on our side" in html
    reference = re.search(r"Quote this reference: ([0-9a-f]{12})", html).group(1)
    assert f"Unhandled error, reference {reference}: GET /boom" in logged and "Traceback" in logged
    assert "no_such_column" in logged  # what failed, for whoever reads the log
    assert "secret-suspect" not in logged and "case" not in logged


def test_a_concurrent_change_nobody_handles_in_place_is_a_409_page_with_the_text_kept(sqlite_app):
    """The shared answer for services whose views do not show the conflict themselves."""
    from catalogue.conflicts import ConcurrentChange

    @sqlite_app.post("/racing")
    @csrf.exempt
    def racing():
        raise ConcurrentChange("Someone was first.", kept={"Your note": "Keep <this> text.", "Empty": ""})

    response = sqlite_app.test_client().post("/racing")
    html = page(response)
    assert response.status_code == 409 and "Someone was first." in html
    assert "Keep &lt;this&gt; text." in html and "Empty" not in html
    assert "See it as it is now" not in html  # a POST-only address is no page to go back to
