"""Hostile and malformed input (issue 21): each finding of the probe, answered without a 500, a leak or a stored
trace."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import smtplib
import time

import pytest
import sqlalchemy

from catalogue import audit, mail
from catalogue.accounts.sessions import LAST_SEEN
from catalogue.curation import kept
from catalogue.extensions import db
from catalogue.models import AccountToken, Agency, KeptEdit, Shortlist, Tool, User
from catalogue.models.base import utcnow
from tests.auth import csrf_token, current_code, enter_code, outbox, sign_in, signed_in
from tests.curation_helpers import create_draft, curator_clients, editor_data, tool
from tests.factories import PASSWORD, document, make_agency, make_tools, make_user, tool_record
from tests.test_accounts import FakeSMTP, register
from tests.test_assessment import MIXED, form_data
from tests.test_contact_oversight import contact_request
from tests.test_transfer import text_of, upload
from tests.training_helpers import curator, enrol, make_training, member

# Query links ------------------------------------------------------------------------------------------------------

#: Names ``url_for`` reads itself; a link built from the query string must never pass them on.
URL_FOR_NAMES = "_method=POST&_external=1&_scheme=javascript&_anchor=x"


FORGED_HOST = "evil.example"


def forged_host(client):
    """The client's session cookie, also sent to a request whose ``Host`` header names another site."""
    client.set_cookie("session", client.get_cookie("session").value, domain=FORGED_HOST)
    return client


@pytest.fixture
def listed_app(app):
    """Lists long enough to have a second page: the audit log and the agency directory."""
    app.config["PAGE_SIZE"] = 2
    with app.app_context():
        for number in range(3):
            make_agency(f"agency-{number}", (f"agency-{number}.example",))
        for number in range(60):
            audit.record("probe.event", target=f"event {number}")
        db.session.commit()
    return app


@pytest.mark.parametrize("path", ["/admin/audit?page=1&action=probe.event", "/agencies/?page=1", "/agencies/?page=9",
                                  "/admin/contact/?kind=", "/admin/users?q="])
def test_links_carry_only_the_pages_own_parameters(listed_app, path):
    admin = forged_host(signed_in(listed_app, "admin"))
    response = admin.get(f"{path}&{URL_FOR_NAMES}", base_url=f"http://{FORGED_HOST}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert FORGED_HOST not in html and "javascript:" not in html
    assert not re.search(r'href="[^"]*[?&](_method|_external|_scheme|_anchor)=', html)
    if path.startswith("/admin/audit"):  # the filter is kept in the next page and in the download
        assert 'href="/admin/audit?action=probe.event&amp;page=2"' in html
        assert 'href="/admin/audit.csv?action=probe.event"' in html


# CSV files --------------------------------------------------------------------------------------------------------

#: What a spreadsheet runs as a formula when a cell starts with it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_every_csv_the_site_serves_keeps_formulas_as_text(app):
    """Text typed by curators, members and applicants reaches every CSV download: none of its cells may start with
    what a spreadsheet would run. A new CSV route must be added here (the last assertion)."""
    with app.app_context():
        agency = make_agency("harbour-police", name="=Harbour Police")
        make_tools(tool_record("formula-tool", name="=HYPERLINK(\"https://evil.example\")", organisation="+cmd|calc",
                               summary="@SUM(A1) tool", description="-2+3 description", responsible_use="\tTab"))
        training = make_training(title="=Training title")
        enrol(training, make_user("member", email="alice@harbour-police.example", name="=Alice", agency=agency))
        other = Agency(slug="=cmd|calc", name="-Other", country="FR", kind="police")
        db.session.add(other)
        db.session.flush()
        contact_request(other, agency)
        audit.record("probe.event", target="=target", detail="@detail")
        db.session.commit()
        training_id = training.id
        trainer = signed_in(app, curator())
    admin = signed_in(app, "admin", email="=admin@harbour-police.example")
    with admin.session_transaction() as session:
        session["shortlist"] = ["formula-tool"]
    token = csrf_token(admin, "/assessment/")
    saved = admin.post("/assessment/save", data=form_data(MIXED, token, name="=Saved assessment"))
    assessment_path = saved.headers["Location"]

    session_list = admin.get("/shortlist/shortlist.csv")  # the session's list, moved into the account's first list
    with app.app_context():
        list_id = db.session.scalar(db.select(Shortlist.id))
    downloads = {
        "shortlist.export_csv": session_list,
        "shortlist.export_list_csv": admin.get(f"/shortlist/{list_id}/shortlist.csv"),
        "transfer.results_csv": admin.get("/admin/transfer/export/results.csv"),
        "transfer.catalogue_csv": admin.get("/admin/transfer/export/catalogue.csv"),
        "trainings.manage.attendees_csv": trainer.get(f"/trainings/manage/{training_id}/attendees.csv"),
        "contact_oversight.export": admin.get("/admin/contact/requests.csv"),
        "admin.audit_csv": admin.get("/admin/audit.csv"),
        "assessment.export_csv": admin.get(f"{assessment_path}.csv"),
        "assessment.download": admin.post("/assessment/download", data=form_data(MIXED, token, name="=Unsaved",
                                                                                 format="csv")),
    }
    for endpoint, response in downloads.items():
        assert response.status_code == 200 and response.mimetype == "text/csv", endpoint
        cells = [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]
        assert any(cell.startswith("'") for cell in cells), f"{endpoint}: the hostile text did not reach the file"
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)], endpoint
    csv_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.rule.endswith(".csv")}
    assert csv_routes <= set(downloads), f"walk these CSV downloads too: {csv_routes - set(downloads)}"


# Integers ---------------------------------------------------------------------------------------------------------

BEYOND_64_BITS = "99999999999999999999"


def test_integers_beyond_any_column_answer_as_wrong_input_never_500(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    tool_id = create_draft(alice, summary="First summary.")
    page = f"/curation/tools/{tool_id}"
    saved = alice.post(f"{page}/edit", data={**editor_data(summary="Changed."), "version": BEYOND_64_BITS,
                                             "csrf_token": csrf_token(alice, f"{page}/edit")})
    assert saved.status_code == 409 and "Someone else saved" in saved.get_data(as_text=True)
    restored = alice.post(f"{page}/revisions/1/restore", data={"version": BEYOND_64_BITS,
                                                               "csrf_token": csrf_token(alice, page)})
    assert restored.status_code == 409
    assert tool(app, tool_id).summary == "First summary."

    compared = alice.get(f"{page}/compare?old={BEYOND_64_BITS}&new=١")
    assert compared.status_code == 200 and "There is no such revision" not in compared.get_data(as_text=True)
    assert alice.get(f"{page}/revisions/{BEYOND_64_BITS}").status_code == 404
    assert alice.get(f"/curation/tools/{2**31}").status_code == 404
    for listing in ("/curation/tools", "/trainings/", "/contact/"):
        assert alice.get(f"{listing}?page={BEYOND_64_BITS}").status_code == 200, listing
    admin = signed_in(app, "admin")
    for listing in ("/admin/users", "/admin/audit", "/agencies/"):
        for page_number in (BEYOND_64_BITS, "١٢"):
            assert admin.get(f"{listing}?page={page_number}").status_code in (200, 400), (listing, page_number)


# Digits of other scripts ------------------------------------------------------------------------------------------

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_two_step_codes_typed_in_other_digits_are_read_as_digits(app):
    with app.app_context():
        secret = make_user("curator", email="amal@harbour-police.example").mfa_secret
    client = app.test_client()
    assert sign_in(client, "amal@harbour-police.example", PASSWORD).status_code == 303
    for wrong in ("١٢٣٤٥٦", "１２３４５６", "²³⁴⁵⁶⁷", "١٢٣-٤٥٦-٧٨٩"):  # four: the fifth wrong code locks
        refused = enter_code(client, wrong)
        assert refused.status_code == 200 and "not right" in refused.get_data(as_text=True), wrong
    assert enter_code(client, current_code(secret).translate(ARABIC_INDIC)).status_code == 303
    assert client.get("/account/").status_code == 200

    other = app.test_client()  # full-width digits, as a Chinese or Japanese keyboard types them
    sign_in(other, "amal@harbour-police.example", PASSWORD)
    assert enter_code(other, current_code(secret, offset_steps=1).translate(FULL_WIDTH)).status_code == 303


# Imports ----------------------------------------------------------------------------------------------------------

def test_a_file_with_many_faulty_records_lists_the_first_problems_and_counts_the_rest(app):
    admin = signed_in(app, "admin")
    faulty = [tool_record(f"faulty-{n}", name="", purposes=["telepathy"], country="XX") for n in range(400)]
    response = upload(admin, json.dumps(document(*faulty)))
    page = html.unescape(text_of(response))
    assert response.status_code == 400
    assert "The file has 1,200 problems, so nothing will be written." in page
    assert "The first 100 are listed below; 1,100 more are not." in page
    assert page.count("unknown term 'telepathy'") == 33  # three problems each of records 1 to 33, then one more
    result = app.test_cli_runner().invoke(args=["catalogue", "import", str(write(app, "faulty.json", faulty))])
    assert result.exit_code == 1
    assert "1200 problem(s)" in result.output and "and 1100 more problem(s), not listed" in result.output


@pytest.mark.parametrize(("content", "filename", "message"), [
    ('{"format": "ai-tools-catalogue", "version": ' + "9" * 5000 + ', "tools": []}', "huge.json",
     "malformed JSON: a number has more than 4,300 digits"),
    (json.dumps(document(tool_record("nul-tool", summary="Before\u0000after"))), "nul.json",
     "<td>summary</td><td>contains a NUL character"),
    (json.dumps(document(tool_record("nul-tool", languages=["en", "f\u0000r"]))), "nul-list.json",
     "contains a NUL character"),
    ("slug,name,organisation,summary,purposes\nnul-tool,Nul Tool,Lab,Be\x00fore,referral-triage\n", "nul.csv",
     "contains a NUL character"),
])
def test_malformed_imports_get_a_clear_message_and_store_nothing(app, content, filename, message):
    admin = signed_in(app, "admin")
    response = upload(admin, content, filename)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool)) == 0


def write(app, name: str, records: list) -> str:
    path = app.config["CATALOGUE_DATA_DIR"] / name
    path.write_text(json.dumps(document(*records)), encoding="utf-8")
    return str(path)


# E-mail -----------------------------------------------------------------------------------------------------------

def leave(client, slug: str):
    page = f"/trainings/{slug}"
    return client.post(f"{page}/leave", data={"csrf_token": csrf_token(client, page)})


def alice_leaves_a_full_training(app, title: str):
    """Alice and Bob (waiting) on a one-seat training; Alice leaves through the page, which gives Bob her seat and
    an e-mail."""
    with app.app_context():
        training = make_training(title=title, capacity=1)
        alice, bob = member("alice"), member("bob")
        enrol(training, alice), enrol(training, bob)
        slug, client = training.slug, signed_in(app, alice)
    return leave(client, slug)


def test_a_line_break_in_a_title_cannot_break_or_add_to_its_emails(app):
    assert alice_leaves_a_full_training(app, "Chat triage\r\nBcc: everyone@evil.example").status_code == 303
    [message] = outbox(app)
    assert message["To"] == "bob@harbour-police.example" and message["Bcc"] is None
    assert message["Subject"] == "You have a seat: Chat triage Bcc: everyone@evil.example"


def test_a_mail_failure_leaves_the_change_done_and_the_message_kept_for_the_retry_command(app, monkeypatch):
    with app.app_context():
        training = make_training(title="Hash matching basics", capacity=1)
        alice, bob, carol = member("alice"), member("bob"), member("carol")
        for person in (alice, bob, carol):
            enrol(training, person)
        slug, alice_client, bob_client = training.slug, signed_in(app, alice), signed_in(app, bob)

    def broken_template(*_args, **_kwargs):
        raise RuntimeError("a template that cannot be rendered")

    with monkeypatch.context() as patched:  # a bug in writing the e-mail: the change stands, the error is logged
        patched.setattr(mail, "render_template", broken_template)
        assert leave(alice_client, slug).status_code == 303
    assert outbox(app) == []

    with monkeypatch.context() as patched:  # the outbox (or the mail server) refuses it: kept to be sent again
        patched.setattr(mail, "write_to_outbox", lambda _message: (_ for _ in ()).throw(OSError("disk full")))
        assert leave(bob_client, slug).status_code == 303
    assert outbox(app) == []
    runner = app.test_cli_runner()
    result = runner.invoke(args=["catalogue", "retry-mail"])
    assert result.exit_code == 0 and "1 e-mail(s) sent, 0 still waiting." in result.output
    [message] = outbox(app)
    assert message["To"] == "carol@harbour-police.example"
    assert message["Subject"] == "You have a seat: Hash matching basics"
    assert "0 e-mail(s) sent, 0 still waiting." in runner.invoke(args=["catalogue", "retry-mail"]).output


def test_messages_the_mail_server_refused_are_sent_by_the_retry_command(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.fail = [], True
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    sender = type(mail._sender)(max_workers=1)
    monkeypatch.setattr(mail, "_sender", sender)
    app.config.update(MAIL_SERVER="smtp.agency.example")
    assert alice_leaves_a_full_training(app, "Hash matching basics").status_code == 303
    sender.shutdown(wait=True)  # the delivery beside the request has failed
    assert FakeSMTP.sent == []
    runner = app.test_cli_runner()
    still_down = runner.invoke(args=["catalogue", "retry-mail"])
    assert still_down.exit_code == 1 and "0 e-mail(s) sent, 1 still waiting." in still_down.output
    FakeSMTP.fail = False
    assert "1 e-mail(s) sent, 0 still waiting." in runner.invoke(args=["catalogue", "retry-mail"]).output
    [(_calls, message)] = FakeSMTP.sent
    assert message["To"] == "bob@harbour-police.example"
    assert message["Subject"] == "You have a seat: Hash matching basics"


# Reset timing -----------------------------------------------------------------------------------------------------

def test_a_reset_request_does_the_same_work_for_known_and_unknown_addresses_before_answering(app):
    """What happens before the answer leaves is the same whether or not the address has an account: the link and
    its e-mail are made once the response has been sent (closed, in the test client)."""
    with app.app_context():
        make_user("member", email="member@harbour-police.example")
        engine = db.engine
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def reset(address: str):
        client = app.test_client()
        token = csrf_token(client, "/account/reset")
        statements.clear()
        sqlalchemy.event.listen(engine, "before_cursor_execute", record)
        try:
            response = client.post("/account/reset", data={"email": address, "csrf_token": token})
        finally:
            sqlalchemy.event.remove(engine, "before_cursor_execute", record)
        return response, list(statements)

    known, known_work = reset("member@harbour-police.example")
    assert known.status_code == 200 and outbox(app) == [] and reset_tokens(app) == 0
    known.close()  # the server has sent the answer
    [message] = outbox(app)
    assert message["To"] == "member@harbour-police.example" and reset_tokens(app) == 1
    assert "https://catalogue.test/account/reset/" in message.get_payload(decode=True).decode()

    unknown, unknown_work = reset("nobody@harbour-police.example")
    unknown.close()
    assert unknown.status_code == 200 and len(outbox(app)) == 1
    assert known_work == unknown_work  # the same statements, in the same order


def reset_tokens(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(AccountToken))


# Registration -----------------------------------------------------------------------------------------------------

def test_registration_lists_no_agency_and_matches_the_one_described_without_saying_so(app):
    with app.app_context():
        make_agency("harbour-police", ("harbour-police.example",), name="Harbour Police Online Child Protection Unit")
        make_agency("quiet-task-force", ("qtf.example",), name="Quiet Task Force", country="DE")
    form = app.test_client().get("/account/register").get_data(as_text=True)
    assert "Harbour Police" not in form and "Quiet Task Force" not in form and "harbour-police" not in form

    answers = [
        register(app.test_client(), email="amal@harbour-police.example", agency_name="Harbour Police OCPU"),
        register(app.test_client(), email="ilya@mail.example", agency_name="quiet  task force", agency_country="DE"),
        register(app.test_client(), email="ana@lakeside.example", agency_name="Lakeside Cyber Unit",
                 agency_country="KE", agency_domain="lakeside.example"),
    ]
    assert {(r.status_code, r.headers["Location"]) for r in answers} == {(303, "/account/register/sent")}
    with app.app_context():
        agency_of = {u.email: (u.agency.slug if u.agency else None) for u in db.session.scalars(db.select(User))}
        amal_id = db.session.scalar(db.select(User.id).filter_by(email="amal@harbour-police.example"))
    assert agency_of == {"amal@harbour-police.example": "harbour-police-online-child-protection-unit",
                         "ilya@mail.example": "quiet-task-force", "ana@lakeside.example": None}
    account = signed_in(app, amal_id).get("/account/").get_data(as_text=True)
    assert "Harbour Police OCPU (waiting for approval)" in account and "Online Child Protection" not in account


# Kept editor input ------------------------------------------------------------------------------------------------

def kept_rows(app) -> list[tuple[int, str, int]]:
    with app.app_context():
        return [(row.user_id, row.path, len(json.dumps(row.form))) for row in db.session.scalars(db.select(KeptEdit))]


def save_after_timeout(app, user_id: int, client, path: str, **fields):
    """Open the editor signed in as the user, stay idle for longer than the session may be, then press Save."""
    signed_in(app, user_id, client=client)
    token = csrf_token(client, path)
    with client.session_transaction() as session:
        session[LAST_SEEN] = int(time.time()) - 3600
    return client.post(path, data={**editor_data(**fields), "csrf_token": token})


def test_nothing_is_kept_for_a_request_without_a_valid_session_and_form_token(app):
    big = editor_data(summary="x" * 400, description="y" * 1_900_000)
    anonymous = app.test_client()
    for _attempt in range(3):  # no session, no form token
        assert anonymous.post("/curation/tools/new", data=big).status_code == 400
    with_session = app.test_client()  # a session and a valid form token, but nobody signed in
    token = csrf_token(with_session, "/account/sign-in")
    refused = with_session.post("/curation/tools/new", data={**big, "csrf_token": token})
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/account/sign-in")
    assert kept_rows(app) == []


def test_kept_input_belongs_to_its_author_within_limits_and_expires(app):
    (alice,) = curator_clients(app, "alice@harbour-police.example")
    alice_id = alice.user_id
    drafts = [create_draft(alice, name=f"Tool {n}", website=f"https://t{n}.example") for n in range(6)]
    paths = ["/curation/tools/new", *(f"/curation/tools/{draft}/edit" for draft in drafts)]
    for path in paths:
        response = save_after_timeout(app, alice_id, alice, path, summary=f"Typed on {path}")
        assert response.status_code == 303 and response.headers["Location"].startswith("/account/sign-in")
    rows = kept_rows(app)
    assert len(rows) == kept.MAX_PER_USER and {user for user, _path, _size in rows} == {alice_id}
    assert {path for _user, path, _size in rows} == set(paths[-kept.MAX_PER_USER:])  # the oldest made way

    too_big = save_after_timeout(app, alice_id, alice, paths[-1], description="z" * 1_100_000)
    assert too_big.status_code == 302  # not kept: signing in again is all that is asked
    assert len(kept_rows(app)) == kept.MAX_PER_USER

    with app.app_context():
        db.session.execute(db.update(KeptEdit).values(created_at=utcnow() - kept.KEEP_FOR * 2))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["catalogue", "forget-kept-edits"])
    assert result.exit_code == 0 and "5 kept input(s) removed; 0 still kept for 0 curator(s)." in result.output
    assert kept_rows(app) == []
