"""Filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

import pycountry
from flask import Flask, current_app, g
from flask_babel import format_date, format_datetime, get_locale
from markupsafe import Markup
from sqlalchemy import exists, select

from catalogue import labels, paging, policy, sources, times
from catalogue.extensions import db
from catalogue.languages import LANGUAGES, direction
from catalogue.languages.formatting import arrow, number, percent, sorted_choices, translations, wording
from catalogue.markdown import render_markdown
from catalogue.models import Tool


def country_name(code: str | None) -> str:
    """The country's name in the reader's language (Babel), falling back to ISO 3166 (pycountry)."""
    if not code:
        return ""
    name = get_locale().territories.get(code.upper())
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.name if country else code


def country_choices() -> list[tuple[str, str]]:
    """Every ISO 3166 country as (code, name in the reader's language), in alphabetical order of the name."""
    return sorted_choices((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries)


def language_name(code: str | None) -> str:
    """The language's name in the reader's language (Babel), falling back to ISO 639 (pycountry)."""
    if not code:
        return ""
    name = get_locale().languages.get(code.lower())
    if name:
        return name
    language = pycountry.languages.get(alpha_2=code.lower())
    return language.name if language else code


def demo_present() -> bool:
    """Whether any demonstration entry is in the catalogue; asked once per request."""
    if "demo_present" not in g:
        g.demo_present = db.session.scalar(select(exists().where(Tool.demo.is_(True))))
    return g.demo_present


def bdi(value: object) -> Markup:
    """``value`` (escaped) in a ``<bdi>``: a name or a code inside a translated sentence keeps its own direction
    and cannot pull the words around it into it (an English name in an Arabic sentence). HTML text only, not in
    attributes or ``<title>``."""
    return Markup("<bdi>{}</bdi>").format(value)


def nice_date(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def nice_datetime(value: datetime | None) -> str:
    """A stored (UTC) time in the reader's zone, with the zone named: ``Dec 7, 2026, 7:05:00 PM (Europe/Berlin)``."""
    return f"{format_datetime(value, 'medium')} ({times.reader_zone()})" if value else ""


#: The placeholders that carry the count choosing a plural form in templates: ``ngettext``'s ``num``, and the
#: ``count`` of ``{% trans count=… %}`` blocks.
COUNT_PLACEHOLDERS = tuple(f"%({name}){kind}" for name in ("num", "count") for kind in "ds")


def template_ngettext(singular: str, plural: str, n: int) -> str:
    """Jinja's ``ngettext``: the plural form for ``n``, with ``n`` itself written in the locale's way (1 234 in
    French, 1,234 in English), so template authors need not format counts by hand and the message ids stay put."""
    text = translations().ungettext(singular, plural, n)
    if isinstance(n, int) and not isinstance(n, bool):
        shown = number(n)
        for placeholder in COUNT_PLACEHOLDERS:
            text = text.replace(placeholder, shown)
    return text


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown, country_name=country_name, language_name=language_name, date=nice_date,
        agency_kind=lambda kind: labels.AGENCY_KINDS.get(kind, kind),
        role_label=lambda role: labels.ROLES.get(role, role),
        audit_action=labels.audit_action, audit_outcome=labels.audit_outcome,
        datetime=nice_datetime,
        number=number, percent=percent, wording=wording, bdi=bdi,
        source_line=lambda item: item if isinstance(item, str) else sources.describe(item),
        source_link=sources.link, source_kind=sources.kind_label,
    )
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s), ngettext=template_ngettext, newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["page_url"] = paging.page_url  # a global, so imported macros see it too
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def page_globals():
        locale = get_locale()
        language = locale.language if locale else "en"
        return {
            "demo_present": demo_present,
            "can": policy.can,
            "page_language": language,
            "page_direction": direction(language),
            "arrow": arrow,
            "interface_languages": [(code, LANGUAGES[code]) for code in current_app.config["LANGUAGES"]],
        }
