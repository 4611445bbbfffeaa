"""What a person sees on every page, checked in the HTML (issue 21, items 11–16); the browser journeys are in
``tests/test_browser_header.py`` and ``tests/test_browser_polish.py``."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from pathlib import Path

import pytest

from catalogue.extensions import db
from tests.auth import csrf_token, sign_in, signed_in
from tests.conftest import read_only_demo


def test_the_header_names_the_service_with_a_mark_and_folds_its_menu_into_a_disclosure(client):
    html = client.get("/about").get_data(as_text=True)
    header = html[html.index('<header class="site-header">'):html.index("</header>")]
    brand = header[header.index('<a class="brand"'):header.index("</a>")]
    assert re.search(r'<svg class="brand-mark"[^>]*aria-hidden="true"', brand)
    assert "AI Tools Catalogue" in brand and "for child protection" in brand
    menu = header[header.index('<details class="site-menu">'):header.index("</details>")]
    assert re.search(r'<summary class="site-menu-button">.*Menu</summary>', menu)
    assert '<nav aria-label="Main">' in menu and 'class="language-switcher"' in menu
    assert "<script" not in html  # the menu opens without script


# ---- item 12: the catalogue's filters ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_site(tmp_path_factory, demo_data_dir):
    """One copy of the demo catalogue for the tests that only read it."""
    yield from read_only_demo(tmp_path_factory, demo_data_dir, "page-polish")


def vocabularies(html: str) -> dict[str, dict]:
    """Each filter group of the catalogue: whether it is open, the values shown at once and those behind "Show all"."""
    groups = {}
    for opened, body in re.findall(r'<details class="facet"( open)?>(.*?)</fieldset>\s*</details>', html, re.S):
        title = re.search(r'<span class="facet-title">([^<]*)</span>', body).group(1)
        shown, _, folded = body.partition('<details class="facet-more"')
        more = re.search(r'^( open)?>\s*<summary><span class="when-closed">([^<]*)</span>', folded)
        groups[title] = {
            "open": bool(opened), "shown": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"', shown),
            "folded": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"', folded),
            "more": more and more.group(2), "more_open": bool(more and more.group(1)),
            "checked": re.findall(r'<input type="checkbox"[^>]* value="([^"]*)"[^>]* checked>', body),
            "chosen": re.search(r'<span class="facet-chosen">([^<]*)</span>', body)}
    return groups


def test_each_vocabulary_folds_and_opens_when_it_has_a_selection(demo_site):
    html = demo_site.test_client().get("/tools/?technologies=computer-vision").get_data(as_text=True)
    groups = vocabularies(html)
    assert {"Purpose", "Technology", "Deployment"} <= set(groups)
    assert [title for title, group in groups.items() if group["open"]] == ["Technology"]
    assert groups["Technology"]["chosen"].group(1) == "1 selected"
    assert not groups["Purpose"]["chosen"]
    assert re.search(r'<fieldset class="facet-values">\s*<legend>Technology</legend>', html)  # the checkboxes' group


def test_a_vocabulary_shows_six_values_and_the_rest_behind_show_all(demo_site):
    client = demo_site.test_client()
    purpose = vocabularies(client.get("/tools/").get_data(as_text=True))["Purpose"]
    assert len(purpose["shown"]) == 6 and purpose["folded"]
    assert purpose["more"] == f"Show all {len(purpose['shown']) + len(purpose['folded'])}"
    assert not purpose["more_open"]

    folded_value = purpose["folded"][-1]
    chosen = vocabularies(client.get(f"/tools/?purposes={folded_value}").get_data(as_text=True))["Purpose"]
    assert chosen["open"] and chosen["more_open"]  # a chosen value is never hidden
    assert chosen["checked"] == [folded_value]
    small = [group for group in vocabularies(client.get("/tools/").get_data(as_text=True)).values()
             if len(group["shown"]) < 6]
    assert small and all(not group["folded"] and group["more"] is None for group in small)


# ---- item 13: error pages that say what happened and what to do next ------------------------------------------

STOCK = ("The requested URL was not found on the server", "You don't have the permission",
         "The user has sent too many requests", "per 1 hour", "per 1 minute")


def error_page(response, status: int) -> str:
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    assert not [stock for stock in STOCK if stock in html], "Werkzeug's or the limiter's stock text"
    main = html[html.index('<main id="main"'):html.index("</main>")]
    return re.sub(r"\s+", " ", unescape(main))


@pytest.mark.parametrize(("path", "title", "said", "next_step"), [
    ("/tools/misty-harbour-scanner", "Tool not found", "There is no published tool at this address",
     '<a href="/tools/?q=misty+harbour+scanner">Search the catalogue for “misty harbour scanner”</a>'),
    ("/tools/misty-harbour-scanner/print", "Tool not found", "renamed, unpublished or archived",
     '<a href="/tools/">Browse the catalogue</a>'),
    ("/guidance/retention-periods", "Guidance page not found", "no published guidance page",
     '<a href="/learning">Go to the Learning Centre</a>'),
    ("/contact/requests/4242", "Request not found", "can be read only by the person who sent it",
     '<a href="/contact/">Go to your requests</a>'),
    ("/trainings/no-such-course", "Training not found", "no training at this address",
     '<a href="/trainings/">See the trainings</a>'),
    ("/agencies/no-such-agency", "Agency not found", "no member agency at this address",
     '<a href="/agencies/">Go to the agency directory</a>'),
    ("/no/such/page", "Page not found", "There is no page at this address", '<a href="/">Go to the home page</a>'),
])
def test_a_404_names_what_was_not_found_and_where_to_go(app, path, title, said, next_step):
    main = error_page(signed_in(app, "member").get(path), 404)
    assert f"<h1>{title}</h1>" in main and said in main
    assert "What you can do" in main and next_step in main


def test_a_403_says_whom_the_page_is_for_and_what_the_account_is(app):
    member = signed_in(app, "member")
    curation = error_page(member.get("/curation/"), 403)
    assert "This page is for the catalogue's curators" in curation
    assert "You are signed in with a member account." in curation
    assert "ask the catalogue's administrators to change your role" in curation
    admin = error_page(signed_in(app, "curator").get("/admin/vetting"), 403)
    assert "This page is for the catalogue's administrators." in admin and "a curator account." in admin


def test_an_applicant_is_told_their_account_waits_for_approval(app):
    applicant = signed_in(app, "pending", email="applicant@harbour-police.example",
                          proposed_agency={"name": "Harbour Police Cyber Unit", "domain": "harbour-police.example"},
                          email_verified_at=datetime(2026, 1, 5))
    main = error_page(applicant.get("/agencies/"), 403)
    assert "<h1>Your account is waiting for approval</h1>" in main
    assert "Your account is waiting for approval by the catalogue's administrators" in main
    assert "You applied as a member of Harbour Police Cyber Unit." in main
    assert '<a href="/account/">See your account and application</a>' in main
    assert "confirm your e-mail address" not in main

    unconfirmed = signed_in(app, "pending", email="new@harbour-police.example", email_verified_at=None)
    first = error_page(unconfirmed.get("/contact/"), 403)
    assert first.index("First confirm your e-mail address") < first.index("waiting for approval by")


def test_a_429_says_which_limit_was_reached_and_when_to_try_again(app):
    app.config.update(RATELIMIT_SIGN_IN="2 per 10 minutes", RATELIMIT_ACCOUNT_FORMS="1 per hour")
    client = app.test_client()
    for attempt in range(3):
        response = sign_in(client, f"nobody{attempt}@harbour-police.example", "wrong guess")
    main = error_page(response, 429)
    assert "<h1>Too many sign-in attempts</h1>" in main and "Nothing is wrong with your account" in main
    assert re.search(r"Wait (10|9) minutes and try again\.", main), main
    assert '<a href="/account/reset">Reset your password</a>' in main

    token = csrf_token(client, "/account/reset")
    for _ in range(2):
        response = client.post("/account/reset", data={"email": "someone@harbour-police.example", "csrf_token": token})
    main = error_page(response, 429)
    assert "<h1>Too many requests</h1>" in main and "You have sent this form too many times" in main
    assert "Wait 60 minutes and try again." in main or "Wait 59 minutes and try again." in main


# ---- item 14: forms ---------------------------------------------------------------------------------------------

def summary_links(html: str) -> list[tuple[str, str]]:
    """(target id, text) of each link in the form's error summary."""
    summary = re.search(r'<div class="error-summary" role="alert"[^>]*>(.*?)</div>', html, re.S)
    assert summary, "no error summary"
    assert "<h2 id=\"form-errors-title\" class=\"error-summary-title\">There is a problem</h2>" in summary.group(1)
    return [(target, re.sub(r"<[^>]+>", "", text)) for target, text in
            re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(1), re.S)]


def test_the_error_summary_links_each_message_to_its_field(app):
    client = app.test_client()
    response = client.post("/account/register", data={"csrf_token": csrf_token(client, "/account/register"),
                                                        "email": "not an address"})
    html = response.get_data(as_text=True)
    links = summary_links(html)
    assert ("name", "Full name: This field is required.") in links
    assert any(target == "email" and text.startswith("Official e-mail address: ") for target, text in links)
    assert ("accept_terms", "You need to accept the terms of use.") in links  # a checkbox's label is a sentence
    for target, _text in links:
        assert f'id="{target}"' in html, f"the summary links to #{target}, which is not on the page"
    assert html.index('class="error-summary"') < html.index('id="name"')  # at the top of the form


def test_the_error_summary_links_a_radio_group_to_its_first_option(app):
    from catalogue.models import Agency

    member = signed_in(app, "member")
    with app.app_context():
        other = Agency(slug="river-police", name="River Police", country="DE", kind="police",
                       domains=["river-police.example"])
        db.session.add(other)
        db.session.commit()
    token = csrf_token(member, "/contact/new")
    html = member.post("/contact/new", data={"csrf_token": token, "agency": "river-police",
                                             "subject": "Exports"}).get_data(as_text=True)
    links = dict(summary_links(html))
    assert links["kind-0"] == "Type of request: Choose the type of request."
    assert 'id="kind-0"' in html and 'type="radio"' in html


# ---- item 15: the inbox's triage -------------------------------------------------------------------------------

def inbox_rows(html: str) -> list[dict]:
    body = html[html.index('<table class="data-table request-table">'):html.index("</table>")]
    rows = []
    for row in re.findall(r"<tr class=\"([^\"]*)\">(.*?)</tr>", body, re.S):
        classes, cells = row
        number = int(re.search(r"<td>(\d+)</td>", cells).group(1))
        deadline, sent = re.findall(r"<td>(.*?)</td>", cells, re.S)[-2:]
        rows.append({"id": number, "unread": '<span class="badge badge-unread">Unread</span>' in cells,
                     "row_unread": "request-unread" in classes, "deadline": deadline.strip(), "sent": sent.strip()})
    return rows


def test_the_inbox_marks_unread_requests_and_sorts_by_deadline_or_by_date(app):
    from catalogue.models import ContactRequest
    from tests.contact_helpers import act, cast, send

    with app.app_context():
        people = cast()
        first = send(people.sender, subject="First, routine")
        urgent = send(people.sender, subject="Second, urgent", urgency="urgent")
        third = send(people.sender, subject="Third, routine")
        act(first, people.poc, "acknowledge")
        due = {number: db.session.get(ContactRequest, number).due_at for number in (urgent, third)}
    poc = signed_in(app, people.poc)
    assert poc.get(f"/contact/requests/{third}").status_code == 200  # read now

    rows = inbox_rows(poc.get("/contact/?box=received").get_data(as_text=True))
    by_id = {row["id"]: row for row in rows}
    assert by_id[urgent]["unread"] and by_id[urgent]["row_unread"]  # seen, not only read out
    assert not by_id[third]["unread"] and not by_id[third]["row_unread"]
    # the deadline column: a date while an answer is awaited, nothing once acknowledged; never a state's name
    assert re.fullmatch(r'<time datetime="[0-9T:-]+Z">.+ \([A-Za-z_/]+\)</time>', by_id[urgent]["deadline"])
    assert by_id[first]["deadline"] == '<span aria-hidden="true">—</span><span class="visually-hidden">No deadline' \
                                       '</span>'
    assert all(re.fullmatch(r'<time datetime="[0-9T:-]+Z">[^<]+</time>', row["sent"]) for row in rows)
    waiting = [row["id"] for row in rows if row["id"] in due]
    assert waiting == sorted(due, key=due.get)  # the nearest deadline first, by default

    newest = [row["id"] for row in inbox_rows(poc.get("/contact/?box=received&sort=newest").get_data(as_text=True))]
    assert newest == [third, urgent, first]
    oldest = poc.get("/contact/?box=received&sort=oldest").get_data(as_text=True)
    assert [row["id"] for row in inbox_rows(oldest)] == [first, urgent, third]
    assert 'aria-sort="ascending">Date sent</th>' in oldest
    assert '<option selected value="oldest">' in oldest
    unknown = poc.get("/contact/?box=received&sort=subject%3Bdrop").get_data(as_text=True)
    assert [row["id"] for row in inbox_rows(unknown)] == [row["id"] for row in rows]  # not on the list: the default


# ---- item 16: the comparison ------------------------------------------------------------------------------------

def compare_rows(html: str) -> dict[str, bool]:
    """Each row of the comparison: its label, and whether it is marked as differing."""
    body = html[html.index('<table class="compare">'):html.index("</table>")]
    return {re.sub(r"<[^>]+>", "", label).replace("Differs", "").strip(): bool(marked) for marked, label in
            re.findall(r'<tr( class="row-differs")?><th scope="row">(.*?)</th>', body, re.S)}


def test_the_comparison_marks_the_rows_that_differ_and_prints_on_a4_landscape(app):
    from tests.factories import make_tools, tool_record

    with app.app_context():
        make_tools(
            tool_record("delta-hash", name="Delta Hash", organisation="Hashworks", country="FR",
                        purposes=["known-csam-detection"], technologies=["perceptual-hashing"], languages=["en", "fr"]),
            tool_record("bravo-hash", name="Bravo Hash", organisation="Hashworks", country="FR",
                        purposes=["known-csam-detection", "content-removal"], technologies=["perceptual-hashing"],
                        languages=["fr", "en"]))
    member = signed_in(app, "member")
    html = member.get("/tools/compare?tool=delta-hash&tool=bravo-hash").get_data(as_text=True)
    rows = compare_rows(html)
    assert rows["Purpose"] is True and rows["Organisation"] is False and rows["Technology"] is False
    assert rows["Languages"] is False  # the same languages, listed in another order
    assert re.search(r'<tr class="row-differs"><th scope="row">Purpose <span class="differs-mark">Differs</span></th>',
                     html)  # in the row's header: seen, and read out with every cell of the row
    links = re.findall(r'<link rel="stylesheet" href="/static/css/([\w-]+\.css)\?v=\w+"(?: media="(\w+)")?>', html)
    assert links[-2:] == [("print.css", "print"), ("print-compare.css", "print")]  # after the general sheet
    sheet = (Path(app.static_folder) / "css" / "print-compare.css").read_text(encoding="utf-8")
    assert "@page { size: A4 landscape;" in sheet

    alone = member.get("/tools/compare?tool=delta-hash").get_data(as_text=True)
    assert "row-differs" not in alone and "Differs</span>" not in alone  # one tool: nothing to differ from


def test_the_audit_log_shows_labels_not_codes(app):
    from catalogue import audit

    with app.app_context():
        audit.record_now("vetting.approve", target="user:new@harbour-police.example")
        audit.record_now("tool.submit", target="tool:delta-hash")
        audit.record_now("sign_in", target="someone@harbour-police.example", outcome="throttled")
        audit.record_now("brand.new_action", target="x")
    admin = signed_in(app, "admin")
    html = admin.get("/admin/audit").get_data(as_text=True)
    cells = [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", html, re.S)]
    assert "Application approved" in cells and "Tool entry: submission for review" in cells
    assert "Sign-in with password" in cells and "Held back (too many attempts)" in cells and "Done" in cells
    assert not {"vetting.approve", "tool.submit", "sign_in", "throttled", "success"} & set(cells)
    assert "brand.new_action" in cells  # an action without a label yet is shown as it is, never hidden
    menu = re.search(r'<select id="action" name="action">(.*?)</select>', html, re.S).group(1)
    assert '<option value="vetting.approve">Application approved</option>' in menu
    csv = admin.get("/admin/audit.csv").get_data(as_text=True)
    assert "vetting.approve" in csv and "throttled" in csv  # the export keeps the codes
