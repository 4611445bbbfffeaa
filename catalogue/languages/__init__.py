"""The six UN languages the interface speaks, and which one a request is answered in.

The choice is, in order: the signed-in member's account setting, the ``catalogue_language`` cookie, the browser's
``Accept-Language``, English.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from flask import current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from catalogue.extensions import db

#: Code → the language's name in itself, in the order the switcher lists them (UN order: alphabetical in English).
LANGUAGES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
#: The language every entry is written in; curators translate entries into the other interface languages.
ORIGINAL = "en"
RIGHT_TO_LEFT = frozenset({"ar"})
COOKIE = "catalogue_language"
COOKIE_AGE = 365 * 24 * 3600


def supported(code: str | None) -> str | None:
    """``code`` if the interface speaks it, else None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    try:
        mine = current_user.locale if current_user and current_user.is_authenticated else None
    except SQLAlchemyError:  # the database is unreachable: the 503 page still speaks the browser's language
        mine = None
    if supported(mine):
        return mine
    return chosen_with_switcher() or request.accept_languages.best_match(current_app.config["LANGUAGES"]) or default


def chosen_with_switcher() -> str | None:
    """The language picked with the header's switcher in this browser (its cookie), if any."""
    return supported(request.cookies.get(COOKIE))


def reader_language() -> str:
    """The interface language of this request (the original's outside one)."""
    locale = get_locale()
    code = locale.language if locale else ORIGINAL
    return code if code in current_app.config["LANGUAGES"] else ORIGINAL


def translation_in(entry, language: str):
    """The curators' translation of ``entry`` into ``language`` among those loaded with it, if there is one."""
    for translation in entry.translations:
        if translation.language == language:
            return translation
    return None


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"


def remember(user, code: str) -> None:
    """Keep ``code`` as the member's language: pages and e-mails to them use it."""
    if user.locale != code:
        user.locale = code
        db.session.commit()


#: The compiled message catalogues (``make translations``): the interface's wording, and the shipped data's.
CATALOGUES = Path(__file__).resolve().parent.parent / "translations"


@cache
def translator(code: str) -> NullTranslations:
    """The message catalogue of ``code`` outside any request (the search index labels terms in every language)."""
    return Translations.load(str(CATALOGUES), [code]) if code != ORIGINAL else NullTranslations()


@cache
def catalogues_stamp() -> str:
    """A fingerprint of the compiled catalogues: what was indexed in every language changes when they do."""
    digest = hashlib.sha256()
    for path in sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.mo")):
        digest.update(path.parent.parent.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
