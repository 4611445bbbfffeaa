"""Shortlists kept in the account: named lists that outlast the session, notes, read-only sharing within the agency,
a CSV with labels, and 404 for anybody else's list."""

from __future__ import annotations

import csv
import io
import re

import pytest

from catalogue.extensions import db
from catalogue.models import Agency, Shortlist, User
from tests.auth import csrf_token, signed_in
from tests.factories import make_agency, make_tools, tool_record


@pytest.fixture
def people(app):
    """Two members and a curator of one agency, and a member of another."""
    with app.app_context():
        make_tools(tool_record("first-tool", name="First Tool"),
                   tool_record("second-tool", name="Second Tool", organisation="=cmd|calc"),
                   tool_record("draft-tool", status="draft"))
        harbour = make_agency()
        make_agency("nordhafen", domains=("nordhafen.example",))
        harbour_id = harbour.id
    return {
        "alice": signed_in(app, "member", email="alice@harbour-police.example", name="Alice", agency_id=harbour_id),
        "bob": signed_in(app, "member", email="bob@harbour-police.example", name="Bob", agency_id=harbour_id),
        "carol": signed_in(app, "curator", email="carol@harbour-police.example", name="Carol", agency_id=harbour_id),
        "nina": signed_in(app, "member", email="nina@nordhafen.example", name="Nina",
                          agency_id=_agency_id(app, "nordhafen")),
    }


def _agency_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Agency.id).filter_by(slug=slug))


def post(client, path: str, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, "/shortlist/"), **data})


def list_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Shortlist.id).filter_by(name=name))


def test_a_member_adds_from_a_card_and_comes_back_to_that_card(app, people):
    alice = people["alice"]
    response = post(alice, "/shortlist/add", tool="second-tool", next="/tools/?q=tool#tool-second-tool")
    assert response.status_code == 303 and response.headers["Location"] == "/tools/?q=tool#tool-second-tool"
    page = alice.get("/tools/?q=tool").get_data(as_text=True)
    assert "Second Tool was added to My shortlist." in page
    card = re.search(r'<article class="tool-card" id="tool-second-tool">(.*?)</article>', page, re.S).group(1)
    assert "In your shortlist: My shortlist" in card
    other = re.search(r'<article class="tool-card" id="tool-first-tool">(.*?)</article>', page, re.S).group(1)
    assert "In your shortlist" not in other
    assert "In your shortlist" not in people["bob"].get("/tools/?q=tool").get_data(as_text=True)  # kept cards
    assert "In your shortlist: My shortlist" in alice.get("/tools/second-tool").get_data(as_text=True)


def test_a_shortlist_outlasts_the_session_and_the_visitors_list_moves_in(app, people):
    alice = people["alice"]
    with alice.session_transaction() as session:
        session["shortlist"] = ["first-tool", "draft-tool"]  # kept while browsing before signing in
    overview = alice.get("/shortlist/").get_data(as_text=True)
    assert "My shortlist" in overview
    fresh = signed_in(app, "alice@harbour-police.example")  # a new browser, a new session
    page = fresh.get(f"/shortlist/{list_id(app, 'My shortlist')}").get_data(as_text=True)
    assert "First Tool" in page and "Draft Tool" not in page


def test_named_lists_notes_and_a_csv_with_labels(app, people):
    alice = people["alice"]
    assert post(alice, "/shortlist/new", name="  Procurement   2027 ").status_code == 303
    number = list_id(app, "Procurement 2027")
    post(alice, "/shortlist/add", tool="second-tool", list=str(number))
    post(alice, "/shortlist/add", tool="first-tool", list=str(number))
    note = "Ask the vendor <b>about</b> on-premises =SUM(1)"
    assert post(alice, f"/shortlist/{number}/note", tool="second-tool", note=note).status_code == 303
    page = alice.get(f"/shortlist/{number}").get_data(as_text=True)
    assert "Ask the vendor &lt;b&gt;about&lt;/b&gt;" in page
    assert 'href="/tools/compare?tool=second-tool&amp;tool=first-tool"' in page
    assert "In your shortlist: Procurement 2027" in alice.get("/tools/first-tool").get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(alice.get(f"/shortlist/{number}/shortlist.csv").get_data(as_text=True))))
    assert rows[0][:4] == ["Tool", "Organisation", "Country", "Summary"] and "Note" in rows[0]
    assert rows[1][0] == "Second Tool" and rows[1][1] == "'=cmd|calc" and "'=SUM(1)" not in rows[1]
    assert rows[1][rows[0].index("Note")] == note
    assert "Referral triage" in rows[1][rows[0].index("Purpose")]  # a label, not the slug

    assert "Give the shortlist a name." in _flashed(post(alice, "/shortlist/new", name="   "), alice)
    assert "at most 100 characters" in _flashed(post(alice, "/shortlist/new", name="x" * 101), alice)
    long_note = post(alice, f"/shortlist/{number}/note", tool="first-tool", note="n" * 1001)
    assert "A note has at most 1000 characters" in _flashed(long_note, alice)


def _flashed(response, client) -> str:
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_sharing_is_read_only_and_stays_within_the_agency(app, people):
    alice, bob, carol, nina = people["alice"], people["bob"], people["carol"], people["nina"]
    post(alice, "/shortlist/new", name="Procurement 2027")
    number = list_id(app, "Procurement 2027")
    post(alice, "/shortlist/add", tool="first-tool", list=str(number))
    assert bob.get(f"/shortlist/{number}").status_code == 404  # private until shared

    with app.app_context():
        bob_id, nina_id = (db.session.scalar(db.select(User.id).filter_by(email=e))
                           for e in ("bob@harbour-police.example", "nina@nordhafen.example"))
    post(alice, f"/shortlist/{number}/share", colleague=[str(bob_id), str(nina_id)])
    shared = bob.get("/shortlist/").get_data(as_text=True)
    assert "Procurement 2027" in shared.split("Shared with me")[1]
    page = bob.get(f"/shortlist/{number}").get_data(as_text=True)
    assert "Alice shares this shortlist with you" in page and "First Tool" in page
    assert f'action="/shortlist/{number}/note"' not in page and "Delete this shortlist" not in page
    assert carol.get(f"/shortlist/{number}").status_code == 404  # not named, not shared with the agency
    assert nina.get(f"/shortlist/{number}").status_code == 404  # another agency, even when named

    post(alice, f"/shortlist/{number}/share", agency="y")  # the whole agency now, no one named
    assert carol.get(f"/shortlist/{number}").status_code == 200
    assert bob.get(f"/shortlist/{number}").status_code == 200
    with app.app_context():
        moved = db.session.get(User, bob_id)
        moved.agency_id = _agency_id(app, "nordhafen")
        db.session.commit()
    assert bob.get(f"/shortlist/{number}").status_code == 404  # left the agency: the list disappears
    assert "Procurement 2027" not in bob.get("/shortlist/").get_data(as_text=True).split("Shared with me")[1]


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/shortlist/{n}"), ("get", "/shortlist/{n}/shortlist.csv"), ("post", "/shortlist/{n}/rename"),
    ("post", "/shortlist/{n}/note"), ("post", "/shortlist/{n}/share"), ("post", "/shortlist/{n}/delete"),
])
def test_another_members_list_answers_404_and_stays_as_it_was(app, people, method, path):
    alice, nina, bob = people["alice"], people["nina"], people["bob"]
    post(alice, "/shortlist/new", name="Mine")
    number = list_id(app, "Mine")
    for intruder in (bob, nina):
        url = path.format(n=number)
        response = intruder.get(url) if method == "get" else post(intruder, url, name="Theirs", tool="first-tool",
                                                                     note="x", agency="y")
        assert response.status_code == 404, (url, response.status_code)
    assert post(bob, "/shortlist/add", tool="first-tool", list=str(number)).status_code == 404
    with app.app_context():
        kept = db.session.get(Shortlist, number)
        assert (kept.name, kept.shared_with_agency, len(kept.items)) == ("Mine", False, 0)
