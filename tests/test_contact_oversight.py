"""Admin oversight of contact requests: known data gives known volumes and medians, filters narrow, the overdue list
follows the clock, and the CSV carries no request content."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from catalogue import charts
from catalogue.extensions import db
from catalogue.models import Agency, AuditEvent, ContactMessage, ContactRequest
from tests.auth import signed_in
from tests.factories import make_agency
from tests.test_postgres import SERVER_URL, postgres_app  # noqa: F401 - the fixture, for the PostgreSQL test

START = datetime(2026, 3, 2, 9, 0)
# Words that appear only in request content: none may reach the oversight pages or the export.
SECRET_WORDS = ("Marmalade", "Zeppelin", "Quartzite", "Hovercraft", "Tangerine")


class Tables(HTMLParser):
    """The text of every cell of every table with an id, row by row (enough for asserting what users read)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.current = attrs.get("id") or f"table-{len(self.tables)}"
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.tables[self.current].append([])
        elif tag in ("td", "th") and self.current:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows_of(html: str, table_id: str) -> dict[str, list[str]]:
    """Body rows of a table keyed by their first cell."""
    return {row[0]: row[1:] for row in Tables(html).tables[table_id][1:]}


def agency(slug: str, country: str):
    return make_agency(slug, domains=(f"{slug}.example",), country=country, name=slug.replace("-", " ").title())


def contact_request(sender, recipient, created=START, kind="tool-experience", urgency="routine", acknowledged=None,
                    responded=None, state=None, due_hours=168, **fields) -> ContactRequest:
    """A request straight into the table, ``acknowledged``/``responded`` in hours after it was sent."""
    if state is None:
        state = "accepted" if responded is not None else "acknowledged" if acknowledged is not None else "submitted"
    found = ContactRequest(
        sender_agency_id=sender.id, recipient_agency_id=recipient.id, kind=kind, urgency=urgency,
        subject=fields.pop("subject", f"{SECRET_WORDS[0]} subject"),
        message=fields.pop("message", f"The {SECRET_WORDS[1]} message"),
        handling_code=fields.pop("handling_code", "H3"),
        handling_conditions=fields.pop("handling_conditions", f"{SECRET_WORDS[2]} only"),
        decline_reason=fields.pop("decline_reason", ""), state=state, created_at=created,
        due_at=created + timedelta(hours=due_hours),
        acknowledged_at=None if acknowledged is None else created + timedelta(hours=acknowledged),
        responded_at=None if responded is None else created + timedelta(hours=responded), **fields)
    db.session.add(found)
    db.session.commit()
    return found


@pytest.fixture
def admin(closed_app):
    with closed_app.app_context():
        return signed_in(closed_app, "admin", email="admin@harbour-police.example", agency=make_agency())


def add_known_requests() -> None:
    """France → Germany: four tool-experience requests; Germany → Italy: two urgent training requests a week later."""
    paris, berlin, rome = agency("paris-police", "FR"), agency("berlin-police", "DE"), agency("rome-police", "IT")
    contact_request(paris, berlin, acknowledged=2, responded=30)
    contact_request(paris, berlin, acknowledged=4, responded=50)
    contact_request(paris, berlin, acknowledged=9)
    contact_request(paris, berlin)
    later = START + timedelta(days=7)
    contact_request(berlin, rome, created=later, kind="training", urgency="urgent", acknowledged=24,
                    responded=96, state="closed", closed_at=later + timedelta(days=9))
    contact_request(berlin, rome, created=later, kind="training", urgency="urgent", acknowledged=120,
                    responded=144, state="declined", decline_reason=f"{SECRET_WORDS[3]} reason")


@pytest.fixture
def known(closed_app):
    with closed_app.app_context():
        add_known_requests()
    return closed_app


def test_the_overview_shows_known_volumes_and_medians(known, admin, clock):
    clock.set(START + timedelta(days=30))
    response = admin.get("/admin/contact/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "6 requests match these filters." in html
    assert "1 request overdue now" in html
    assert re.search(r"Submitted: <strong>1</strong>.*Acknowledged: <strong>1</strong>.*Accepted: <strong>2</strong>"
                     r".*Declined: <strong>1</strong>.*Closed: <strong>1</strong>", html, re.S)
    # All six: to acknowledge 2, 4, 9, 24, 120 h → 9 h; to respond 30, 50, 96, 144 h → 73 h ≈ 3 days.
    assert "<dd>9 h</dd>" in html and "<dd>3 days</dd>" in html
    assert "1 not acknowledged and 2 without a response" in html
    pairs = rows_of(html, "pair-table")
    assert pairs == {"France → Germany": ["4", "4 h", "1", "40 h", "2"],
                     "Germany → Italy": ["2", "3 days", "0", "5 days", "0"]}
    kinds = rows_of(html, "kind-table")
    assert kinds["Tool experience"] == ["4", "4 h", "1", "40 h", "2"]
    assert kinds["Training"] == ["2", "3 days", "0", "5 days", "0"]
    assert kinds["Case cooperation"] == ["0", "—", "0", "—", "0"]
    for word in SECRET_WORDS:
        assert word not in html


def test_the_charts_are_accessible_svg_with_the_numbers_as_text(known, admin):
    html = admin.get("/admin/contact/").get_data(as_text=True)
    assert html.count('role="img"') == 4
    assert '<title id="pair-volume-title">Requests by country pair</title>' in html
    assert '<desc id="pair-volume-desc">France → Germany: 4; Germany → Italy: 2.</desc>' in html
    assert ("France → Germany: to acknowledge 4 h, to respond 40 h; Germany → Italy: to acknowledge 3 days, "
            "to respond 5 days.") in html
    chart = html[html.index('<svg class="oversight-chart" viewBox="0 0 720'):]
    assert re.search(r'<text class="chart-value oversight-value"[^>]*>4</text>', chart)
    assert "style=" not in html and "<script" not in html


def test_filters_narrow_by_type_urgency_and_days(known, admin):
    html = admin.get("/admin/contact/?kind=training").get_data(as_text=True)
    assert "2 requests match these filters." in html
    assert list(rows_of(html, "pair-table")) == ["Germany → Italy"]
    html = admin.get("/admin/contact/?urgency=routine").get_data(as_text=True)
    assert "4 requests match these filters." in html
    assert list(rows_of(html, "pair-table")) == ["France → Germany"]
    # Both ends are whole days and included; the Italy requests were sent on 9 March.
    assert "2 requests match" in admin.get("/admin/contact/?since=2026-03-09").get_data(as_text=True)
    assert "4 requests match" in admin.get("/admin/contact/?until=2026-03-08").get_data(as_text=True)
    html = admin.get("/admin/contact/?since=2026-03-09&until=2026-03-09&kind=training&urgency=urgent").get_data(
        as_text=True)
    assert "2 requests match" in html
    assert 'href="/admin/contact/requests.csv?since=2026-03-09&amp;until=2026-03-09&amp;kind=training' in html
    html = admin.get("/admin/contact/?since=2027-01-01").get_data(as_text=True)
    assert "0 requests match" in html and "No requests match these filters." in html


@pytest.mark.parametrize("query, error", [
    ("since=2026-13-45", "Not a valid date value."),
    ("until=yesterday", "Not a valid date value."),
    ("since=1999-01-01", "Give a date between the years 2000 and 2999."),
    ("since=2026-05-01&until=2026-04-01", "The end date is before the start date."),
    ("kind=gossip", "Not a valid choice."),
    ("urgency=%27%20OR%201=1", "Not a valid choice."),
])
def test_bad_filters_are_refused_with_a_message_on_the_page_and_the_export(known, admin, query, error):
    for path in ("/admin/contact/", "/admin/contact/requests.csv"):
        response = admin.get(f"{path}?{query}")
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert error in html and "The filters could not be used." in html
    with known.app_context():
        assert db.session.scalars(db.select(AuditEvent).filter_by(action="contact.export")).all() == []


def test_the_busiest_fifteen_pairs_are_shown_and_the_rest_summed_up(closed_app, admin):
    countries = ["AT", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE", "LT", "LU", "LV", "MT"]
    with closed_app.app_context():
        paris = agency("paris-police", "FR")
        for number, country in enumerate(countries):
            other = agency(f"police-{country.lower()}", country)
            for _ in range(1 if number >= 15 else 2):
                contact_request(paris, other, acknowledged=number + 1)
    html = admin.get("/admin/contact/").get_data(as_text=True)
    pairs = rows_of(html, "pair-table")
    assert len(pairs) == 16
    assert pairs["2 other pairs"] == ["2", "16.5 h", "0", "—", "2"]  # Latvia (16 h) and Malta (17 h)
    assert pairs["France → Austria"][0] == "2"
    assert "France → Latvia" not in pairs


def test_the_export_has_one_row_per_request_without_content_and_is_audited(known, admin, clock):
    clock.set(START + timedelta(days=30))
    with known.app_context():
        first = db.session.scalars(db.select(ContactRequest).order_by(ContactRequest.id)).first()
        db.session.add(ContactMessage(request_id=first.id, body=f"A {SECRET_WORDS[4]} in the thread"))
        db.session.commit()
    response = admin.get("/admin/contact/requests.csv?kind=tool-experience")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="contact-requests.csv"'
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.data.decode("utf-8")
    for word in SECRET_WORDS:
        assert word not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "created_utc", "sender_agency", "sender_country", "recipient_agency",
                       "recipient_country", "type", "urgency", "handling_code", "state", "due_utc",
                       "acknowledged_utc", "responded_utc", "closed_utc", "overdue", "hours_to_acknowledge",
                       "hours_to_respond"]
    assert len(rows) == 5
    assert rows[1][1:10] == ["2026-03-02T09:00:00Z", "paris-police", "FR", "berlin-police", "DE", "tool-experience",
                             "routine", "H3", "accepted"]
    assert rows[1][10:] == ["2026-03-09T09:00:00Z", "2026-03-02T11:00:00Z", "2026-03-03T15:00:00Z", "", "no",
                            "2.0", "30.0"]
    assert rows[4][9:] == ["submitted", "2026-03-09T09:00:00Z", "", "", "", "yes", "", ""]
    everything = list(csv.reader(io.StringIO(admin.get("/admin/contact/requests.csv").data.decode("utf-8"))))
    closed = everything[5]
    assert closed[9] == "closed" and closed[13] == "2026-03-18T09:00:00Z" and closed[15:] == ["24.0", "96.0"]
    with known.app_context():
        events = db.session.scalars(db.select(AuditEvent).filter_by(action="contact.export")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.actor, e.detail) for e in events] == [
            ("admin@harbour-police.example", "since= until= type=tool-experience urgency= rows=4"),
            ("admin@harbour-police.example", "since= until= type= urgency= rows=6")]


def test_export_cells_cannot_run_as_spreadsheet_formulas(closed_app, admin):
    with closed_app.app_context():
        sneaky = Agency(slug="=cmd|calc", name="Sneaky", country="FR", kind="police")
        db.session.add(sneaky)
        contact_request(sneaky, agency("berlin-police", "DE"))
    rows = list(csv.reader(io.StringIO(admin.get("/admin/contact/requests.csv").data.decode("utf-8"))))
    assert rows[1][2] == "'=cmd|calc"


def test_the_overdue_list_follows_the_clock(closed_app, admin, clock):
    with closed_app.app_context():
        paris, berlin = agency("paris-police", "FR"), agency("berlin-police", "DE")
        urgent = contact_request(paris, berlin, created=clock(), urgency="urgent", due_hours=24).id
        routine = contact_request(berlin, paris, created=clock() - timedelta(days=6, hours=1), due_hours=168,
                                  kind="case-cooperation").id
    page = admin.get("/admin/contact/overdue").get_data(as_text=True)
    assert "0 requests are overdue." in page and "No request is overdue." in page

    clock.advance(hours=25)  # urgent: 1 h overdue; routine: 7 days and 2 h after sending, so 2 h overdue
    html = admin.get("/admin/contact/overdue").get_data(as_text=True)
    table = Tables(html).tables["table-0"][1:]
    assert [row[0] for row in table] == [f"No. {routine}", f"No. {urgent}"]  # the earliest deadline first
    assert table[0][1:4] == ["Berlin Police (Germany)", "Paris Police (France)", "Case cooperation"]
    assert table[1][1:4] == ["Paris Police (France)", "Berlin Police (Germany)", "Tool experience"]
    assert (table[0][4], table[0][6], table[0][7]) == ("Routine", "2 h", "Not sent yet")
    assert table[1][4] == "Urgent" and table[1][6] == "1 h" and table[1][7] == "Not sent yet"
    assert "2 requests are overdue." in html
    for word in SECRET_WORDS:
        assert word not in html
    assert f'href="/contact/requests/{routine}"' in html  # the admin opens it from here (audited there)

    with closed_app.app_context():
        found = db.session.get(ContactRequest, urgent)
        found.overdue_notified_at = clock()
        db.session.commit()
    clock.advance(hours=40)
    table = Tables(admin.get("/admin/contact/overdue").get_data(as_text=True)).tables["table-0"][1:]
    assert table[1][6] == "41 h" and table[1][7].startswith("Sent ")

    with closed_app.app_context():
        found = db.session.get(ContactRequest, urgent)
        found.state, found.acknowledged_at = "acknowledged", clock()
        db.session.commit()
    html = admin.get("/admin/contact/overdue").get_data(as_text=True)
    assert "1 request is overdue." in html and f"No. {urgent}<" not in html
    assert "1 request overdue now" in admin.get("/admin/contact/").get_data(as_text=True)


def test_an_admin_opens_an_overdue_request_from_the_list_and_the_reading_is_audited(closed_app, admin, clock):
    with closed_app.app_context():
        late = contact_request(agency("paris-police", "FR"), agency("berlin-police", "DE"),
                               created=clock() - timedelta(days=8)).id
    html = admin.get("/admin/contact/overdue").get_data(as_text=True)
    assert f'<a href="/contact/requests/{late}">No. {late}</a>' in html
    page = admin.get(f"/contact/requests/{late}")
    assert page.status_code == 200 and "Overdue" in page.get_data(as_text=True)
    with closed_app.app_context():
        readers = db.session.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "contact.view", AuditEvent.target == f"contact-request:{late}")).all()
    assert readers == ["admin@harbour-police.example"]


@pytest.mark.parametrize("query", ["page=abc", "page=0", "page=99999999999999999999", "page=-4"])
def test_odd_page_numbers_on_the_overdue_list_do_not_fail(closed_app, admin, query):
    assert admin.get(f"/admin/contact/overdue?{query}").status_code == 200


def test_an_empty_overview_says_so(closed_app, admin):
    html = admin.get("/admin/contact/").get_data(as_text=True)
    assert "0 requests match these filters." in html and "No requests match these filters." in html
    assert 'role="img"' not in html
    assert 'aria-current="page">Contact requests</a>' in html


@pytest.mark.parametrize("role", ["member", "curator"])
def test_members_and_curators_are_refused(closed_app, role):
    with closed_app.app_context():
        client = signed_in(closed_app, role, email=f"{role}@harbour-police.example", agency=make_agency())
    for path in ("/admin/contact/", "/admin/contact/overdue", "/admin/contact/requests.csv"):
        assert client.get(path).status_code == 403, path
    with closed_app.app_context():
        assert db.session.scalars(db.select(AuditEvent).filter_by(action="contact.export")).all() == []


def test_anonymous_visitors_are_sent_to_sign_in(closed_app):
    client = closed_app.test_client()
    for path in ("/admin/contact/", "/admin/contact/overdue", "/admin/contact/requests.csv"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/sign-in?next=")


@pytest.mark.skipif(not SERVER_URL, reason="TEST_POSTGRES_URL is not set")
def test_postgresql_gives_the_same_figures(postgres_app, clock):  # noqa: F811 - the fixture imported above
    from flask_migrate import upgrade

    clock.set(START + timedelta(days=30))
    client = postgres_app.test_client()
    with postgres_app.app_context():
        upgrade()
        add_known_requests()
        signed_in(postgres_app, "admin", client=client, email="admin@paris-police.example")
    html = client.get("/admin/contact/?since=2026-03-01&urgency=routine").get_data(as_text=True)
    assert rows_of(html, "pair-table") == {"France → Germany": ["4", "4 h", "1", "40 h", "2"]}
    assert "<dd>4 h</dd>" in html and "1 request overdue now" in html
    rows = list(csv.reader(io.StringIO(client.get("/admin/contact/requests.csv").data.decode("utf-8"))))
    assert len(rows) == 7 and rows[4][14:] == ["yes", "", ""] and rows[6][15:] == ["120.0", "144.0"]
    assert "1 request is overdue." in client.get("/admin/contact/overdue").get_data(as_text=True)


@pytest.mark.parametrize("maximum, ticks", [
    (0, [0, 1]), (4, [0, 1, 2, 3, 4]), (7, [0, 2, 4, 6, 8]), (9.5, [0, 2.5, 5, 7.5, 10]), (130, [0, 50, 100, 150]),
    (0.3, [0, 0.1, 0.2, 0.3]),
])
def test_chart_scales_end_on_a_round_number(maximum, ticks):
    assert charts.tick_values(maximum) == ticks


def test_chart_bars_are_proportional_and_long_labels_shortened():
    layout = charts.OVERSIGHT
    chart = charts.bar_chart(["A", "B" * 50], [[(10, "10"), (5, "5")], [(None, "none yet"), (2.5, "2.5")]], layout)
    first, second = chart.rows
    assert first.bars[0].width == layout.plot_width and second.bars[0].width == layout.plot_width / 2
    assert first.bars[1].value is None and first.bars[1].width == 0 and first.bars[1].text == "none yet"
    assert second.label.endswith("…") and len(second.label) == layout.label_chars and second.full_label == "B" * 50
    assert [tick.text for tick in chart.ticks] == ["0", "2.5", "5", "7.5", "10"]


def test_durations_read_in_minutes_hours_or_days(app):
    from catalogue.contact.oversight import duration

    with app.test_request_context():
        assert [duration(h) for h in (None, 0.25, 1, 5.55, 47.9, 48, 73, 240)] == [
            "—", "15 minutes", "1 h", "5.5 h", "47.9 h", "2 days", "3 days", "10 days"]
        assert duration(24 * 352.6) == "353 days"
