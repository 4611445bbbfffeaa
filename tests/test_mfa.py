"""Two-step sign-in: enrolment, codes that work once, recovery codes, and who must have it."""

from __future__ import annotations

import re

import pyotp
import pytest

from catalogue.accounts import mfa
from catalogue.extensions import db
from catalogue.models import AuditEvent, User
from tests.auth import csrf_token, current_code, enter_code, sign_in, signed_in
from tests.factories import PASSWORD, make_user

EMAIL = "member@harbour-police.example"


def stored(app, email: str = EMAIL) -> User:
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        db.session.expunge(user)
        return user


def enrol(app, client) -> tuple[str, list[str]]:
    html = client.get("/account/mfa").get_data(as_text=True)
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    response = client.post("/account/mfa", data={"code": current_code(secret),
                                                  "csrf_token": csrf_token(client, "/account/mfa")})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    return secret, codes


@pytest.fixture
def member_client(closed_app):
    return signed_in(closed_app, "member")


def test_enrolment_shows_a_qr_code_as_inline_svg_and_the_secret_as_text(closed_app, member_client):
    html = member_client.get("/account/mfa").get_data(as_text=True)
    assert '<svg role="img" aria-label="QR code"' in html and "<img" not in html
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', html).group(1).replace(" ", "")
    assert stored(closed_app).mfa_pending_secret == secret and stored(closed_app).mfa_secret is None


def test_a_wrong_code_does_not_turn_it_on(closed_app, member_client):
    member_client.get("/account/mfa")
    response = member_client.post("/account/mfa", data={"code": "000000",
                                                        "csrf_token": csrf_token(member_client, "/account/mfa")})
    assert response.status_code == 200 and "That code is not right" in response.get_data(as_text=True)
    assert stored(closed_app).mfa_secret is None


def test_enrolling_turns_it_on_and_shows_ten_recovery_codes_once_stored_hashed(closed_app, member_client):
    secret, codes = enrol(closed_app, member_client)
    assert len(codes) == 10 and len(set(codes)) == 10
    user = stored(closed_app)
    assert user.mfa_secret == secret and user.mfa_pending_secret is None
    with closed_app.app_context():
        hashes = [row.code_hash for row in db.session.get(User, user.id).recovery_codes]
    assert len(hashes) == 10 and not set(codes) & set(hashes)
    assert "10 unused recovery codes" in member_client.get("/account/").get_data(as_text=True)
    assert not any(code in member_client.get("/account/").get_data(as_text=True) for code in codes)


def test_signing_in_with_a_second_factor_needs_the_code(closed_app, member_client):
    secret, _codes = enrol(closed_app, member_client)
    client = closed_app.test_client()
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 303 and response.headers["Location"].startswith("/account/sign-in/code")
    assert client.get("/account/").status_code == 302  # not signed in until the code is given
    wrong = enter_code(client, "123456")
    assert wrong.status_code == 200 and "not right, or it has already been used" in wrong.get_data(as_text=True)
    assert enter_code(client, current_code(secret, offset_steps=1)).status_code == 303
    assert client.get("/account/").status_code == 200


def test_a_code_cannot_be_used_twice_and_older_codes_are_refused(closed_app):
    with closed_app.app_context():
        user = make_user("member", mfa=True)
        secret = user.mfa_secret
    first = closed_app.test_client()
    sign_in(first, EMAIL, PASSWORD)
    code = current_code(secret)
    assert enter_code(first, code).status_code == 303
    replay = closed_app.test_client()
    sign_in(replay, EMAIL, PASSWORD)
    assert enter_code(replay, code).status_code == 200
    assert enter_code(replay, current_code(secret, offset_steps=-1)).status_code == 200
    with closed_app.app_context():
        failures = db.session.scalars(db.select(AuditEvent).filter_by(action="sign_in.mfa", outcome="failure")).all()
    assert len(failures) == 2


def test_the_window_is_one_step_either_side():
    secret = pyotp.random_base32()
    now = 1_800_000_000
    totp = pyotp.TOTP(secret)
    for offset, accepted in [(-2, False), (-1, True), (0, True), (1, True), (2, False)]:
        code = totp.at(now + 30 * offset)
        assert (mfa.matching_step(secret, code, now) is not None) is accepted, offset


def test_recovery_codes_work_once(closed_app, member_client):
    _secret, codes = enrol(closed_app, member_client)
    client = closed_app.test_client()
    sign_in(client, EMAIL, PASSWORD)
    assert enter_code(client, codes[0].upper().replace("-", " ")).status_code == 303
    again = closed_app.test_client()
    sign_in(again, EMAIL, PASSWORD)
    assert enter_code(again, codes[0]).status_code == 200
    assert enter_code(again, codes[1]).status_code == 303


def test_new_recovery_codes_need_the_password_and_replace_the_old_ones(closed_app, member_client):
    _secret, codes = enrol(closed_app, member_client)
    token = csrf_token(member_client, "/account/")
    refused = member_client.post("/account/mfa/recovery-codes", data={"recovery-password": "wrong one",
                                                                       "csrf_token": token}, follow_redirects=True)
    assert "nothing was changed" in refused.get_data(as_text=True)
    response = member_client.post("/account/mfa/recovery-codes", data={"recovery-password": PASSWORD,
                                                                        "csrf_token": token})
    fresh = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert len(fresh) == 10 and not set(fresh) & set(codes)
    client = closed_app.test_client()
    sign_in(client, EMAIL, PASSWORD)
    assert enter_code(client, codes[0]).status_code == 200


def test_members_may_turn_it_off_with_their_password_but_curators_may_not(closed_app, member_client):
    enrol(closed_app, member_client)
    response = member_client.post("/account/mfa/disable", data={
        "disable-password": PASSWORD, "csrf_token": csrf_token(member_client, "/account/")})
    assert response.status_code == 303 and stored(closed_app).mfa_secret is None
    curator = signed_in(closed_app, "curator", email="curator@harbour-police.example")
    assert "Turn off two-step sign-in" not in curator.get("/account/").get_data(as_text=True)
    curator.post("/account/mfa/disable", data={"disable-password": PASSWORD,
                                               "csrf_token": csrf_token(curator, "/account/")})
    assert stored(closed_app, "curator@harbour-police.example").mfa_secret is not None


def test_mfa_events_are_audited_without_codes_or_secrets(closed_app, member_client):
    secret, codes = enrol(closed_app, member_client)
    client = closed_app.test_client()
    sign_in(client, EMAIL, PASSWORD)
    enter_code(client, codes[0])
    with closed_app.app_context():
        events = db.session.scalars(db.select(AuditEvent)).all()
    actions = {(e.action, e.outcome) for e in events}
    assert {("mfa.enrol", "success"), ("sign_in", "password_ok"), ("sign_in.mfa", "success")} <= actions
    text = " ".join(f"{e.target} {e.detail} {e.actor}" for e in events)
    assert secret not in text and not any(code in text for code in codes) and PASSWORD not in text


def test_a_pending_code_cookie_replayed_after_the_lock_gets_no_more_guesses(closed_app):
    closed_app.config.update(SIGN_IN_FREE_ATTEMPTS=2)
    with closed_app.app_context():
        secret = make_user("member", mfa=True).mfa_secret
    client = closed_app.test_client()
    sign_in(client, EMAIL, PASSWORD)
    token = csrf_token(client, "/account/sign-in/code")
    saved = client.get_cookie("session").value
    for _ in range(3):
        client.post("/account/sign-in/code", data={"code": "000000", "csrf_token": token})
    replay = closed_app.test_client()
    replay.set_cookie("session", saved)
    response = replay.post("/account/sign-in/code", data={"code": current_code(secret), "csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/account/sign-in"
    assert replay.get("/account/").status_code == 302  # the right code did not sign in while locked


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(closed_app):
    closed_app.config.update(SIGN_IN_FREE_ATTEMPTS=3)
    with closed_app.app_context():
        make_user("member", mfa=True)
    for _ in range(2):
        client = closed_app.test_client()
        sign_in(client, EMAIL, PASSWORD)
        enter_code(client, "000000")
        enter_code(client, "111111")
    with closed_app.app_context():
        from catalogue.accounts import throttle

        assert throttle.locked_until(EMAIL) is not None
