"""Choosing the interface language: the switcher, the account setting, the cookie and Accept-Language."""

from __future__ import annotations

import re

import pytest

from catalogue.extensions import db
from catalogue.languages import COOKIE
from catalogue.models import User
from tests.auth import csrf_token, signed_in
from tests.factories import PASSWORD, make_agency, make_user
from tests.test_accounts import register

HTML_TAG = re.compile(r'<html lang="([^"]+)" dir="([^"]+)">')


def page_language(response) -> tuple[str, str]:
    match = HTML_TAG.search(response.get_data(as_text=True))
    assert match, "no <html lang dir> on the page"
    return match.group(1), match.group(2)


def choose(client, language: str, next_path: str = "/about", path: str = "/about"):
    return client.post("/language", data={"language": language, "next": next_path,
                                          "csrf_token": csrf_token(client, path)})


def test_the_browser_language_sets_the_first_choice(client):
    assert page_language(client.get("/about", headers={"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"})) == (
        "fr", "ltr")
    assert page_language(client.get("/about", headers={"Accept-Language": "ar-JO,ar;q=0.9"})) == ("ar", "rtl")
    assert page_language(client.get("/about", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))[0] == "zh"
    assert page_language(client.get("/about", headers={"Accept-Language": "de-DE"})) == ("en", "ltr")
    assert page_language(client.get("/about")) == ("en", "ltr")


def test_the_switcher_lists_the_six_languages_in_their_own_names(client):
    html = client.get("/about", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    switcher = html[html.index('class="language-switcher"'):]
    switcher = switcher[:switcher.index("</form>")]
    names = re.findall(r'<option value="(\w+)" lang="\w+" ?(selected)?>([^<]+)</option>', switcher)
    assert [(code, name) for code, _, name in names] == [
        ("ar", "العربية"), ("zh", "中文"), ("en", "English"), ("fr", "Français"), ("ru", "Русский"), ("es", "Español")]
    assert [code for code, selected, _ in names if selected] == ["ru"]


def test_choosing_a_language_is_remembered_in_a_cookie_over_the_browser_language(client):
    response = choose(client, "es", next_path="/terms")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/terms")
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "es"
    assert "HttpOnly" in response.headers["Set-Cookie"] and "SameSite=Lax" in response.headers["Set-Cookie"]
    assert page_language(client.get("/about", headers={"Accept-Language": "fr"})) == ("es", "ltr")


def test_a_signed_in_member_keeps_the_choice_on_the_account(app):
    with app.app_context():
        user = make_user("member", agency=make_agency("harbour", ["harbour-police.example"]))
        email = user.email
    first = signed_in(app, email, through_form=True)
    choose(first, "ar", path="/account/")
    with app.app_context():
        assert db.session.scalar(db.select(User.locale).where(User.email == email)) == "ar"
    # Another browser, no cookie, a French browser: the account's choice wins once signed in.
    second = app.test_client()
    assert page_language(second.get("/account/sign-in", headers={"Accept-Language": "fr"}))[0] == "fr"
    signed_in(app, email, client=second, through_form=True)
    assert page_language(second.get("/account/", headers={"Accept-Language": "fr"})) == ("ar", "rtl")


@pytest.mark.parametrize("value", ["xx", "", "en-US", "../etc", "ar\r\nSet-Cookie: x=1"])
def test_a_forged_language_changes_nothing(client, value):
    response = choose(client, value)
    assert response.status_code == 303
    assert client.get_cookie(COOKIE) is None
    assert page_language(client.get("/about")) == ("en", "ltr")


def test_a_forged_language_leaves_the_account_alone(app):
    with app.app_context():
        client = signed_in(app, "member", agency=make_agency("harbour", ["harbour-police.example"]), locale="fr")
        user_id = client.user_id
    choose(client, "klingon", path="/account/")
    with app.app_context():
        assert db.session.get(User, user_id).locale == "fr"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_the_switcher_only_returns_to_this_site(client, target):
    response = choose(client, "fr", next_path=target)
    assert response.status_code == 303
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_the_switcher_needs_its_csrf_token(client):
    response = client.post("/language", data={"language": "fr", "next": "/about"})
    assert response.status_code == 400
    assert client.get_cookie(COOKIE) is None


def test_an_application_keeps_the_language_it_was_made_in(closed_app):
    with closed_app.app_context():
        make_agency()
    client = closed_app.test_client()
    client.set_cookie(COOKIE, "es")
    response = register(client)
    assert response.status_code in (200, 302, 303)
    with closed_app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "amal@harbour-police.example"))
        assert user is not None, "the registration did not go through"
        assert user.locale == "es"


def test_signing_in_adopts_the_language_picked_before(app):
    with app.app_context():
        user = make_user("member", agency=make_agency("harbour", ["harbour-police.example"]))
        email, user_id = user.email, user.id
    client = app.test_client()
    choose(client, "zh", path="/account/sign-in")
    signed_in(app, email, client=client, through_form=True)
    with app.app_context():
        assert db.session.get(User, user_id).locale == "zh"
    # A later choice on the account is kept over an older cookie in another browser.
    other = app.test_client()
    other.set_cookie(COOKIE, "ru")
    choose(client, "fr", path="/account/")
    signed_in(app, email, client=other, through_form=True)
    with app.app_context():
        assert db.session.get(User, user_id).locale == "fr"
    assert page_language(other.get("/account/")) == ("fr", "ltr")


def test_e_mails_are_written_in_the_recipients_language_whoever_acts(app):
    """An English-speaking admin approves a French-speaking applicant: the applicant's e-mail is in French."""
    from flask_babel import force_locale, gettext

    from catalogue.admin.services import approve
    from tests.auth import body, outbox

    with app.app_context():
        applicant = make_user("pending", email="lea@harbour-police.example",
                              agency=make_agency("harbour", ["harbour-police.example"]), locale="fr")
        silent = make_user("pending", email="sam@harbour-police.example", agency=applicant.agency)
        applicant_id, silent_id, name = applicant.id, silent.id, applicant.name
    with app.test_request_context(headers={"Accept-Language": "en"}):
        approve(db.session.get(User, applicant_id))
        with force_locale("fr"):
            subject, greeting = gettext("Your application was approved"), gettext("Hello %(name)s,", name="x")
    assert subject != "Your application was approved" and greeting.startswith("Bonjour")
    message = outbox(app)[-1]
    assert message["To"] == "lea@harbour-police.example"
    assert str(email_header(message["Subject"])) == subject
    assert greeting.replace("x", name) in body(message)
    # Someone who never chose a language hears from the site in the default language, not in the actor's.
    with app.test_request_context(headers={"Accept-Language": "ru"}):
        approve(db.session.get(User, silent_id))
    message = outbox(app)[-1]
    assert message["To"] == "sam@harbour-police.example"
    assert message["Subject"] == "Your application was approved"


def email_header(value: str) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(value)))


def test_signing_in_does_not_freeze_the_browser_language_into_the_account(app):
    with app.app_context():
        user = make_user("member", agency=make_agency("harbour", ["harbour-police.example"]))
        email, user_id = user.email, user.id
    client = app.test_client()
    client.get("/account/sign-in", headers={"Accept-Language": "ru"})
    token = csrf_token(client, "/account/sign-in")
    client.post("/account/sign-in", headers={"Accept-Language": "ru"},
                data={"email": email, "password": PASSWORD, "csrf_token": token})
    with app.app_context():
        assert db.session.get(User, user_id).locale is None
    assert page_language(client.get("/account/", headers={"Accept-Language": "es"}))[0] == "es"
