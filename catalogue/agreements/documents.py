"""The terms of engagement (for members, for providers) and the data-protection notice: Markdown files whose paths
and versions are in the configuration, and what each signed-in person accepted of them.

A person must have accepted the current version of every document that applies to them before using the site
(``views.ask_for_acceptance``); publishing a new version (a new ``…_VERSION``) asks everyone again. What was accepted
is kept on the account (``User.accepted_documents``: document → version and time) and in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from catalogue import audit
from catalogue.extensions import db
from catalogue.markdown import render_markdown
from catalogue.models import User
from catalogue.models.base import utcnow

DEFAULTS = Path(__file__).resolve().parent.parent / "data" / "agreements"


@dataclass(frozen=True)
class Document:
    key: str
    setting: str  # the configuration's prefix: ``<setting>_FILE`` and ``<setting>_VERSION``
    title: object
    consent: object  # the checkbox's words


MEMBER_TERMS = Document("member-terms", "MEMBER_TERMS", _l("Terms of engagement for members"),
                        _l("I accept the terms of engagement for members."))
PROVIDER_TERMS = Document("provider-terms", "PROVIDER_TERMS", _l("Terms of engagement for technology providers"),
                          _l("I accept the terms of engagement for technology providers."))
DATA_PROTECTION = Document("data-protection", "DATA_PROTECTION", _l("Data-protection notice"),
                           _l("I have read the data-protection notice."))
DOCUMENTS = {document.key: document for document in (MEMBER_TERMS, PROVIDER_TERMS, DATA_PROTECTION)}


def version(document: Document) -> str:
    return str(current_app.config[f"{document.setting}_VERSION"])


def path(document: Document) -> Path:
    return Path(current_app.config[f"{document.setting}_FILE"])


def text(document: Document) -> Markup:
    """The document rendered through the sanitised renderer, in the reader's language where a translated file lies
    beside it (``members.fr.md`` beside ``members.md``)."""
    source = path(document)
    translated = source.with_suffix(f".{get_locale()}{source.suffix}")
    for candidate in (translated, source):
        try:
            return render_markdown(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    return Markup("")


def applicable(user: User | None = None, role: str | None = None) -> list[Document]:
    """What a person of ``role`` (or ``user``'s) must accept: the provider terms for providers, the member terms for
    everyone else (applicants included), and the data-protection notice for all."""
    role = role or (user.role if user is not None else "member")
    return [PROVIDER_TERMS if role == "provider" else MEMBER_TERMS, DATA_PROTECTION]


def outstanding(user: User) -> list[Document]:
    """The documents that apply to ``user`` whose current version they have not accepted."""
    accepted = user.accepted_documents or {}
    return [document for document in applicable(user)
            if (accepted.get(document.key) or {}).get("version") != version(document)]


def record(user: User, documents: list[Document] | None = None) -> None:
    """Record, in the current transaction, that ``user`` accepts the current version of ``documents`` (default: all
    that apply to them). Registration, the acceptance page, test factories and the demo accounts come through here."""
    now = utcnow()
    accepted = dict(user.accepted_documents or {})
    for document in documents if documents is not None else applicable(user):
        accepted[document.key] = {"version": version(document), "at": now.isoformat()}
    user.accepted_documents = accepted
    user.terms_accepted_at = now


def accept(user: User, documents: list[Document]) -> None:
    record(user, documents)
    audit.record("terms.accept", target=audit.target_of(user), actor=user,
                 detail=", ".join(f"{document.key} {version(document)}" for document in documents))
    db.session.commit()


def acceptance_of(user: User, document: Document) -> dict | None:
    """``{"version", "at"}`` of the person's last acceptance of ``document``, or None."""
    return (user.accepted_documents or {}).get(document.key)
