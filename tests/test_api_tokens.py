"""Personal access tokens: made on the account page and shown once, stored hashed, sent as a bearer token; they die
when revoked, expired, or when their owner is deactivated or changes role; token requests carry no session cookie
and need no CSRF token, while a browser session changing something through the API still does."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from catalogue import clock
from catalogue.accounts import access_tokens
from catalogue.extensions import db
from catalogue.models import AuditEvent, User
from catalogue.models.people import ApiToken
from tests.auth import csrf_token, signed_in
from tests.conftest import copy_data_dir, make_app

TOKEN = re.compile(r"cat_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def closed_demo(tmp_path, demo_data_dir):
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, CATALOGUE_PUBLIC_BROWSING=False)
    yield app
    with app.app_context():
        db.engine.dispose()


def make_token(app, client, name="procurement system", curate=False) -> str:
    data = {"token-name": name, "token-days": "90", "csrf_token": csrf_token(client, "/account/")}
    if curate:
        data["token-curate"] = "y"
    page = client.post("/account/tokens", data=data)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "shown only this once" in html
    return TOKEN.search(html).group(0)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_member_makes_a_token_sees_it_once_and_a_program_reads_with_it(closed_demo):
    member = signed_in(closed_demo, "member")
    token = make_token(closed_demo, member)
    account = member.get("/account/").get_data(as_text=True)
    assert "procurement system" in account and token not in account and "Never" in account
    with closed_demo.app_context():
        row = db.session.scalars(db.select(ApiToken)).one()
        assert token.split("_", 2)[2] not in row.secret_hash and len(row.secret_hash) == 64
        assert row.scopes == "read" and (row.expires_at - row.created_at).days == 90

    program = closed_demo.test_client()
    assert program.get("/api/v1/tools").status_code == 401
    answer = program.get("/api/v1/tools", headers=bearer(token))
    assert answer.status_code == 200 and answer.json["count"] > 0
    assert "Set-Cookie" not in answer.headers
    assert "private" in answer.headers["Cache-Control"]
    assert "Last used" in member.get("/account/").get_data(as_text=True)
    with closed_demo.app_context():
        assert db.session.scalars(db.select(ApiToken)).one().last_used_at is not None
        assert db.session.scalars(db.select(AuditEvent).filter_by(action="api_token.created")).one()


def test_anonymous_and_bad_tokens_get_401_problems(closed_demo):
    program = closed_demo.test_client()
    for headers in ({}, {"Authorization": "Bearer nonsense"}, {"Authorization": "Basic dXNlcjpwYXNz"},
                    bearer("cat_0123456789ab_" + "x" * 43)):
        answer = program.get("/api/v1/tools", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.mimetype == "application/problem+json" and answer.json["status"] == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_revoked_expired_deactivated_and_promoted_tokens_stop_working(closed_demo, monkeypatch):
    member = signed_in(closed_demo, "member")
    revoked, expiring, kept = (make_token(closed_demo, member, name) for name in ("one", "two", "three"))
    program = closed_demo.test_client()
    with closed_demo.app_context():
        revoked_id = db.session.scalars(db.select(ApiToken).filter_by(name="one")).one().id
    response = member.post(f"/account/tokens/{revoked_id}/revoke",
                           data={"revoke-csrf_token": csrf_token(member, "/account/")})
    assert response.status_code == 303
    answer = program.get("/api/v1/tools", headers=bearer(revoked))
    assert answer.status_code == 401 and "revoked" in answer.json["detail"]
    assert program.get("/api/v1/tools", headers=bearer(expiring)).status_code == 200

    later = clock.now() + timedelta(days=91)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert program.get("/api/v1/tools", headers=bearer(expiring)).json["detail"].startswith("This token has expired")
    monkeypatch.undo()

    with closed_demo.app_context():
        user = db.session.get(User, member.user_id)
        user.role = "curator"
        db.session.commit()
    assert program.get("/api/v1/tools", headers=bearer(kept)).status_code == 401
    with closed_demo.app_context():
        user = db.session.get(User, member.user_id)
        user.role, user.active = "member", False
        db.session.commit()
    assert program.get("/api/v1/tools", headers=bearer(kept)).status_code == 401
    with closed_demo.app_context():
        assert db.session.scalars(db.select(AuditEvent).filter_by(action="api_token.revoked")).one()


def test_someone_elses_token_cannot_be_revoked(closed_demo):
    owner = signed_in(closed_demo, "member")
    other = signed_in(closed_demo, "member", email="other@harbour-police.example")
    token = make_token(closed_demo, owner)
    with closed_demo.app_context():
        token_id = db.session.scalars(db.select(ApiToken)).one().id
    other.post(f"/account/tokens/{token_id}/revoke", data={"revoke-csrf_token": csrf_token(other, "/account/")})
    assert closed_demo.test_client().get("/api/v1/tools", headers=bearer(token)).status_code == 200


def test_only_curators_may_make_curating_tokens_and_a_read_token_cannot_write(closed_demo):
    member = signed_in(closed_demo, "member")
    assert "Also allow curating" not in member.get("/account/").get_data(as_text=True)
    reading = make_token(closed_demo, member, curate=True)  # asked for, not granted
    with closed_demo.app_context():
        assert db.session.scalars(db.select(ApiToken)).one().scopes == "read"
    answer = closed_demo.test_client().post("/api/v1/tools", json={"name": "X"}, headers=bearer(reading))
    assert answer.status_code == 403 and answer.mimetype == "application/problem+json"

    curator = signed_in(closed_demo, "curator")
    assert "Also allow curating" in curator.get("/account/").get_data(as_text=True)
    curating = make_token(closed_demo, curator, curate=True)
    with closed_demo.app_context():
        assert db.session.scalars(db.select(ApiToken).filter_by(user_id=curator.user_id)).one().scopes == \
            "read curate"
    answer = closed_demo.test_client().post("/api/v1/tools", json={"nonsense": 1}, headers=bearer(curating))
    assert answer.status_code == 400 and answer.json["errors"]["nonsense"] == ["Unknown field."]


def test_a_browser_session_changing_something_through_the_api_needs_the_csrf_token(closed_demo):
    curator = signed_in(closed_demo, "curator")
    refused = curator.post("/api/v1/tools", json={"name": "X"})
    assert refused.status_code == 400 and "nothing was changed" in refused.json["detail"]
    token = csrf_token(curator, "/account/")
    passed = curator.post("/api/v1/tools", json={"name": "X"}, headers={"X-CSRFToken": token})
    assert passed.status_code == 400 and "organisation" in passed.json["errors"]


def test_token_requests_are_rate_limited_per_token_with_retry_after(tmp_path, demo_data_dir):
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, RATELIMIT_API="3 per minute")
    member = signed_in(app, "member")
    first, second = make_token(app, member, "a"), make_token(app, member, "b")
    program = app.test_client()
    statuses = [program.get("/api/v1/vocabularies", headers=bearer(first)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = program.get("/api/v1/vocabularies", headers=bearer(first))
    assert limited.mimetype == "application/problem+json" and int(limited.headers["Retry-After"]) >= 1
    assert program.get("/api/v1/vocabularies", headers=bearer(second)).status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_made_up_and_dead_tokens_count_against_the_senders_address(tmp_path, demo_data_dir):
    """A token that does not work gets no allowance of its own: inventing token ids cannot get round the limit."""
    copy_data_dir(demo_data_dir, tmp_path)
    app = make_app(tmp_path, RATELIMIT_API="3 per minute")
    member = signed_in(app, "member")
    working = make_token(app, member, "a")
    revoked = make_token(app, member, "b")
    with app.app_context():
        row = db.session.scalar(db.select(ApiToken).filter_by(name="b"))
        assert access_tokens.revoke(row.user, row.id)
    program = app.test_client()
    made_up = [f"cat_{n:012x}_{'s' * 43}" for n in range(3)]
    statuses = [program.get("/api/v1/vocabularies", headers=bearer(value)).status_code for value in made_up]
    assert statuses == [401, 401, 401]
    assert program.get("/api/v1/vocabularies", headers=bearer(f"cat_{9:012x}_{'s' * 43}")).status_code == 429
    assert program.get("/api/v1/vocabularies", headers=bearer(revoked)).status_code == 429
    assert program.get("/api/v1/vocabularies").status_code == 429  # the same address, without a token
    assert program.get("/api/v1/vocabularies", headers=bearer(working)).status_code == 200  # its own allowance
    with app.app_context():
        db.engine.dispose()


def test_tokens_last_a_year_at_most(app):
    with app.app_context():
        from tests.factories import make_user

        user = make_user("member")
        issued = access_tokens.create(user, "long", 5000)
        assert (issued.row.expires_at - issued.row.created_at).days == 365
