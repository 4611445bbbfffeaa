"""Settings read from the environment, in one place. Documented in the README."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l


class UnsafeConfiguration(RuntimeError):
    """Raised when production is asked to start with settings that are not safe."""


DEVELOPMENT_SECRET = "development-only-not-secret"

#: The shipped synonym groups of the search (docs/search.md "Synonyms"); ``CATALOGUE_SYNONYMS_FILE`` replaces it.
SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.json"
#: The shipped terms of engagement and data-protection notice (docs/providers.md "Terms and data protection").
AGREEMENTS_DIR = Path(__file__).resolve().parent / "data" / "agreements"

INCLUSION_CRITERIA = (
    _l("It is used against child sexual abuse or exploitation, or to support its victims."),
    _l("It is digital: software, a service or a dataset, not a physical device alone."),
    _l("It has a substantial technical component, such as machine learning, hashing or automated analysis."),
    _l("The information in its entry has been verified from at least one named source."),
)

#: What a reviewer confirms before a guidance page is published.
GUIDANCE_REVIEW_CRITERIA = (
    _l("It is accurate and current, and consistent with the laws and standards it refers to."),
    _l("It gives practical steps an investigator or manager can act on."),
    _l("It contains no operational detail that could help offenders avoid detection."),
    _l("It names no real case, victim or suspect, and describes no abusive material."),
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
        # hide_parameters: a failed statement's parameters (case details, password hashes) stay out of errors and logs
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "PAGE_SIZE": 20,
        "SEARCH_APPLY_ON_COMMIT": True,
        # Seconds a request that saved waits for the index's write lock held by another process, so that the first
        # search after the save finds it (docs/search.md); past it the next search or commit applies the change.
        "SEARCH_COMMIT_WAIT": 2.0,
        "BABEL_DEFAULT_LOCALE": "en",
        "LANGUAGES": ["ar", "zh", "en", "fr", "ru", "es"],
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "INCLUSION_CRITERIA": inclusion_criteria(env.get("CATALOGUE_INCLUSION_CRITERIA_FILE")),
        "CATALOGUE_SYNONYMS_FILE": Path(env.get("CATALOGUE_SYNONYMS_FILE") or SYNONYMS_FILE),
        "GUIDANCE_REVIEW_CRITERIA": GUIDANCE_REVIEW_CRITERIA,
        "CATALOGUE_STALE_AFTER_MONTHS": int(env.get("CATALOGUE_STALE_AFTER_MONTHS", "12")),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "CATALOGUE_PUBLIC_BROWSING": flag(env.get("CATALOGUE_PUBLIC_BROWSING")),
        "CATALOGUE_BASE_URL": env.get("CATALOGUE_BASE_URL", "").rstrip("/"),
        "CATALOGUE_PROXY_COUNT": int(env.get("CATALOGUE_PROXY_COUNT", "0")),
        "CATALOGUE_READY_MAX_LAG": int(env.get("CATALOGUE_READY_MAX_LAG", "1000")),
        "CATALOGUE_KEPT_PAGES_MB": int(env.get("CATALOGUE_KEPT_PAGES_MB", "8")),
        "CATALOGUE_LOG_FORMAT": env.get("CATALOGUE_LOG_FORMAT", "text").strip().lower(),
        "CATALOGUE_METRICS": flag(env.get("CATALOGUE_METRICS", "1")),
        "CATALOGUE_METRICS_TOKEN": env.get("CATALOGUE_METRICS_TOKEN", ""),
        "SESSION_IDLE_MINUTES": int(env.get("SESSION_IDLE_MINUTES", "30")),
        "SESSION_ABSOLUTE_HOURS": int(env.get("SESSION_ABSOLUTE_HOURS", "12")),
        "PASSWORD_TIME_COST": 3,
        "PASSWORD_MEMORY_COST": 65536,
        "SIGN_IN_FREE_ATTEMPTS": 5,
        "SIGN_IN_BASE_DELAY_SECONDS": 30,
        "SIGN_IN_MAX_DELAY_SECONDS": 3600,
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": True,  # always set: Flask-Limiter otherwise inherits the last app's value
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_SIGN_IN": env.get("RATELIMIT_SIGN_IN", "20 per minute;300 per day"),
        "RATELIMIT_ACCOUNT_FORMS": env.get("RATELIMIT_ACCOUNT_FORMS", "10 per hour"),
        "EMAIL_VERIFY_HOURS": 48,
        "PASSWORD_RESET_MINUTES": 30,
        "MAIL_SERVER": env.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD", ""),
        "MAIL_SECURITY": env.get("MAIL_SECURITY", "starttls"),
        "MAIL_FROM": env.get("MAIL_FROM", "AI Tools Catalogue <no-reply@catalogue.example>"),
        # Contact requests: hours the receiving agency has to acknowledge, per urgency, and new requests per member.
        "CONTACT_ANSWER_HOURS": {
            "routine": int(env.get("CATALOGUE_CONTACT_ROUTINE_HOURS", str(7 * 24))),
            "urgent": int(env.get("CATALOGUE_CONTACT_URGENT_HOURS", "24")),
        },
        "CONTACT_REQUESTS_PER_DAY": int(env.get("CATALOGUE_CONTACT_REQUESTS_PER_DAY", "10")),
        "CONTACT_MESSAGES_PER_HOUR": int(env.get("CATALOGUE_CONTACT_MESSAGES_PER_HOUR", "30")),
        # The terms of engagement and the data-protection notice: a Markdown file and its version each; a new
        # version asks every signed-in person to accept it again (docs/providers.md).
        "MEMBER_TERMS_FILE": Path(env.get("CATALOGUE_MEMBER_TERMS_FILE") or AGREEMENTS_DIR / "member-terms.md"),
        "MEMBER_TERMS_VERSION": env.get("CATALOGUE_MEMBER_TERMS_VERSION", "1"),
        "PROVIDER_TERMS_FILE": Path(env.get("CATALOGUE_PROVIDER_TERMS_FILE") or AGREEMENTS_DIR / "provider-terms.md"),
        "PROVIDER_TERMS_VERSION": env.get("CATALOGUE_PROVIDER_TERMS_VERSION", "1"),
        "DATA_PROTECTION_FILE": Path(env.get("CATALOGUE_DATA_PROTECTION_FILE")
                                     or AGREEMENTS_DIR / "data-protection.md"),
        "DATA_PROTECTION_VERSION": env.get("CATALOGUE_DATA_PROTECTION_VERSION", "1"),
        # Days a provider has to answer a verification request before ``flask providers remind`` reminds them.
        "PROVIDER_REMINDER_DAYS": int(env.get("CATALOGUE_PROVIDER_REMINDER_DAYS", "14")),
    }
    settings.update(overrides)
    settings.setdefault("SESSION_COOKIE_SECURE", settings["CATALOGUE_ENV"] == "production")
    if settings["CATALOGUE_LOG_FORMAT"] not in {"text", "json"}:
        raise UnsafeConfiguration("CATALOGUE_LOG_FORMAT must be 'text' or 'json'.")
    if settings["CATALOGUE_ENV"] not in {"development", "production"}:
        raise UnsafeConfiguration("CATALOGUE_ENV must be 'development' or 'production'.")
    if settings["CATALOGUE_ENV"] == "production":
        check_production(settings)
    else:
        settings["SECRET_KEY"] = settings["SECRET_KEY"] or DEVELOPMENT_SECRET
        settings["CATALOGUE_BASE_URL"] = settings["CATALOGUE_BASE_URL"] or f"http://127.0.0.1:{env.get('PORT', '5000')}"
    return settings


def inclusion_criteria(path: str | None) -> tuple:
    """The built-in criteria, or one criterion per non-empty line of a UTF-8 text file."""
    if not path:
        return INCLUSION_CRITERIA
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UnsafeConfiguration(f"CATALOGUE_INCLUSION_CRITERIA_FILE cannot be read: {error}") from None
    criteria = tuple(line.strip() for line in lines if line.strip())
    if not criteria:
        raise UnsafeConfiguration("CATALOGUE_INCLUSION_CRITERIA_FILE lists no criteria.")
    return criteria


def flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def check_production(settings: Mapping[str, Any]) -> None:
    secret = settings.get("SECRET_KEY") or ""
    if len(secret) < 32 or secret == DEVELOPMENT_SECRET:
        raise UnsafeConfiguration(
            "CATALOGUE_ENV=production needs SECRET_KEY set to a random value of at least 32 characters, "
            'for example: python -c "import secrets; print(secrets.token_hex(32))"'
        )
    if settings.get("DEBUG") or settings.get("TESTING"):
        raise UnsafeConfiguration("CATALOGUE_ENV=production cannot run with DEBUG or TESTING switched on.")
    if not str(settings.get("CATALOGUE_BASE_URL", "")).startswith("https://"):
        raise UnsafeConfiguration(
            "CATALOGUE_ENV=production needs CATALOGUE_BASE_URL, the https:// address users reach the site at; "
            "links in e-mails are built from it, never from the request."
        )
    if not settings.get("MAIL_SERVER"):
        raise UnsafeConfiguration("CATALOGUE_ENV=production needs MAIL_SERVER to send verification and reset e-mails.")
    if settings.get("RATELIMIT_STORAGE_URI", "").startswith("memory://"):
        logging.getLogger(__name__).warning(
            "RATELIMIT_STORAGE_URI is memory://: each worker process counts per-IP limits on its own. "
            "Use a shared store such as redis://… with several workers.")
    if settings.get("MAIL_SECURITY") not in {"starttls", "ssl"}:
        raise UnsafeConfiguration("MAIL_SECURITY must be 'starttls' or 'ssl' in production.")


def normalise_database_url(url: str) -> str:
    """Accept the usual ``postgres://`` and ``postgresql://`` spellings and route them to psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_private_directory(path: Path) -> None:
    """The data directory holds the database, the index and e-mails with links: only the app's user may read it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_uid == os.getuid():
        path.chmod(0o700)
