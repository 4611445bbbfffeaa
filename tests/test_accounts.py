"""Registration, e-mail verification, sign-in, sessions and password reset, as the user meets them."""

from __future__ import annotations

import re
import time

import pytest

from catalogue.accounts.sessions import LAST_SEEN, SIGNED_IN_AT
from catalogue.extensions import db
from catalogue.models import AuditEvent, User
from tests.auth import body, csrf_token, link_in, outbox, sign_in, signed_in
from tests.factories import PASSWORD, make_agency, make_user

GOOD_PASSWORD = "quiet lanterns over harbour"


@pytest.fixture
def accounts_app(closed_app):
    with closed_app.app_context():
        make_agency()
    return closed_app


def application(**overrides):
    data = {"name": "Amal Haddad", "email": "amal@harbour-police.example", "password": GOOD_PASSWORD,
            "confirm": GOOD_PASSWORD, "agency_name": "Harbour Police", "agency_domain": "", "agency_country": "FR",
            "agency_kind": "police", "position": "Victim identification analyst",
            "justification": "I identify victims in seized material and need to compare triage tools.",
            "accept_terms": "y"}
    data.update(overrides)
    return data


def register(client, **overrides):
    return client.post("/account/register", data={**application(**overrides), "csrf_token": csrf_token(client)})


def user(app, email: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(db.select(User).filter_by(email=email))
        if found is not None:
            db.session.expunge(found)
        return found


def audit_actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.outcome) for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]


# Registration and verification -------------------------------------------------------------------------------------

def test_registration_creates_a_pending_account_and_mails_a_single_use_verification_link(accounts_app):
    client = accounts_app.test_client()
    response = register(client)
    assert response.status_code == 303 and response.headers["Location"] == "/account/register/sent"
    assert "Check your e-mail" in client.get("/account/register/sent").get_data(as_text=True)
    applicant = user(accounts_app, "amal@harbour-police.example")
    assert applicant.role == "pending" and applicant.email_verified_at is None and applicant.terms_accepted_at
    [message] = outbox(accounts_app)
    assert message["To"] == "amal@harbour-police.example"
    path = link_in(message)
    assert "Confirm my e-mail address" in client.get(path).get_data(as_text=True)
    assert user(accounts_app, "amal@harbour-police.example").email_verified_at is None  # GET does not use it up
    token = csrf_token(client, path)
    assert client.post(path, data={"csrf_token": token}).status_code == 303
    assert user(accounts_app, "amal@harbour-police.example").email_verified_at is not None
    again = client.post(path, data={"csrf_token": token})
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)


def test_an_expired_verification_link_says_so(accounts_app, monkeypatch):
    client = accounts_app.test_client()
    register(client)
    path = link_in(outbox(accounts_app)[0])
    import itsdangerous.timed

    later = time.time() + 49 * 3600
    monkeypatch.setattr(itsdangerous.timed, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    response = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert user(accounts_app, "amal@harbour-police.example").email_verified_at is None


def test_a_tampered_link_is_invalid(accounts_app):
    client = accounts_app.test_client()
    register(client)
    path = link_in(outbox(accounts_app)[0])
    response = client.post(path[:-3] + "abc", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400 and "not valid" in response.get_data(as_text=True)


def test_registration_needs_the_agencys_details_and_keeps_what_was_typed(accounts_app):
    client = accounts_app.test_client()
    response = register(client, agency_name="", agency_country="", agency_kind="", name="Ilya Petrov")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count("This field is required.") == 6  # beside each field, and linked from the summary at the top
    assert 'value="Ilya Petrov"' in html and GOOD_PASSWORD not in html
    assert user(accounts_app, "amal@harbour-police.example") is None
    assert register(client, email="ilya@lakeside.example", agency_name="Lakeside  Cyber Unit", agency_country="KE",
                    agency_kind="police", agency_domain="@Lakeside.example").status_code == 303
    applicant = user(accounts_app, "ilya@lakeside.example")
    assert applicant.agency_id is None and applicant.proposed_agency == {
        "name": "Lakeside Cyber Unit", "country": "KE", "kind": "police", "domain": "lakeside.example"}


def test_a_typed_value_quoted_in_an_error_is_shown_as_text(accounts_app):
    """Flask-Babel's lazy strings count as safe HTML: an error quoting what was typed must be an eager string."""
    client = accounts_app.test_client()
    html = register(client, agency_name="Lakeside Cyber Unit", agency_country="KE", agency_kind="police",
                    agency_domain='<img src=x alt="injected">').get_data(as_text=True)
    assert "is not a domain name" in html
    assert '<img src=x alt="injected">' not in html and "&lt;img src=x" in html


@pytest.mark.parametrize(("overrides", "message"), [
    ({"password": "short pass", "confirm": "short pass"}, "at least 12 characters"),
    ({"password": "x" * 129, "confirm": "x" * 129}, "Field cannot be longer than 128 characters"),
    ({"password": "password1234", "confirm": "password1234"}, "too common"),
    ({"password": "1qaz2wsx3edc", "confirm": "1qaz2wsx3edc"}, "too common"),
    ({"password": "amal-harbour-2026", "confirm": "amal-harbour-2026"}, "name or e-mail"),
    ({"confirm": "something else entirely"}, "not the same"),
    ({"email": "not-an-address"}, "valid e-mail address"),
    ({"name": "n" * 121}, "cannot be longer than 120"),
    ({"justification": "short"}, "at least 20"),
    ({"accept_terms": ""}, "accept the terms of use"),
    ({"agency_kind": "secret-society"}, "Not a valid choice"),
])
def test_registration_refuses_bad_input_with_a_clear_message(accounts_app, overrides, message):
    response = register(accounts_app.test_client(), **overrides)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with accounts_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    assert outbox(accounts_app) == []


def test_registering_a_taken_address_looks_the_same_and_tells_the_owner(accounts_app):
    with accounts_app.app_context():
        make_user("member", email="amal@harbour-police.example")
    response = register(accounts_app.test_client())
    assert response.status_code == 303 and response.headers["Location"] == "/account/register/sent"
    [message] = outbox(accounts_app)
    assert "already has an account" in body(message)
    with accounts_app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


# Sign-in -----------------------------------------------------------------------------------------------------------

def without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]+"', "", html)


def test_unknown_address_and_wrong_password_get_the_same_answer(accounts_app, monkeypatch):
    with accounts_app.app_context():
        make_user("member")
    from catalogue.accounts import passwords

    verified = []
    original = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda h, p: verified.append(h) or original(h, p))
    wrong = sign_in(accounts_app.test_client(), "member@harbour-police.example", "not the password at all")
    unknown = sign_in(accounts_app.test_client(), "nobody@harbour-police.example", "not the password at all")
    assert wrong.status_code == unknown.status_code == 200
    assert without_tokens(wrong.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))
    assert "The e-mail address or password is not right." in wrong.get_data(as_text=True)
    assert len(verified) == 2  # the unknown address is checked against a hash too, so it costs the same time


def test_signing_in_renews_the_session_and_lands_on_the_next_page(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    client = accounts_app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = client.post("/account/sign-in?next=/tools/", data={
        "email": " Member@Harbour-Police.example ", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/tools/"
    with client.session_transaction() as session:
        assert "planted" not in session and session["_user_id"]
    assert client.get("/tools/").status_code == 200
    assert ("sign_in", "success") in audit_actions(accounts_app)


def test_deactivated_accounts_cannot_sign_in(accounts_app):
    with accounts_app.app_context():
        make_user("member", active=False)
    response = sign_in(accounts_app.test_client(), "member@harbour-police.example", PASSWORD)
    assert response.status_code == 200 and "not active" in response.get_data(as_text=True)
    assert ("sign_in", "deactivated") in audit_actions(accounts_app)


def test_failures_lock_the_account_with_growing_delays_and_say_when_to_retry(accounts_app):
    accounts_app.config.update(SIGN_IN_FREE_ATTEMPTS=3, SIGN_IN_BASE_DELAY_SECONDS=60)
    with accounts_app.app_context():
        make_user("member")
    client = accounts_app.test_client()
    statuses = [sign_in(client, "member@harbour-police.example", f"wrong guess {n}").status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    locked = sign_in(client, "member@harbour-police.example", "wrong guess 4")
    assert locked.status_code == 429 and 55 <= int(locked.headers["Retry-After"]) <= 60
    assert "Try again in 1 minute (after" in locked.get_data(as_text=True)
    right_password = sign_in(accounts_app.test_client(), "member@harbour-police.example", PASSWORD)
    assert right_password.status_code == 429  # even the right password waits: the lock is on the account
    with accounts_app.app_context():
        from catalogue.accounts import throttle

        assert throttle.delay_after(5) == 120 and throttle.delay_after(6) == 240
        assert throttle.delay_after(40) == accounts_app.config["SIGN_IN_MAX_DELAY_SECONDS"]
    assert ("sign_in", "throttled") in audit_actions(accounts_app)


def test_unknown_addresses_are_throttled_exactly_like_known_ones(accounts_app):
    accounts_app.config.update(SIGN_IN_FREE_ATTEMPTS=1)
    client = accounts_app.test_client()
    sign_in(client, "nobody@harbour-police.example", "wrong guess one")
    assert sign_in(client, "nobody@harbour-police.example", "wrong guess two").status_code == 429


def test_per_ip_limits_answer_429_with_retry_after(accounts_app):
    accounts_app.config["RATELIMIT_SIGN_IN"] = "2 per minute"
    client = accounts_app.test_client()
    codes = [sign_in(client, f"user{n}@harbour-police.example", "wrong guess").status_code for n in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429
    response = sign_in(client, "user9@harbour-police.example", "wrong guess")
    assert int(response.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_argon2_hashes_are_upgraded_when_the_parameters_change(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    accounts_app.config["PASSWORD_TIME_COST"] = 2
    assert sign_in(accounts_app.test_client(), "member@harbour-police.example", PASSWORD).status_code == 303
    assert "t=2" in user(accounts_app, "member@harbour-police.example").password_hash
    assert user(accounts_app, "member@harbour-police.example").password_hash.startswith("$argon2id$")


# Sessions ----------------------------------------------------------------------------------------------------------

def test_a_session_cookie_replayed_after_sign_out_is_refused(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    client = signed_in(accounts_app, "member@harbour-police.example", through_form=True)
    stolen = client.get_cookie("session").value
    response = client.post("/account/sign-out", data={"csrf_token": csrf_token(client, "/account/")})
    assert response.status_code == 303
    replay = accounts_app.test_client()
    replay.set_cookie("session", stolen)
    response = replay.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/sign-in")


@pytest.mark.parametrize("stale", [{LAST_SEEN: 31 * 60}, {SIGNED_IN_AT: 12 * 3600 + 60}], ids=["idle", "absolute"])
def test_sessions_end_after_the_idle_and_absolute_timeouts(accounts_app, stale):
    client = signed_in(accounts_app, "member")
    assert client.get("/account/").status_code == 200
    with client.session_transaction() as session:
        for key, age in stale.items():
            session[key] = int(time.time()) - age
    response = client.get("/account/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/sign-in")


def test_changing_the_password_signs_out_other_devices_but_not_this_one(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    here, elsewhere = (signed_in(accounts_app, "member@harbour-police.example", through_form=True) for _ in "12")
    response = here.post("/account/password", data={
        "current": PASSWORD, "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD,
        "csrf_token": csrf_token(here, "/account/password")})
    assert response.status_code == 303
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302
    assert "was just changed" in body(outbox(accounts_app)[-1])
    assert sign_in(accounts_app.test_client(), "member@harbour-police.example", GOOD_PASSWORD).status_code == 303


def test_a_wrong_current_password_changes_nothing(accounts_app):
    client = signed_in(accounts_app, "member")
    response = client.post("/account/password", data={
        "current": "not my password", "password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD,
        "csrf_token": csrf_token(client, "/account/password")})
    assert response.status_code == 200 and "Your current password is not right." in response.get_data(as_text=True)
    assert sign_in(accounts_app.test_client(), "member@harbour-police.example", PASSWORD).status_code == 303


# Password reset ----------------------------------------------------------------------------------------------------

def request_reset(client, address: str, **headers):
    """Ask for a reset link; the link is made once the answer has been sent, so the response is closed here, as a
    server does after sending it."""
    html = client.get("/account/reset", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/account/reset", data={"email": address, "csrf_token": token}, headers=headers)
    response.close()
    return response


def test_reset_requests_answer_the_same_for_known_and_unknown_addresses(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    known = request_reset(accounts_app.test_client(), "member@harbour-police.example")
    unknown = request_reset(accounts_app.test_client(), "nobody@harbour-police.example")
    assert known.status_code == unknown.status_code == 200
    assert without_tokens(known.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))
    assert [m["To"] for m in outbox(accounts_app)] == ["member@harbour-police.example"]


def test_reset_links_come_from_the_configured_base_url_never_the_host_header(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    client = accounts_app.test_client()
    response = request_reset(client, "member@harbour-police.example", Host="evil.example")
    assert response.status_code == 200
    text = body(outbox(accounts_app)[0])
    assert "https://catalogue.test/account/reset/" in text and "evil.example" not in text


def test_a_reset_link_works_once_and_signs_out_every_session(accounts_app):
    with accounts_app.app_context():
        make_user("member")
    other_device = signed_in(accounts_app, "member@harbour-police.example", through_form=True)
    client = accounts_app.test_client()
    request_reset(client, "member@harbour-police.example")
    path = link_in(outbox(accounts_app)[0])
    token = csrf_token(client, path)
    weak = client.post(path, data={"password": "password", "confirm": "password", "csrf_token": token})
    assert weak.status_code == 200 and "at least 12" in weak.get_data(as_text=True)
    done = client.post(path, data={"password": GOOD_PASSWORD, "confirm": GOOD_PASSWORD, "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/account/sign-in"
    assert other_device.get("/account/").status_code == 302
    reused = client.get(path)
    assert reused.status_code == 400 and "already been used" in reused.get_data(as_text=True)
    assert sign_in(accounts_app.test_client(), "member@harbour-police.example", GOOD_PASSWORD).status_code == 303


def test_a_reset_link_expires_after_30_minutes(accounts_app, monkeypatch):
    with accounts_app.app_context():
        make_user("member")
    client = accounts_app.test_client()
    request_reset(client, "member@harbour-police.example")
    path = link_in(outbox(accounts_app)[0])
    import itsdangerous.timed

    later = time.time() + 31 * 60
    monkeypatch.setattr(itsdangerous.timed, "time", type("Clock", (), {"time": staticmethod(lambda: later)}))
    response = client.get(path)
    assert response.status_code == 400 and "expired" in response.get_data(as_text=True)


# Outgoing e-mail ---------------------------------------------------------------------------------------------------

class FakeSMTP:
    sent: list = []
    fail = False

    def __init__(self, host, port, timeout):
        self.calls = [("connect", host, port)]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context):
        self.calls.append(("starttls",))

    def login(self, user, password):
        self.calls.append(("login", user))

    def send_message(self, message):
        if FakeSMTP.fail:
            raise ConnectionRefusedError("mail server down")
        FakeSMTP.sent.append((self.calls, message))


@pytest.mark.parametrize("fail", [False, True], ids=["delivered", "server-down"])
def test_smtp_mail_is_sent_beside_the_request_with_starttls_and_failures_are_only_logged(
        accounts_app, monkeypatch, caplog, fail):
    import smtplib

    from catalogue import mail

    FakeSMTP.sent, FakeSMTP.fail = [], fail
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    sender = type(mail._sender)(max_workers=1)
    monkeypatch.setattr(mail, "_sender", sender)
    accounts_app.config.update(MAIL_SERVER="smtp.agency.example", MAIL_USERNAME="catalogue", MAIL_PASSWORD="s3cret")
    with accounts_app.app_context():
        make_user("member")
    client = accounts_app.test_client()
    response = request_reset(client, "member@harbour-police.example")
    assert response.status_code == 200
    sender.shutdown(wait=True)  # wait for the queued delivery
    assert outbox(accounts_app) == []
    if fail:
        assert FakeSMTP.sent == [] and "Sending the e-mail" in caplog.text
    else:
        calls, message = FakeSMTP.sent[0]
        assert calls == [("connect", "smtp.agency.example", 587), ("starttls",), ("login", "catalogue")]
        assert message["To"] == "member@harbour-police.example"
    assert "s3cret" not in caplog.text and "/account/reset/" not in caplog.text
