"""Settings read from the environment, in one place. Documented in the README."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l


class UnsafeConfiguration(RuntimeError):
    """Raised when production is asked to start with settings that are not safe."""


DEVELOPMENT_SECRET = "development-only-not-secret"

INCLUSION_CRITERIA = (
    _l("It is used against child sexual abuse or exploitation, or to support its victims."),
    _l("It is digital: software, a service or a dataset, not a physical device alone."),
    _l("It has a substantial technical component, such as machine learning, hashing or automated analysis."),
    _l("The information in its entry has been verified from at least one named source."),
)


def load_settings(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from environment variables, then apply ``overrides`` (used by tests)."""
    env = os.environ
    overrides = dict(overrides or {})
    data_dir = Path(overrides.pop("CATALOGUE_DATA_DIR", env.get("CATALOGUE_DATA_DIR", "instance"))).resolve()
    settings: dict[str, Any] = {
        "CATALOGUE_ENV": env.get("CATALOGUE_ENV", "development"),
        "CATALOGUE_DATA_DIR": data_dir,
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'catalogue.sqlite3'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "PAGE_SIZE": 20,
        "SEARCH_APPLY_ON_COMMIT": True,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["en"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "INCLUSION_CRITERIA": INCLUSION_CRITERIA,
    }
    settings.update(overrides)
    settings.setdefault("SESSION_COOKIE_SECURE", settings["CATALOGUE_ENV"] == "production")
    if settings["CATALOGUE_ENV"] not in {"development", "production"}:
        raise UnsafeConfiguration("CATALOGUE_ENV must be 'development' or 'production'.")
    if settings["CATALOGUE_ENV"] == "production":
        check_production(settings)
    elif not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = DEVELOPMENT_SECRET
    return settings


def check_production(settings: Mapping[str, Any]) -> None:
    secret = settings.get("SECRET_KEY") or ""
    if len(secret) < 32 or secret == DEVELOPMENT_SECRET:
        raise UnsafeConfiguration(
            "CATALOGUE_ENV=production needs SECRET_KEY set to a random value of at least 32 characters, "
            'for example: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if settings.get("DEBUG") or settings.get("TESTING"):
        raise UnsafeConfiguration("CATALOGUE_ENV=production cannot run with DEBUG or TESTING switched on.")


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` and ``postgresql://`` spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
