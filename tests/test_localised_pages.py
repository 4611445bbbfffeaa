"""Every key page speaks the reader's language: no interface string is left in English.

A page's text is compared with the English messages of the catalogue: any text (or readable attribute) that is still
an English message, whose translation differs, is a leftover. Names and data (tool names, demo descriptions) are not
messages, so they do not count.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pyotp
import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from catalogue.admin import demo as accounts_demo
from catalogue.contact.demo import load_demo_requests
from catalogue.extensions import db
from catalogue.languages import COOKIE
from catalogue.models import ContactRequest, GuidancePage, Tool, Training, User
from tests.auth import signed_in

TRANSLATIONS = Path(__file__).resolve().parent.parent / "catalogue" / "translations"
READABLE = ("title", "placeholder", "aria-label", "alt")
LANGUAGES = ["ar", "zh", "fr", "ru", "es"]
COUNTS = {"num", "count", "number", "days", "total"}
COUNT = r"([\d.,\s\u00a0\u202f]+)"


class TextNodes(HTMLParser):
    """The text a reader sees or hears: text outside <script>/<style>, plus readable attributes."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in READABLE and value:
                self.texts.append(value.strip())
            if tag == "input" and name == "value" and ("type", "submit") in attrs and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


@cache
def read_catalogue(code: str):
    with (TRANSLATIONS / code / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=code)


@cache
def translated_texts(code: str) -> frozenset[str]:
    """Every translation in the catalogue: French "Public" (for "Audience") is not the English "Public"."""
    texts = set()
    for message in read_catalogue(code):
        strings = message.string if message.pluralizable else (message.string,)
        texts.update(" ".join(s.split()) for s in strings if s)
    return frozenset(texts)


@cache
def english_messages(code: str) -> list[re.Pattern]:
    """Patterns for the English messages whose translation into ``code`` differs from the English."""
    catalogue = read_catalogue(code)
    patterns = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if message.pluralizable else (message.id,)
        strings = message.string if message.pluralizable else (message.string,)
        for english in ids:
            if english in strings or not re.search(r"[A-Za-z]{3,}", english):
                continue
            text = " ".join(english.split())
            parts = re.split(r"%\(\w+\)[sdif]", text)
            names = re.findall(r"%\((\w+)\)[sdif]", text)
            if sum(len(re.sub(r"\W", "", part)) for part in parts) < (3 if len(parts) == 1 else 8):
                continue  # a message made mostly of placeholders ("%(a)s and %(b)s") would match any data
            pattern = re.escape(parts[0])
            for name, part in zip(names, parts[1:], strict=True):
                pattern += (COUNT if name in COUNTS else "(.+?)") + re.escape(part)
            patterns.append(re.compile(f"^{pattern}$"))
    return patterns


def leftovers(html: str, code: str) -> list[str]:
    parser = TextNodes()
    parser.feed(html)
    patterns = english_messages(code)
    own = translated_texts(code)
    return sorted({text for text in parser.texts if text not in own and any(p.match(text) for p in patterns)})


@pytest.fixture(scope="module")
def pages(tmp_path_factory, demo_data_dir):
    """The key pages of the issue, on the demo data, each with who reads it."""
    from tests.conftest import copy_data_dir, make_app

    data_dir = tmp_path_factory.mktemp("localised")
    copy_data_dir(demo_data_dir, data_dir)
    app = make_app(data_dir)
    with app.app_context():
        accounts_demo.load_agencies()
        accounts_demo.create_accounts()
        load_demo_requests()
        tools = db.session.scalars(select(Tool.slug).where(Tool.status == "published").order_by(Tool.id).limit(3)).all()
        tool_id = db.session.scalar(select(Tool.id).where(Tool.slug == tools[0]))
        guidance = db.session.scalar(select(GuidancePage.slug).where(GuidancePage.status == "published"))
        training = db.session.scalar(select(Training.slug).order_by(Training.id))
        member = db.session.scalar(select(User).where(User.email == "member@demo.example"))
        curator = db.session.scalar(select(User).where(User.email == "curator@demo.example"))
        thread = db.session.scalar(select(ContactRequest.id).where(ContactRequest.sender_id == member.id))
        agency = db.session.scalar(select(ContactRequest).where(ContactRequest.id == thread)).recipient_agency.slug
        curator.mfa_secret = pyotp.random_base32()  # curators must have a second factor to reach the editor
        db.session.commit()
        people = {"member": member, "curator": curator}
        urls = {
            "home": ("/", None),
            "catalogue with filters": ("/tools/?q=image&purposes=known-csam-detection&languages=en", None),
            "tool": (f"/tools/{tools[0]}", None),
            "compare": ("/tools/compare?" + "&".join(f"tool={slug}" for slug in tools), None),
            "sign-in": ("/account/sign-in", None),
            "registration": ("/account/register", None),
            "guidance page": (f"/guidance/{guidance}", None),
            "workflow": ("/workflow", None),
            "assessment": ("/assessment/", None),
            "training": (f"/trainings/{training}", None),
            "agency directory": ("/agencies/", "member"),
            "contact request form": (f"/contact/new?agency={agency}", "member"),
            "contact thread": (f"/contact/requests/{thread}", "member"),
            "curator editor": (f"/curation/tools/{tool_id}/edit", "curator"),
        }
    yield app, urls, people
    with app.app_context():
        db.engine.dispose()


def fetch(pages, name: str, code: str) -> str:
    app, urls, people = pages
    url, reader = urls[name]
    client = app.test_client()
    client.set_cookie(COOKIE, code)
    if reader:
        signed_in(app, people[reader], client=client)
    response = client.get(url)
    assert response.status_code == 200, f"{name} ({url}) answered {response.status_code} in {code}"
    return response.get_data(as_text=True)


KEY_PAGES = ["home", "catalogue with filters", "tool", "compare", "sign-in", "registration", "guidance page",
             "workflow", "assessment", "training", "agency directory", "contact request form", "contact thread",
             "curator editor"]


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("name", KEY_PAGES)
def test_key_pages_have_no_english_interface_text(pages, name, code):
    html = fetch(pages, name, code)
    assert f'<html lang="{code}"' in html
    found = leftovers(html, code)
    assert not found, f"{name} in {code} still shows English interface text: {found}"


def test_the_leftover_check_finds_english(pages):
    html = fetch(pages, "sign-in", "en")
    assert "Sign in" in leftovers(html, "fr")
