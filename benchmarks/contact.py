"""Measure the contact section's pages on many requests: a busy point of contact's inbox, search and request page,
the agency directory, and the admin oversight pages with their CSV export.

Usage: .venv/bin/python benchmarks/contact.py [--count N] [--agencies A] [--repeat R]

Fills a temporary SQLite database with N requests (default 20,000) between A agencies (default 40) in 25 countries,
sent over the past year with a skewed choice of agencies (a few busy pairs, many quiet ones), every state and answer
times spread over hours to days. Then reports the median and 95th percentile of R requests per page through Flask's
test client (no network), signed in as the point of contact of the busiest agency, then as an admin. Figures
compare only within one run; record them in docs/performance.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from benchmarks.pages_and_interchange import report_pages  # noqa: E402
from catalogue import clock, create_app  # noqa: E402
from catalogue.admin.services import create_user  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.models import Agency, ContactRequest  # noqa: E402
from catalogue.models.contact import HANDLING_CODES, REQUEST_KINDS, SPECIALISMS  # noqa: E402
from tests.auth import session_for  # noqa: E402

COUNTRIES = ("FR", "DE", "IT", "ES", "NL", "BE", "PL", "SE", "FI", "IE", "PT", "GR", "RO", "CZ", "AT", "GB", "US",
             "CA", "BR", "MX", "AU", "NZ", "JP", "ZA", "KE")
#: (state, share): how far requests got.
STATES = (("submitted", 0.08), ("acknowledged", 0.12), ("accepted", 0.35), ("declined", 0.10), ("closed", 0.35))
BATCH = 2000


def make_agencies(count: int) -> list[int]:
    agencies = [Agency(slug=f"bench-agency-{n}", name=f"Benchmark Agency {n}", country=COUNTRIES[n % len(COUNTRIES)],
                       kind="police", domains=[f"agency-{n}.bench.example"],
                       specialisms=list(SPECIALISMS[n % 8: n % 8 + 3]), languages=["en"]) for n in range(count)]
    db.session.add_all(agencies)
    db.session.commit()
    return [agency.id for agency in agencies]


def request_rows(count: int, agency_ids: list[int], seed: int = 7):
    """Plausible requests: content is filler, since oversight never reads it."""
    rng = random.Random(seed)
    now = clock.now()
    weights = [1 / (rank + 1) for rank in range(len(agency_ids))]  # a few agencies send and receive most
    states, shares = zip(*STATES, strict=True)
    for _ in range(count):
        sender, recipient = rng.choices(agency_ids, weights, k=2)
        while recipient == sender:
            recipient = rng.choice(agency_ids)
        created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        urgency = "urgent" if rng.random() < 0.2 else "routine"
        state = rng.choices(states, shares)[0]
        acknowledged = responded = closed = None
        if state != "submitted":
            acknowledged = created + timedelta(hours=rng.lognormvariate(2.5, 1.0))
        if state in ("accepted", "declined", "closed"):
            responded = acknowledged + timedelta(hours=rng.lognormvariate(3.0, 1.0))
        if state == "closed":
            closed = responded + timedelta(days=rng.uniform(1, 30))
        yield {
            "sender_agency_id": sender, "recipient_agency_id": recipient, "kind": rng.choice(REQUEST_KINDS),
            "subject": "Benchmark request", "message": "Filler text.", "urgency": urgency,
            "handling_code": rng.choice(HANDLING_CODES), "handling_conditions": "", "languages": ["en"],
            "state": state, "decline_reason": "Not our remit." if state == "declined" else "",
            "created_at": created, "due_at": created + timedelta(hours=24 if urgency == "urgent" else 168),
            "acknowledged_at": acknowledged, "responded_at": responded, "closed_at": closed,
            "updated_at": closed or responded or acknowledged or created, "demo": False,
        }


def fill(count: int, agencies: int) -> float:
    start = time.perf_counter()
    agency_ids = make_agencies(agencies)
    batch = []
    for row in request_rows(count, agency_ids):
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(ContactRequest), batch)
            batch = []
    if batch:
        db.session.execute(insert(ContactRequest), batch)
    db.session.commit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="requests (default 20,000)")
    parser.add_argument("--agencies", type=int, default=40, help="agencies (default 40)")
    parser.add_argument("--repeat", type=int, default=10, help="requests per page (default 10)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/bench.sqlite3"})
        client, member_client = app.test_client(), app.test_client()
        with app.app_context():
            db.create_all()
            seconds = fill(args.count, args.agencies)
            admin = create_user("admin@bench.example", "Benchmark Admin", "admin", None,
                                "benchmark horse battery staple")
            admin.mfa_secret = "JBSWY3DPEHPK3PXP"
            busiest = db.session.get(Agency, 1)  # the first agency has the largest weight
            contact = create_user("contact@agency-0.bench.example", "Benchmark Contact", "member", busiest,
                                  "benchmark horse battery staple")
            contact.point_of_contact = True
            db.session.commit()
            received = db.session.scalar(select(func.count()).select_from(ContactRequest).where(
                ContactRequest.recipient_agency_id == busiest.id))
            newest = db.session.scalar(select(func.max(ContactRequest.id)).where(
                ContactRequest.recipient_agency_id == busiest.id))
            session_for(member_client, contact)
            session_for(client, admin)
            year_ago = (clock.now() - timedelta(days=365)).date().isoformat()
            half_year_ago = (clock.now() - timedelta(days=182)).date().isoformat()
        csv_size = len(client.get("/admin/contact/requests.csv").data)
        pages = {
            "overview, all requests": "/admin/contact/",
            "overview, one type, last 6 months": f"/admin/contact/?kind=case-cooperation&since={half_year_ago}",
            "overdue list, page 1": "/admin/contact/overdue",
            "CSV export, all requests": "/admin/contact/requests.csv",
            "CSV export, urgent, whole year": f"/admin/contact/requests.csv?urgency=urgent&since={year_ago}",
        }
        print(f"{args.count:,} requests between {args.agencies} agencies (filled in {seconds:.1f} s); "
              f"the busiest agency received {received:,}; CSV of all requests {csv_size / 1_000_000:.1f} MB; "
              f"{args.repeat} requests per page\n")
        report_pages(member_client, {
            "catalogue home with the unread badge": "/",
            "agency directory": "/agencies/",
            "agency directory, one specialism": "/agencies/?specialism=digital-forensics",
            "inbox, received, page 1": "/contact/",
            "inbox, search": "/contact/?q=benchmark",
            "inbox, overdue only": "/contact/?overdue=1",
            "a request page": f"/contact/requests/{newest}",
        }, args.repeat)
        print()
        report_pages(client, pages, args.repeat)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
