"""Times in the reader's own zone: a signed-in person reads every time in their account's zone (else their agency's
country's), with the zone named; a visitor reads UTC; trainings held elsewhere show the reader's time too; the
trainings list says where the member stands."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from catalogue.extensions import db
from catalogue.models import Shortlist
from catalogue.times import main_time_zone
from tests.auth import csrf_token, signed_in
from tests.factories import make_agency, make_user
from tests.training_helpers import enrol, make_training, training_values


def _shortlist_time(client) -> str:
    client.post("/shortlist/new", data={"csrf_token": csrf_token(client, "/shortlist/"), "name": "Timed"})
    page = client.get("/shortlist/").get_data(as_text=True)
    return re.search(r"<td>([^<]*\([A-Za-z_/]+\))</td>\s*</tr>", page).group(1)


def _expected_hour(app, zone: str) -> str:
    with app.app_context():
        stored = db.session.scalar(db.select(Shortlist.updated_at).order_by(Shortlist.id.desc()))
    local = stored.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(zone))
    return local.strftime("%-I:%M")


def test_a_member_reads_times_in_their_own_zone_with_the_zone_named(app):
    tokyo = signed_in(app, "member", email="kenji@harbour-police.example", time_zone="Asia/Tokyo")
    shown = _shortlist_time(tokyo)
    assert shown.endswith("(Asia/Tokyo)") and _expected_hour(app, "Asia/Tokyo") in shown


def test_without_a_zone_of_their_own_a_member_reads_their_agencys_countrys(app):
    with app.app_context():
        agency = make_agency("lisboa", domains=("lisboa.example",), country="PT")
        agency_id = agency.id
    member = signed_in(app, "member", email="ana@lisboa.example", agency_id=agency_id)
    assert _shortlist_time(member).endswith(f"({main_time_zone('PT')})")
    assert main_time_zone("PT") == "Europe/Lisbon"


def test_a_training_elsewhere_shows_the_readers_time_and_the_list_says_where_they_stand(app):
    with app.app_context():
        start = datetime(2030, 3, 12, 10, 0)
        training = make_training(**training_values(title="Hash matching clinic", timezone="Europe/London",
                                                   starts_at=start, ends_at=start + timedelta(hours=2), capacity=1))
        first = make_user("member", email="first@harbour-police.example", time_zone="Europe/London")
        enrol(training, first)
        second = make_user("member", email="second@harbour-police.example", time_zone="Asia/Tokyo")
        enrol(training, second)
        slug, first_id, second_id = training.slug, first.id, second.id
    london, tokyo = signed_in(app, first_id), signed_in(app, second_id)
    page = tokyo.get(f"/trainings/{slug}").get_data(as_text=True)
    assert "Your time:" in page and "Asia/Tokyo, UTC+09:00" in page and "7:00" in page  # 10:00 in London
    assert "Your time:" not in london.get(f"/trainings/{slug}").get_data(as_text=True)

    listing = tokyo.get("/trainings/").get_data(as_text=True)
    card = re.search(r'<article class="training-card[^"]*">(.*?Hash matching clinic.*?)</article>', listing, re.S)
    assert "You are on the waiting list, place 1." in card.group(1)
    assert "You are enrolled." in london.get("/trainings/").get_data(as_text=True)


def test_a_visitor_and_an_account_with_an_unknown_zone_read_utc_or_their_agencys(app):
    from flask_login import AnonymousUserMixin

    from catalogue.times import zone_of

    assert zone_of(AnonymousUserMixin()) == "UTC" and zone_of(None) == "UTC"
    with app.app_context():
        odd = make_user("member", email="odd@harbour-police.example", time_zone="Mars/Olympus_Mons")
        assert zone_of(odd) == "UTC"  # no agency
        odd.agency = make_agency("nordhafen", domains=("nordhafen.example",), country="DE")
        assert zone_of(odd) == "Europe/Berlin"
