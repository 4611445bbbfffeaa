"""``flask users …`` and the demo accounts made by ``flask catalogue demo``."""

from __future__ import annotations

import json

from catalogue.admin.demo import AGENCIES_FILE, DEMO_ACCOUNTS, DEMO_PASSWORD
from catalogue.extensions import db
from catalogue.models import Agency, User
from tests.auth import sign_in
from tests.factories import make_agency


def stored(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_reads_the_password_from_standard_input(app, runner):
    with app.app_context():
        make_agency()
    result = runner.invoke(args=["users", "create", "Lead@Harbour-Police.example", "--role", "curator",
                                 "--agency", "harbour-police", "--name", "Lead Curator"],
                           input="long enough secret words\n")
    assert result.exit_code == 0, result.output
    assert "long enough secret words" not in result.output and "two-step sign-in" in result.output
    user = stored(app, "lead@harbour-police.example")
    assert (user.role, user.name, user.email_verified_at is not None) == ("curator", "Lead Curator", True)
    assert sign_in(app.test_client(), "lead@harbour-police.example", "long enough secret words").status_code == 303


def test_create_generates_and_prints_a_password_once_when_none_is_given(app, runner):
    result = runner.invoke(args=["users", "create", "first@agency.example", "--role", "admin"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].split()[0]
    assert len(password) >= 20
    assert sign_in(app.test_client(), "first@agency.example", password).status_code == 303


def test_create_refuses_duplicates_weak_passwords_and_unknown_agencies(app, runner):
    runner.invoke(args=["users", "create", "taken@agency.example"])
    duplicate = runner.invoke(args=["users", "create", "taken@agency.example"])
    weak = runner.invoke(args=["users", "create", "weak@agency.example"], input="password\n")
    unknown = runner.invoke(args=["users", "create", "x@agency.example", "--agency", "nowhere"])
    assert [r.exit_code for r in (duplicate, weak, unknown)] == [1, 1, 1]
    assert "already exists" in duplicate.output and "at least 12" in weak.output and "nowhere" in unknown.output
    assert stored(app, "weak@agency.example") is None


def test_list_and_deactivate(app, runner):
    runner.invoke(args=["users", "create", "one@agency.example", "--role", "member"])
    runner.invoke(args=["users", "create", "two@agency.example", "--role", "admin"])
    listing = runner.invoke(args=["users", "list"]).output
    assert "one@agency.example" in listing and "two@agency.example" in listing
    assert "two@agency.example" not in runner.invoke(args=["users", "list", "--role", "member"]).output
    result = runner.invoke(args=["users", "deactivate", "one@agency.example"])
    assert result.exit_code == 0 and not stored(app, "one@agency.example").active
    last_admin = runner.invoke(args=["users", "deactivate", "two@agency.example"])
    assert last_admin.exit_code == 1 and "only active administrator" in last_admin.output
    assert runner.invoke(args=["users", "deactivate", "nobody@agency.example"]).exit_code == 1


def test_check_explains_how_to_create_the_first_admin(app, runner):
    assert "users create" in runner.invoke(args=["users", "check"]).output
    runner.invoke(args=["users", "create", "boss@agency.example", "--role", "admin"])
    assert runner.invoke(args=["users", "check"]).output == ""


def test_demo_creates_fictional_agencies_and_one_account_per_role_in_development(demo_command_app):
    app, runner = demo_command_app, demo_command_app.test_cli_runner()
    result = app.first_demo_run
    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD in result.output
    for email, role in ((email, role) for email, _name, role in DEMO_ACCOUNTS):
        assert email in result.output and stored(app, email).role == role and stored(app, email).demo
    with app.app_context():
        agencies = db.session.scalars(db.select(Agency)).all()
    assert len(agencies) == len(json.loads(AGENCIES_FILE.read_text())) and all(a.demo for a in agencies)
    assert all(d.endswith(".example") for a in agencies for d in a.domains)
    assert runner.invoke(args=["catalogue", "demo"]).exit_code == 0  # a second run changes nothing


def test_demo_creates_no_accounts_in_production(tmp_path, demo_data_dir):
    from tests.conftest import copy_data_dir, make_app

    copy_data_dir(demo_data_dir, tmp_path / "prod")  # the demo tools loaded already: the accounts are the question
    app = make_app(tmp_path / "prod", CATALOGUE_ENV="production", TESTING=False, SECRET_KEY="p" * 40,
                   MAIL_SERVER="smtp.agency.example")
    result = app.test_cli_runner().invoke(args=["catalogue", "demo"])
    assert "no demo agencies or accounts" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
