"""Small message catalogues compiled for one test (plural forms, placeholders), independent of the wording of the
shipped catalogues. The app reads them through ``BABEL_TRANSLATION_DIRECTORIES``."""

from __future__ import annotations

import contextlib
import functools
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import Babel, force_locale, gettext, ngettext
from markupsafe import escape

from catalogue.extensions import babel

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "catalogue" / "translations"


def compile_catalogue(directory: Path, language: str, messages: dict[str, str | tuple[str, ...]],
                      plurals: dict[tuple[str, str], tuple[str, ...]] | None = None) -> Path:
    """Write ``directory/<language>/LC_MESSAGES/messages.mo`` with ``messages`` (msgid → msgstr) and ``plurals``
    ((singular, plural) → one msgstr per form), using the Plural-Forms of the shipped catalogue for ``language``
    so plural forms are chosen exactly as they will be once that catalogue is translated."""
    header = read_po(BytesIO((SHIPPED / language / "LC_MESSAGES" / "messages.po").read_bytes())).plural_forms
    lines = ['msgid ""', 'msgstr ""', f'"Language: {language}\\n"', f'"Plural-Forms: {header}\\n"',
             '"Content-Type: text/plain; charset=utf-8\\n"', ""]
    for msgid, msgstr in messages.items():
        lines += [f"msgid {quoted(msgid)}", f"msgstr {quoted(msgstr)}", ""]
    for (singular, plural), forms in (plurals or {}).items():
        lines += [f"msgid {quoted(singular)}", f"msgid_plural {quoted(plural)}"]
        lines += [f"msgstr[{index}] {quoted(form)}" for index, form in enumerate(forms)]
        lines.append("")
    catalog = read_po(BytesIO("\n".join(lines).encode("utf-8")), locale=language)
    target = directory / language / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with (target / "messages.mo").open("wb") as out:
        write_mo(out, catalog)
    return directory


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@contextlib.contextmanager
def fresh_translations():
    """Flask-Babel caches loaded catalogues per locale on the one ``babel`` object every app shares: empty that cache
    before and after, so a test catalogue neither meets another app's cached one nor outlives its test."""
    clear_cache()
    try:
        yield
    finally:
        clear_cache()


def clear_cache() -> None:
    domain = babel.__dict__.get("domain_instance")  # made on first use, inside an app
    if domain is not None:
        domain.cache.clear()


@functools.cache
def _shipped_wording_app() -> Flask:
    app = Flask(__name__)
    Babel(app, default_translation_directories=str(SHIPPED))
    return app


def said(locale: str, message: str | tuple[str, str], count: int | None = None, **values) -> str:
    """``message`` as the shipped catalogue words it for ``locale`` (escaped as in a page); a ``%(date)s`` and
    what follows it is cut off."""
    with _shipped_wording_app().test_request_context(), force_locale(locale):
        text = ngettext(*message, count, count=count, **values) if count is not None else gettext(message, **values)
    return str(escape(text)).split("%(date)s")[0]
