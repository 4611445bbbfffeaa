"""Filters and globals shared by every template."""

from __future__ import annotations

from datetime import date, datetime

import pycountry
from flask import Flask, g
from flask_babel import format_date, get_locale
from sqlalchemy import exists, select

from catalogue.extensions import db
from catalogue.markdown import render_markdown
from catalogue.models import Tool

RTL_LANGUAGES = {"ar", "fa", "he", "ur"}


def country_name(code: str | None) -> str:
    """The country's name in the reader's language (Babel), falling back to ISO 3166 (pycountry)."""
    if not code:
        return ""
    name = get_locale().territories.get(code.upper())
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.name if country else code


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


def nice_date(value: date | datetime | None, fmt: str = "medium") -> str:
    return format_date(value, fmt) if value else ""


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        markdown=render_markdown, country_name=country_name, language_name=language_name, date=nice_date
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def page_globals():
        locale = get_locale()
        language = locale.language if locale else "en"
        return {
            "demo_present": demo_present,
            "page_language": language,
            "page_direction": "rtl" if language in RTL_LANGUAGES else "ltr",
        }
