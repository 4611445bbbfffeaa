"""The agency directory as members meet it: filters, the countries covered, agency pages with their points of contact,
recording the tools an agency uses, the tool page's list of agencies, the profile's contact details, the
administrators' agency form with its units, the demo loader and the statistics."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pycountry
import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from catalogue.accounts import passwords
from catalogue.admin import demo
from catalogue.agencies.regions import countries_in, region_of, regions_by_country
from catalogue.extensions import db
from catalogue.models import REGIONS, Agency, AgencyUnit, AuditEvent, Tool, ToolUsage, User
from catalogue.models.contact import NOTE_MAX
from tests.auth import csrf_token, signed_in
from tests.conftest import empty_app
from tests.factories import make_agency, make_tools, make_user, tool_record
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the PostgreSQL fixture, reused below

CARD = re.compile(r'class="agency-card-title"><a href="/agencies/([a-z0-9-]+)"')
FLASHES = re.compile(r'<div class="flashes" role="status">(.*?)</div>', re.S)

EVERYONE = ["harbour-police", "north-hotline", "south-prosecutors"]


def build_directory() -> None:
    """Three agencies in three regions, with units, points of contact (and people who are not) and tools used."""
    make_tools(tool_record("hash-matcher", name="Hash Matcher"), tool_record("chat-triage", name="Chat Triage"),
               tool_record("retired-tool", name="Retired Tool", status="archived"))
    harbour = make_agency("harbour-police", name="Harbour Police", country="DE",
                          description="Online child protection in the port city.",
                          specialisms=["victim-identification", "digital-forensics"], languages=["de", "en"])
    north = make_agency("north-hotline", domains=("north-hotline.example",), name="North Hotline", country="JP",
                        kind="hotline", description="Takes reports from the public.",
                        specialisms=["hotline", "research"], languages=["ja", "en"])
    south = make_agency("south-prosecutors", domains=("south.example",), name="South Prosecutors", country="BR",
                        kind="prosecution", description="Brings offenders to court.",
                        specialisms=["prosecution", "victim-identification"], languages=["pt"])
    harbour.units = [AgencyUnit(name="Victim Identification Team", description="Finds and safeguards children.",
                                position=0), AgencyUnit(name="Forensic Laboratory", position=1)]
    south.units = [AgencyUnit(name="Cyber Desk", description="Online evidence.")]
    tools = {tool.slug: tool for tool in db.session.scalars(select(Tool))}
    db.session.add_all([
        ToolUsage(agency=harbour, tool=tools["hash-matcher"], note="Reliable on <b>large</b> seizures."),
        ToolUsage(agency=harbour, tool=tools["retired-tool"], note="We stopped using it."),
        ToolUsage(agency=north, tool=tools["hash-matcher"]),
        ToolUsage(agency=north, tool=tools["chat-triage"], note="Good for first triage."),
    ])
    db.session.commit()
    make_user("member", email="anna@harbour-police.example", name="Anna Analyst", agency=harbour,
              point_of_contact=True, position="Victim identification analyst", languages=["de", "en"],
              time_zone="Europe/Berlin", office_hours="Mon–Fri 08:00–16:00")
    make_user("member", email="ben@harbour-police.example", name="Ben Investigator", agency=harbour)
    make_user("member", email="carl@harbour-police.example", name="Carl Departed", agency=harbour,
              point_of_contact=True, active=False)
    make_user("member", email="kenji@north-hotline.example", name="Kenji Contact", agency=north,
              point_of_contact=True, languages=["ja"], time_zone="Asia/Tokyo")
    make_user("member", email="sofia@south.example", name="Sofia Prosecutor", agency=south)
    make_user("admin", email="admin@harbour-police.example", name="Ada Admin", agency=harbour)
    make_user("pending", email="pending@harbour-police.example", agency=harbour)


@pytest.fixture
def directory_app(closed_app):
    with closed_app.app_context():
        build_directory()
    return closed_app


@pytest.fixture
def contact_app(closed_app):
    with closed_app.app_context():
        build_directory()
    return closed_app


def cards(response) -> list[str]:
    return CARD.findall(response.get_data(as_text=True))


def flashes(response) -> str:
    block = FLASHES.search(response.get_data(as_text=True))
    return block.group(1) if block else ""


def usages(app, slug: str) -> list[tuple[str, str]]:
    with app.app_context():
        query = (select(Tool.slug, ToolUsage.note).join(ToolUsage.tool).join(ToolUsage.agency)
                 .where(Agency.slug == slug).order_by(Tool.slug))
        return [tuple(row) for row in db.session.execute(query)]


def usage_id(app, agency: str, tool: str) -> int:
    with app.app_context():
        return db.session.scalar(select(ToolUsage.id).join(ToolUsage.tool).join(ToolUsage.agency)
                                 .where(Agency.slug == agency, Tool.slug == tool))


def audit_actions(app, prefix: str) -> list[tuple[str, str, str]]:
    with app.app_context():
        query = select(AuditEvent.action, AuditEvent.target, AuditEvent.detail).where(
            AuditEvent.action.startswith(prefix)).order_by(AuditEvent.id)
        return [tuple(row) for row in db.session.execute(query)]


# --- Regions -----------------------------------------------------------------------------------------------------


def test_every_country_pycountry_knows_has_a_region():
    mapping = regions_by_country()
    missing = [c.alpha_2 for c in pycountry.countries if c.alpha_2 not in mapping]
    assert missing == []
    assert set(mapping.values()) == set(REGIONS)
    assert set(mapping) == {c.alpha_2 for c in pycountry.countries}


def test_regions_follow_m49():
    assert [region_of(code) for code in ("de", "JP", "BR", "ZA", "NZ", "US", "TR", "RU", "AQ")] == [
        "europe", "asia", "americas", "africa", "oceania", "americas", "asia", "europe", "oceania"]
    assert region_of("ZZ") is None and region_of(None) is None
    assert "FR" in countries_in("europe") and "FR" not in countries_in("africa")
    assert sum(len(countries_in(region)) for region in REGIONS) == len(pycountry.countries)


# --- The directory -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected"), [
    ({}, EVERYONE),
    ({"q": "identification"}, ["harbour-police"]),  # a unit's name
    ({"q": "cyber DESK"}, ["south-prosecutors"]),  # every word, any case
    ({"q": "port city"}, ["harbour-police"]),  # the description
    ({"q": "hotline"}, ["north-hotline"]),  # the name
    ({"q": "100%"}, []),  # % is an ordinary character
    ({"country": "JP"}, ["north-hotline"]),
    ({"country": "jp", "language": "EN"}, ["north-hotline"]),  # codes in any case
    ({"region": "americas"}, ["south-prosecutors"]),
    ({"region": "europe"}, ["harbour-police"]),
    ({"region": "oceania"}, []),
    ({"kind": "prosecution"}, ["south-prosecutors"]),
    ({"specialism": "victim-identification"}, ["harbour-police", "south-prosecutors"]),
    ({"specialism": "undercover-operations"}, []),
    ({"language": "en"}, ["harbour-police", "north-hotline"]),
    ({"language": "pt"}, ["south-prosecutors"]),
    ({"region": "europe", "specialism": "victim-identification"}, ["harbour-police"]),
    ({"language": "en", "specialism": "research", "kind": "hotline"}, ["north-hotline"]),
])
def test_each_filter_narrows_the_directory(directory_app, query, expected):
    response = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/", query_string=query)
    assert response.status_code == 200
    assert cards(response) == expected
    count = "1 agency" if len(expected) == 1 else f"{len(expected)} agencies"
    assert f'class="directory-count">{count}' in response.get_data(as_text=True)


def test_cards_show_what_members_need_to_choose_an_agency(directory_app):
    html = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/").get_data(as_text=True)
    harbour = html[html.index("/agencies/harbour-police"):html.index("/agencies/north-hotline")]
    assert "Germany · Europe · Police" in harbour
    assert "Victim identification" in harbour and "Digital forensics" in harbour
    assert "German, English" in harbour
    assert "1 point of contact · 1 catalogue tool used" in harbour  # not the inactive one, not the archived tool
    north = html[html.index("/agencies/north-hotline"):html.index("/agencies/south-prosecutors")]
    assert "Japan · Asia · Hotline" in north and "2 catalogue tools used" in north
    assert "badge-demo" not in html
    with directory_app.app_context():
        db.session.scalar(select(Agency).filter_by(slug="north-hotline")).demo = True
        db.session.commit()
    html = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/").get_data(as_text=True)
    assert html.count('<span class="badge badge-demo">Demo</span>') == 1


@pytest.mark.parametrize("query", [
    {"region": "mars"}, {"country": "ZZ"}, {"kind": "<script>alert(1)</script>"}, {"specialism": "magic"},
    {"language": "klingon"}, {"q": "x" * 201}, {"country": "DE\u0301"},
])
def test_bad_filter_values_are_explained_and_left_out(directory_app, query):
    response = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/", query_string=query)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Some filters could not be used and were left out" in html
    assert 'class="field-error"' in html and "<script>alert" not in html
    assert cards(response) == EVERYONE


def test_a_real_country_or_language_without_agencies_stays_selected(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    response = client.get("/agencies/?country=IT&language=it")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and cards(response) == []
    assert '<option selected value="IT">Italy</option>' in html
    assert '<option selected value="it">Italian</option>' in html
    assert "No agency matches these filters" in html


def test_odd_page_numbers_never_fail(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    directory_app.config["PAGE_SIZE"] = 2
    first, second = client.get("/agencies/"), client.get("/agencies/?page=2")
    assert cards(first) == EVERYONE[:2] and cards(second) == EVERYONE[2:]
    assert 'href="/agencies/?page=2"' in first.get_data(as_text=True)
    assert cards(client.get("/agencies/?page=abc")) == EVERYONE[:2]
    beyond = client.get("/agencies/?page=50&region=europe")
    assert beyond.status_code == 200 and "There is no such page" in beyond.get_data(as_text=True)
    assert client.get("/agencies/?page=99999999999").status_code == 200


def test_the_coverage_lists_countries_by_region_and_marks_empty_regions(directory_app):
    html = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/?region=asia").get_data(
        as_text=True)
    coverage = html[html.index('id="coverage"'):]
    regions = dict(re.findall(r'<h3 id="region-(\w+)">.*?<span class="coverage-total">([^<]+)</span>', coverage))
    assert regions == {"africa": "0 agencies", "americas": "1 agency", "asia": "1 agency", "europe": "1 agency",
                       "oceania": "0 agencies"}
    assert '<a href="/agencies/?country=DE">Germany</a> <span class="count">(1)</span>' in coverage
    assert '<a href="/agencies/?country=BR">Brazil</a>' in coverage
    assert coverage.count("No agency in this region yet.") == 2
    # The map-like overview: a tile per covered country, linking to its agencies, no script, no outside resources.
    svg = coverage[coverage.index("<svg"):coverage.index("</svg>")]
    assert len(re.findall(r'<a href="/agencies/\?country=(DE|JP|BR)" class="map-link">', svg)) == 3
    assert "<title>Japan: 1 agency</title>" in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    assert "<script" not in html and "style=" not in html


def test_the_coverage_counts_agencies_per_country(directory_app):
    with directory_app.app_context():
        make_agency("harbour-customs", domains=("customs.example",), name="Harbour Customs", country="DE")
    html = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/").get_data(as_text=True)
    assert '<a href="/agencies/?country=DE">Germany</a> <span class="count">(2)</span>' in html
    assert '<h3 id="region-europe"><a href="/agencies/?region=europe">Europe</a> <span class="coverage-total">2 ' \
           'agencies</span>' in html


def test_only_members_see_the_directory(directory_app):
    anonymous = directory_app.test_client()
    for path in ("/agencies/", "/agencies/harbour-police"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/sign-in")
        assert signed_in(directory_app, "pending@harbour-police.example").get(path).status_code == 403
    member = signed_in(directory_app, "ben@harbour-police.example")
    assert 'href="/agencies/"' in member.get("/").get_data(as_text=True)
    assert 'href="/agencies/"' not in anonymous.get("/").get_data(as_text=True)
    assert 'href="/agencies/"' not in signed_in(directory_app, "pending@harbour-police.example").get(
        "/account/").get_data(as_text=True)


def test_the_directory_stays_closed_with_public_browsing(tmp_path, empty_data_dir):
    apps = empty_app(tmp_path, empty_data_dir, CATALOGUE_PUBLIC_BROWSING=True)
    app = next(apps)
    with app.app_context():
        make_tools(tool_record("hash-matcher"))
        agency = make_agency()
        db.session.add(ToolUsage(agency=agency, tool=db.session.scalar(select(Tool))))
        db.session.commit()
    client = app.test_client()
    assert client.get("/agencies/").status_code == 302
    tool_page = client.get("/tools/hash-matcher")
    assert tool_page.status_code == 200 and "Agencies that use this tool" not in tool_page.get_data(as_text=True)
    next(apps, None)


# --- An agency's page --------------------------------------------------------------------------------------------


def test_the_agency_page_shows_units_points_of_contact_and_tools(directory_app, clock):
    clock.set(datetime(2030, 1, 15, 12, 0))
    response = signed_in(directory_app, "kenji@north-hotline.example").get("/agencies/harbour-police")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1 id=\"agency-title\">Harbour Police" in html and "Online child protection in the port city." in html
    assert "Germany</a> · <a href=\"/agencies/?region=europe\">Europe</a> · Police" in html
    assert "<dt>Victim Identification Team</dt>" in html and "Finds and safeguards children." in html
    assert "<dt>Forensic Laboratory</dt>" in html
    contacts = html[html.index('id="contacts-title"'):html.index('id="tools-title"')]
    assert "Anna Analyst" in contacts and "Victim identification analyst" in contacts
    assert "<dd>German, English</dd>" in contacts
    assert "Europe/Berlin (UTC+01:00; now 1:00\u202fPM there)" in contacts
    assert "Mon–Fri 08:00–16:00" in contacts
    assert "Carl Departed" not in contacts and "Ben Investigator" not in contacts  # inactive; not a contact
    tools = html[html.index('id="tools-title"'):]
    assert '<a href="/tools/hash-matcher">Hash Matcher</a>' in tools
    assert "Reliable on &lt;b&gt;large&lt;/b&gt; seizures." in tools
    assert "Retired Tool" not in tools  # archived: no longer in the catalogue
    assert "Add a tool this agency uses" not in html  # not Kenji's agency
    clock.set(datetime(2030, 7, 15, 12, 0))
    summer = signed_in(directory_app, "kenji@north-hotline.example").get("/agencies/harbour-police")
    assert "Europe/Berlin (UTC+02:00; now 2:00\u202fPM there)" in summer.get_data(as_text=True)


def test_unknown_agencies_are_not_found(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    assert client.get("/agencies/no-such-agency").status_code == 404
    assert client.get("/agencies/harbour-police/tools/1").status_code == 405


def test_a_contact_without_a_time_zone_says_so(directory_app):
    with directory_app.app_context():
        db.session.scalar(select(User).filter_by(email="kenji@north-hotline.example")).time_zone = ""
        db.session.commit()
    html = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/north-hotline").get_data(
        as_text=True)
    contacts = html[html.index('id="contacts-title"'):html.index('id="tools-title"')]
    assert "Kenji Contact" in contacts and "Not stated" in contacts and "UTC" not in contacts


def test_how_to_send_a_request_depends_on_the_agency_and_the_reader(contact_app):
    kenji = signed_in(contact_app, "kenji@north-hotline.example")
    other = kenji.get("/agencies/harbour-police").get_data(as_text=True)
    assert 'href="/contact/new?agency=harbour-police"' in other and "Send a request to this agency" in other
    own = signed_in(contact_app, "ben@harbour-police.example").get("/agencies/harbour-police").get_data(as_text=True)
    assert "Send a request to this agency" not in own
    assert "This is your own agency. Requests go to other agencies" in own
    no_contact = kenji.get("/agencies/south-prosecutors").get_data(as_text=True)
    assert "Send a request to this agency" not in no_contact
    assert "has no point of contact in the catalogue yet, so requests cannot be sent to it" in no_contact



# --- Recording the tools an agency uses --------------------------------------------------------------------------


def post_from_agency_page(client, slug: str, action: str, **data):
    """Send a form of the agency page as a browser would: with the page's CSRF token, under the form's prefix."""
    token = csrf_token(client, f"/agencies/{slug}")
    prefix = next((key[:-len("note")] for key in data if key.endswith("-note")), "")
    return client.post(action, data={f"{prefix}csrf_token": token, **data})


def test_members_record_their_agency_tools_with_notes_and_each_change_is_audited(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    page = client.get("/agencies/harbour-police").get_data(as_text=True)
    assert "Add a tool this agency uses" in page
    assert '<option value="hash-matcher">Hash Matcher (already in the list)</option>' in page
    assert "Retired Tool" not in page  # only published tools may be added

    added = post_from_agency_page(client, "harbour-police", "/agencies/harbour-police/tools",
                                  tool="chat-triage", note="  Quick to set up.  ")
    assert added.status_code == 303 and added.headers["Location"] == "/agencies/harbour-police#tools"
    assert ("chat-triage", "Quick to set up.") in usages(directory_app, "harbour-police")
    after = client.get("/agencies/harbour-police")
    assert "Chat Triage was added to the tools Harbour Police uses." in flashes(after)

    used = usage_id(directory_app, "harbour-police", "chat-triage")
    changed = post_from_agency_page(client, "harbour-police", f"/agencies/harbour-police/tools/{used}",
                                    **{f"usage-{used}-note": "Fast, but check every result."})
    assert changed.status_code == 303
    assert ("chat-triage", "Fast, but check every result.") in usages(directory_app, "harbour-police")

    removed = post_from_agency_page(client, "harbour-police", f"/agencies/harbour-police/tools/{used}/remove")
    assert removed.status_code == 303
    assert "chat-triage" not in dict(usages(directory_app, "harbour-police"))
    assert audit_actions(directory_app, "agency.tool_usage.") == [
        ("agency.tool_usage.add", "agency:harbour-police", "chat-triage"),
        ("agency.tool_usage.update", "agency:harbour-police", "chat-triage"),
        ("agency.tool_usage.remove", "agency:harbour-police", "chat-triage"),
    ]


def test_a_member_cannot_change_another_agency_list(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    before = usages(directory_app, "north-hotline")
    theirs = usage_id(directory_app, "north-hotline", "chat-triage")
    token = csrf_token(client, "/agencies/north-hotline")
    page = client.get("/agencies/north-hotline").get_data(as_text=True)
    assert "Add a tool this agency uses" not in page and "Change or remove" not in page
    attempts = [
        ("/agencies/north-hotline/tools", {"csrf_token": token, "tool": "hash-matcher"}),
        (f"/agencies/north-hotline/tools/{theirs}", {f"usage-{theirs}-csrf_token": token,
                                                    f"usage-{theirs}-note": "Vandalised"}),
        (f"/agencies/north-hotline/tools/{theirs}/remove", {"csrf_token": token}),
        # their usage through my own agency's address
        (f"/agencies/harbour-police/tools/{theirs}", {f"usage-{theirs}-csrf_token": token,
                                                     f"usage-{theirs}-note": "Vandalised"}),
        (f"/agencies/harbour-police/tools/{theirs}/remove", {"csrf_token": token}),
    ]
    for path, data in attempts:
        assert client.post(path, data=data).status_code == 404, path
    assert usages(directory_app, "north-hotline") == before
    assert audit_actions(directory_app, "agency.tool_usage.") == []


def test_pending_applicants_cannot_record_tools(directory_app):
    client = signed_in(directory_app, "pending@harbour-police.example")
    token = csrf_token(client, "/account/")
    response = client.post("/agencies/harbour-police/tools", data={"csrf_token": token, "tool": "chat-triage"})
    assert response.status_code == 403
    assert "chat-triage" not in dict(usages(directory_app, "harbour-police"))


def test_a_duplicate_tool_is_refused_with_a_clear_message(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    before = usages(directory_app, "harbour-police")
    response = post_from_agency_page(client, "harbour-police", "/agencies/harbour-police/tools",
                                     tool="hash-matcher", note="Again")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Hash Matcher is already in the list of tools this agency uses. Change its note below instead." in html
    assert usages(directory_app, "harbour-police") == before


@pytest.mark.parametrize(("data", "message"), [
    ({"tool": "no-such-tool", "note": "Kept text"}, "That tool is not in the catalogue"),
    ({"tool": "retired-tool", "note": "Kept text"}, "That tool is not in the catalogue"),
    ({"tool": "", "note": "Kept text"}, "Choose a tool from the list."),
    ({"tool": "chat-triage", "note": "Kept text " + "x" * NOTE_MAX}, "Field cannot be longer than 500 characters."),
])
def test_bad_usage_input_keeps_what_was_typed(directory_app, data, message):
    client = signed_in(directory_app, "ben@harbour-police.example")
    before = usages(directory_app, "harbour-police")
    response = post_from_agency_page(client, "harbour-police", "/agencies/harbour-police/tools", **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f"\n{data['note']}</textarea>" in html
    assert usages(directory_app, "harbour-police") == before


def test_a_note_too_long_is_refused_and_kept(directory_app):
    client = signed_in(directory_app, "ben@harbour-police.example")
    used = usage_id(directory_app, "harbour-police", "hash-matcher")
    long_note = "y" * (NOTE_MAX + 1)
    response = post_from_agency_page(client, "harbour-police", f"/agencies/harbour-police/tools/{used}",
                                     **{f"usage-{used}-note": long_note})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and f"\n{long_note}</textarea>" in html
    assert '<details class="usage-manage" open>' in html
    assert ("hash-matcher", "Reliable on <b>large</b> seizures.") in usages(directory_app, "harbour-police")


def test_administrators_manage_any_agency_list(directory_app):
    client = signed_in(directory_app, "admin@harbour-police.example")
    response = post_from_agency_page(client, "south-prosecutors", "/agencies/south-prosecutors/tools",
                                     tool="hash-matcher", note="Recorded for them")
    assert response.status_code == 303
    assert usages(directory_app, "south-prosecutors") == [("hash-matcher", "Recorded for them")]


# --- The tool page -----------------------------------------------------------------------------------------------


def test_the_tool_page_lists_the_agencies_that_use_it(directory_app):
    html = signed_in(directory_app, "sofia@south.example").get("/tools/hash-matcher").get_data(as_text=True)
    section = html[html.index('id="tool-usages-title"'):]
    assert "Agencies that use this tool" in section
    assert '<a href="/agencies/harbour-police">Harbour Police</a> <span class="usage-country">· Germany</span>' \
        in section
    assert '<a href="/agencies/north-hotline">North Hotline</a>' in section
    assert "Reliable on &lt;b&gt;large&lt;/b&gt; seizures." in section
    nobody = signed_in(directory_app, "sofia@south.example").get("/tools/retired-tool")
    assert nobody.status_code == 404  # archived tools have no page at all
    empty = signed_in(directory_app, "sofia@south.example").get("/tools/chat-triage").get_data(as_text=True)
    assert "North Hotline" in empty and "Harbour Police" not in empty[empty.index('id="tool-usages-title"'):]


def test_the_ask_button_starts_a_request_about_the_tool_except_to_ones_own_agency(contact_app):
    html = signed_in(contact_app, "kenji@north-hotline.example").get("/tools/hash-matcher").get_data(as_text=True)
    section = html[html.index('id="tool-usages-title"'):]
    assert section.count("Ask an agency that uses this tool") == 1  # Harbour Police; North Hotline is Kenji's own
    assert 'href="/contact/new?agency=harbour-police&amp;tool=hash-matcher&amp;kind=tool-experience"' in section
    assert "Your agency." in section



# --- Points of contact's own details -----------------------------------------------------------------------------


def contact_form(client, **data):
    token = csrf_token(client, "/account/contact-details")
    return client.post("/account/contact-details", data={"csrf_token": token, **data})


def test_members_set_their_languages_time_zone_and_office_hours(directory_app):
    client = signed_in(directory_app, "anna@harbour-police.example")
    response = contact_form(client, languages=["fr", "de"], time_zone="Europe/Paris",
                            office_hours="  Mon–Thu   09:00–15:00 ")
    assert response.status_code == 303 and response.headers["Location"] == "/account/"
    with directory_app.app_context():
        anna = db.session.scalar(select(User).filter_by(email="anna@harbour-police.example"))
        assert (anna.languages, anna.time_zone, anna.office_hours) == (["de", "fr"], "Europe/Paris",
                                                                       "Mon–Thu 09:00–15:00")
    account = client.get("/account/").get_data(as_text=True)
    assert "German, French" in account and "Europe/Paris" in account
    page = signed_in(directory_app, "kenji@north-hotline.example").get("/agencies/harbour-police")
    assert "Europe/Paris (UTC+0" in page.get_data(as_text=True)
    assert audit_actions(directory_app, "account.contact_details") == [
        ("account.contact_details", "user:anna@harbour-police.example", "")]


@pytest.mark.parametrize(("data", "message"), [
    ({"time_zone": "Mars/Olympus_Mons"}, "“Mars/Olympus_Mons” is not a time zone we know."),
    ({"time_zone": "Europe/Paris", "office_hours": "z" * 201}, "Field cannot be longer than 200 characters."),
    ({"time_zone": "Europe/Paris", "languages": ["xx"]}, "is not a valid choice"),
])
def test_bad_contact_details_are_refused_and_the_input_kept(directory_app, data, message):
    client = signed_in(directory_app, "anna@harbour-police.example")
    typed = {"languages": ["pt"], "office_hours": "Tue 10:00–12:00", **data}
    response = contact_form(client, **typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert f'value="{typed["office_hours"]}"' in html
    if "xx" not in typed["languages"]:
        assert '<option selected value="pt">Portuguese</option>' in html
    with directory_app.app_context():
        anna = db.session.scalar(select(User).filter_by(email="anna@harbour-police.example"))
        assert (anna.time_zone, anna.office_hours) == ("Europe/Berlin", "Mon–Fri 08:00–16:00")


def test_older_zone_names_are_accepted(directory_app):
    client = signed_in(directory_app, "anna@harbour-police.example")
    assert contact_form(client, time_zone="US/Eastern").status_code == 303
    page = client.get("/account/contact-details").get_data(as_text=True)
    assert '<option selected value="US/Eastern">US/Eastern</option>' in page


# --- Administrators: specialisms, languages and units -----------------------------------------------------------


def agency_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Agency.id).filter_by(slug=slug))


def test_administrators_set_specialisms_and_languages(directory_app):
    client = signed_in(directory_app, "admin@harbour-police.example")
    path = f"/admin/agencies/{agency_id(directory_app, 'south-prosecutors')}"
    form = client.get(path).get_data(as_text=True)
    assert re.search(r'<input checked [^>]*value="prosecution"', form)
    assert '<option selected value="pt">Portuguese</option>' in form
    response = client.post(path, data={
        "csrf_token": csrf_token(client, path), "name": "South Prosecutors", "country": "BR",
        "kind": "prosecution", "domains": "south.example", "description": "Brings offenders to court.",
        "specialisms": ["training", "prosecution"], "languages": ["pt", "es"]})
    assert response.status_code == 303
    with directory_app.app_context():
        south = db.session.scalar(select(Agency).filter_by(slug="south-prosecutors"))
        assert (south.specialisms, south.languages) == (["prosecution", "training"], ["es", "pt"])
    bad = client.post(path, data={"csrf_token": csrf_token(client, path), "name": "South Prosecutors",
                                  "country": "BR", "kind": "prosecution", "specialisms": ["magic"]})
    assert bad.status_code == 400 and "not a valid choice" in bad.get_data(as_text=True)


def test_administrators_add_change_and_remove_units(directory_app):
    client = signed_in(directory_app, "admin@harbour-police.example")
    south = agency_id(directory_app, "south-prosecutors")
    path = f"/admin/agencies/{south}"
    token = csrf_token(client, path)
    added = client.post(f"{path}/units", data={"new-unit-csrf_token": token, "new-unit-name": "Appeals Team",
                                                "new-unit-description": "Handles appeals."})
    assert added.status_code == 303 and added.headers["Location"] == f"{path}#units"
    with directory_app.app_context():
        units = db.session.scalars(select(AgencyUnit).where(AgencyUnit.agency_id == south)
                                   .order_by(AgencyUnit.position)).all()
        assert [u.name for u in units] == ["Cyber Desk", "Appeals Team"]
        appeals = units[1].id
    member_view = signed_in(directory_app, "ben@harbour-police.example").get("/agencies/south-prosecutors")
    assert "<dt>Appeals Team</dt>" in member_view.get_data(as_text=True)

    changed = client.post(f"{path}/units/{appeals}", data={f"unit-{appeals}-csrf_token": token,
                                                           f"unit-{appeals}-name": "Appeals and Reviews",
                                                           f"unit-{appeals}-description": ""})
    assert changed.status_code == 303
    bad = client.post(f"{path}/units/{appeals}", data={f"unit-{appeals}-csrf_token": token,
                                                       f"unit-{appeals}-name": "",
                                                       f"unit-{appeals}-description": "Kept description"})
    assert bad.status_code == 400 and "Kept description</textarea>" in bad.get_data(as_text=True)
    removed = client.post(f"{path}/units/{appeals}/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert audit_actions(directory_app, "agency.unit.") == [
        ("agency.unit.add", "agency:south-prosecutors", "Appeals Team"),
        ("agency.unit.update", "agency:south-prosecutors", "Appeals and Reviews"),
        ("agency.unit.remove", "agency:south-prosecutors", "Appeals and Reviews"),
    ]
    # A unit is changed only through its own agency's address.
    with directory_app.app_context():
        cyber = db.session.scalar(select(AgencyUnit.id).filter_by(name="Cyber Desk"))
    harbour = agency_id(directory_app, "harbour-police")
    assert client.post(f"/admin/agencies/{harbour}/units/{cyber}/remove", data={"csrf_token": token}
                       ).status_code == 404
    empty_name = client.post(f"{path}/units", data={"new-unit-csrf_token": token, "new-unit-name": " ",
                                                    "new-unit-description": "Typed"})
    assert empty_name.status_code == 400 and "Typed</textarea>" in empty_name.get_data(as_text=True)


def test_agencies_made_without_the_new_fields_have_empty_lists(ctx):
    agency = make_agency()
    assert (agency.specialisms, agency.languages, agency.units) == ([], [], [])


# --- Demo data and statistics ------------------------------------------------------------------------------------


DEMO_RECORDS = [
    {"slug": "ostwald-police", "name": "Ostwald Police (demo)", "country": "AT", "kind": "police",
     "domains": ["ostwald.example"], "description": "Fictional.",
     "specialisms": ["victim-identification", "training"], "languages": ["de", "en"],
     "units": [{"name": "Child Protection Desk", "description": "Fictional unit."}, {"name": "Forensics"}],
     "points_of_contact": [
         {"name": "Eva Ostwald", "email": "Eva.Ostwald@ostwald.example", "position": "Desk lead",
          "languages": ["de", "en"], "time_zone": "Europe/Vienna", "office_hours": "Mon–Fri 08:00–16:00"},
         {"name": "Max Ostwald", "email": "max.ostwald@ostwald.example"}],
     "tools": [{"tool": "amberline-hash", "note": "Works."}, {"tool": "not-in-the-catalogue"}]},
    {"slug": "bayview-hotline", "name": "Bayview Hotline (demo)", "country": "AU", "kind": "hotline",
     "domains": ["bayview.example"], "description": "Fictional too."},
]


@pytest.fixture
def demo_file(tmp_path, monkeypatch):
    path = tmp_path / "agencies.json"
    path.write_text(json.dumps(DEMO_RECORDS), encoding="utf-8")
    monkeypatch.setattr(demo, "AGENCIES_FILE", path)
    return path


def test_the_demo_loader_adds_agencies_contacts_and_tools_once_hashing_the_password_once(ctx, demo_file,
                                                                                        monkeypatch):
    make_tools(tool_record("amberline-hash"))  # a tool of the demo catalogue
    hashed = []
    real_hash = passwords.hash_password
    monkeypatch.setattr(passwords, "hash_password", lambda password: hashed.append(password) or real_hash(password))
    first = demo.load_agencies()
    assert (first.agencies, first.contacts, first.usages, first.unknown_tools) == (2, 2, 1, 1)
    assert hashed == [demo.DEMO_PASSWORD]
    second = demo.load_agencies()
    assert (second.agencies, second.contacts, second.usages) == (0, 0, 0)
    assert hashed == [demo.DEMO_PASSWORD]

    ostwald = db.session.scalar(select(Agency).filter_by(slug="ostwald-police"))
    assert ostwald.demo and ostwald.specialisms == ["victim-identification", "training"]
    assert ostwald.languages == ["de", "en"]
    assert [(u.name, u.description) for u in ostwald.units] == [
        ("Child Protection Desk", "Fictional unit."), ("Forensics", "")]
    assert [(u.tool.slug, u.note) for u in ostwald.tool_usages] == [("amberline-hash", "Works.")]
    eva = db.session.scalar(select(User).filter_by(email="eva.ostwald@ostwald.example"))
    assert (eva.role, eva.point_of_contact, eva.demo, eva.agency_id) == ("member", True, True, ostwald.id)
    assert eva.email_verified_at and eva.vetted_at and eva.terms_accepted_at
    assert (eva.position, eva.languages, eva.time_zone, eva.office_hours) == (
        "Desk lead", ["de", "en"], "Europe/Vienna", "Mon–Fri 08:00–16:00")
    assert passwords.verify(eva.password_hash, demo.DEMO_PASSWORD)
    bayview = db.session.scalar(select(Agency).filter_by(slug="bayview-hotline"))
    assert (bayview.specialisms, bayview.languages, bayview.units) == ([], [], [])
    assert db.session.scalar(select(func.count(User.id))) == 2


def test_demo_agencies_of_an_older_database_are_completed_once_and_real_agencies_never(ctx, demo_file):
    make_tools(tool_record("amberline-hash"))
    older = Agency(slug="ostwald-police", name="Ostwald Police (demo)", country="AT", kind="police",
                   domains=["ostwald.example"], description="Fictional.", demo=True)
    real = make_agency("bayview-hotline", ("bayview.example",), country="AU", kind="hotline")
    db.session.add(older)
    db.session.commit()
    first = demo.load_agencies()
    assert (first.agencies, first.contacts, first.usages) == (0, 2, 1)
    assert older.specialisms == ["victim-identification", "training"] and len(older.units) == 2
    assert [u.tool.slug for u in older.tool_usages] == ["amberline-hash"]
    assert (real.demo, real.units, real.specialisms) == (False, [], [])
    second = demo.load_agencies()
    assert (second.agencies, second.contacts, second.usages) == (0, 0, 0) and len(older.units) == 2


def test_the_demo_loader_refuses_unknown_specialisms(ctx, demo_file):
    demo_file.write_text(json.dumps([{**DEMO_RECORDS[1], "specialisms": ["mind-reading"]}]), encoding="utf-8")
    with pytest.raises(ValueError, match="mind-reading"):
        demo.load_agencies()


def test_the_demo_command_twice_adds_nothing_and_names_the_demo_point_of_contact(demo_app, demo_file):
    app, runner = demo_app, demo_app.test_cli_runner()  # the demo tools are there already; the agencies are not
    first = runner.invoke(args=["catalogue", "demo"])
    assert first.exit_code == 0, first.output
    assert "Demo agencies: 2 added, with 2 points of contact" in first.output
    assert "skipped 1 tool usage naming a tool not in the catalogue" in first.output
    assert "member   contact@demo.example" in first.output
    with app.app_context():
        counts = [db.session.scalar(select(func.count()).select_from(model))
                  for model in (Agency, AgencyUnit, ToolUsage, User)]
    second = runner.invoke(args=["catalogue", "demo"])
    assert "Demo agencies: 0 added, with 0 points of contact (demo accounts) and 0 tools" in second.output
    with app.app_context():
        assert [db.session.scalar(select(func.count()).select_from(model))
                for model in (Agency, AgencyUnit, ToolUsage, User)] == counts
        member = db.session.scalar(select(User).filter_by(email="member@demo.example"))
        contact = db.session.scalar(select(User).filter_by(email="contact@demo.example"))
        assert member.agency.slug == "bayview-hotline"  # the first demo agency by slug
        assert contact.agency.slug == "ostwald-police" and contact.agency.country != member.agency.country
        assert (contact.role, contact.point_of_contact, contact.demo) == ("member", True, True)
        assert contact.languages == ["de", "en"] and contact.time_zone == "Europe/Vienna"
        assert contact.office_hours
    assert "contact@demo.example" in (runner.invoke(args=["users", "list"]).output)


def test_stats_count_agencies_and_their_countries(directory_app):
    runner = directory_app.test_cli_runner()
    with directory_app.app_context():
        make_agency("harbour-customs", domains=("customs.example",), name="Harbour Customs", country="DE")
    stats = json.loads(runner.invoke(args=["catalogue", "stats", "--json"]).output)
    assert (stats["agencies"], stats["countries"]) == (4, 3)
    assert "Agencies: 4 in 3 countries" in runner.invoke(args=["catalogue", "stats"]).output


def test_the_real_demo_agencies_load_with_the_demo_tools(demo_app):
    with demo_app.app_context():  # the demo tools, loaded by ``load_demo``
        loaded = demo.load_agencies()
        assert loaded.agencies == db.session.scalar(select(func.count(Agency.id))) > 0
        assert loaded.unknown_tools == 0
        demo.create_accounts()
        contact = db.session.scalar(select(User).filter_by(email="contact@demo.example"))
        member = db.session.scalar(select(User).filter_by(email="member@demo.example"))
        assert contact.point_of_contact and contact.agency.country != member.agency.country


# --- PostgreSQL --------------------------------------------------------------------------------------------------


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_the_directory_filters_work_on_postgres(postgres_app):  # noqa: F811 - the fixture imported above
    with postgres_app.app_context():
        upgrade()
        from catalogue.taxonomy import sync_vocabularies

        sync_vocabularies()
        build_directory()
    client = signed_in(postgres_app, "ben@harbour-police.example")
    for query, expected in [({"specialism": "victim-identification"}, ["harbour-police", "south-prosecutors"]),
                            ({"language": "en", "region": "asia"}, ["north-hotline"]),
                            ({"q": "identification"}, ["harbour-police"]), ({"kind": "prosecution"},
                                                                            ["south-prosecutors"]),
                            ({"q": "100%_"}, [])]:
        response = client.get("/agencies/", query_string=query)
        assert response.status_code == 200 and cards(response) == expected, query
    assert client.get("/agencies/?country=ZZ").status_code == 400
    assert "Hash Matcher" in client.get("/agencies/harbour-police").get_data(as_text=True)
    assert "Harbour Police" in client.get("/tools/hash-matcher").get_data(as_text=True)
