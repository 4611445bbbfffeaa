import pytest

from catalogue import create_app
from catalogue.config import UnsafeConfiguration, normalise_database_url


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app({"CATALOGUE_ENV": "production", "CATALOGUE_DATA_DIR": tmp_path})


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(UnsafeConfiguration):
        create_app({"CATALOGUE_ENV": "production", "SECRET_KEY": "short", "CATALOGUE_DATA_DIR": tmp_path})


PRODUCTION = {"CATALOGUE_ENV": "production", "SECRET_KEY": "x" * 64, "CATALOGUE_BASE_URL": "https://catalogue.example",
              "MAIL_SERVER": "smtp.catalogue.example"}


def test_production_starts_with_safe_settings_and_secure_cookies(tmp_path):
    app = create_app({**PRODUCTION, "CATALOGUE_DATA_DIR": tmp_path})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert not app.debug


@pytest.mark.parametrize(("override", "message"), [
    ({"CATALOGUE_BASE_URL": ""}, "CATALOGUE_BASE_URL"),
    ({"CATALOGUE_BASE_URL": "http://catalogue.example"}, "https://"),
    ({"MAIL_SERVER": ""}, "MAIL_SERVER"),
    ({"MAIL_SECURITY": "none"}, "MAIL_SECURITY"),
    ({"DEBUG": True}, "DEBUG"),
])
def test_production_refuses_unsafe_settings(tmp_path, override, message):
    with pytest.raises(UnsafeConfiguration, match=message):
        create_app({**PRODUCTION, **override, "CATALOGUE_DATA_DIR": tmp_path})


def test_production_sends_hsts_and_development_does_not(tmp_path):
    production = create_app({**PRODUCTION, "CATALOGUE_DATA_DIR": tmp_path / "p"})
    development = create_app({"CATALOGUE_DATA_DIR": tmp_path / "d"})
    assert "max-age=" in production.test_client().get("/terms").headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in development.test_client().get("/terms").headers


def test_development_builds_links_from_a_local_base_url_not_the_request(tmp_path, monkeypatch):
    monkeypatch.delenv("CATALOGUE_BASE_URL", raising=False)
    monkeypatch.setenv("PORT", "5055")
    app = create_app({"CATALOGUE_DATA_DIR": tmp_path})
    assert app.config["CATALOGUE_BASE_URL"] == "http://127.0.0.1:5055"


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(UnsafeConfiguration):
        create_app({"CATALOGUE_ENV": "prod", "CATALOGUE_DATA_DIR": tmp_path})


def test_data_dir_holds_the_sqlite_database_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("CATALOGUE_DATA_DIR", str(tmp_path / "data"))
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'data' / 'catalogue.sqlite3'}"
    assert (tmp_path / "data").is_dir()


def test_database_url_overrides_sqlite_and_uses_psycopg_3(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@db.internal/catalogue")
    app = create_app({"CATALOGUE_DATA_DIR": tmp_path})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://user:pw@db.internal/catalogue"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_spellings(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(ctx):
    from sqlalchemy import text

    from catalogue.extensions import db

    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
