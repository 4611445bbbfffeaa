"""E-mails write every time in the recipient's own zone, named (their account's, else their agency's country's),
whoever's action sent them: a training's e-mails add the recipient's time to the training's own, and the changes to
followed tools are dated in each follower's zone."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

from catalogue.extensions import db
from catalogue.models import Tool, Training
from catalogue.models.workspace import FollowSetting
from tests.auth import body, csrf_token, outbox, signed_in
from tests.factories import make_agency, make_tools, make_user, tool_record
from tests.training_helpers import curator, enrol, make_training, training_values

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"


def test_a_cancelled_training_is_written_in_each_recipients_zone_not_the_cancelling_curators(app):
    with app.app_context():
        start = datetime(2030, 3, 12, 10, 0)  # 10:00 in London, 19:00 in Tokyo, 06:00 in Toronto
        training = make_training(**training_values(title="Hash matching clinic", timezone="Europe/London",
                                                   starts_at=start, ends_at=start + timedelta(hours=2)))
        tokyo = make_user("member", email="kenji@harbour-police.example", time_zone="Asia/Tokyo")
        toronto_agency = make_agency("ontario", domains=("ontario.example",), country="CA")
        toronto = make_user("member", email="mia@ontario.example", agency=toronto_agency)  # the agency's zone
        london = make_user("member", email="ann@harbour-police.example", time_zone="Europe/London")
        paris = make_user("member", email="luc@harbour-police.example", time_zone="Europe/Paris", locale="fr")
        for person in (tokyo, toronto, london, paris):
            enrol(training, person)
        author = curator()
        author.time_zone = "Pacific/Auckland"  # the curator's own zone is nobody else's business
        db.session.commit()
        training_id = training.id
    cancelling = signed_in(app, "trainer@harbour-police.example")
    page = f"/trainings/manage/{training_id}"
    with app.app_context():
        version = db.session.get(Training, training_id).version
    response = cancelling.post(f"{page}/cancel", data={"cancel-csrf_token": csrf_token(cancelling, page),
                                                       "cancel-version": version, "cancel-message": "Ill."})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    mails = {m["To"]: body(m) for m in outbox(app) if m["Subject"].startswith("Cancelled:")}
    assert set(mails) == {"kenji@harbour-police.example", "mia@ontario.example", "ann@harbour-police.example"}
    french = next(body(m) for m in outbox(app) if m["To"] == "luc@harbour-police.example")
    for text in [*mails.values(), french]:
        assert "(Europe/London, UTC+00:00)" in text and "Pacific/Auckland" not in text
    # Written in the recipient's language too, not in the cancelling curator's: the dates are French, 11:00 in Paris
    assert "mardi 12 mars 2030" in french and re.search(r"11:00.*\(Europe/Paris, UTC\+01:00\)", french)
    assert "Your time: " in mails["kenji@harbour-police.example"]
    assert re.search(r"Your time: .*7:00\s*PM.*\(Asia/Tokyo, UTC\+09:00\)", mails["kenji@harbour-police.example"])
    assert re.search(r"Your time: .*6:00\s*AM.*\(America/Toronto, UTC-04:00\)", mails["mia@ontario.example"])
    assert "Your time:" not in mails["ann@harbour-police.example"]  # the training's zone is hers


def test_changes_to_a_followed_tool_are_dated_in_each_followers_zone(app, runner):
    with app.app_context():
        make_tools(tool_record("hash-sorter", name="Hash Sorter"))
    tokyo = signed_in(app, "member", email="kenji@harbour-police.example", time_zone="Asia/Tokyo")
    lisbon = signed_in(app, "member", email="ana@harbour-police.example", time_zone="Europe/Lisbon")
    for client in (tokyo, lisbon):
        client.post("/followed/", data={"csrf_token": csrf_token(client, "/followed/"), "tool": "hash-sorter"})
        client.post("/followed/email", data={"csrf_token": csrf_token(client, "/followed/"), "email": "immediate"})
    from tests.test_follows import approve_change, follow_id

    follow_id(app, "kenji@harbour-police.example")
    follow_id(app, "ana@harbour-police.example")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(FollowSetting.user_id))) == 2
    approve_change(app, summary="Matches hashes of images and videos.")
    assert runner.invoke(args=["alerts", "send"]).exit_code == 0
    mails = {m["To"]: body(m) for m in outbox(app) if m["Subject"] == "Changes to tools you follow"}
    assert re.search(r"\(Asia/Tokyo\)", mails["kenji@harbour-police.example"])
    assert re.search(r"\(Europe/Lisbon\)", mails["ana@harbour-police.example"])
    assert "UTC)" not in "".join(mails.values())
    with app.app_context():
        assert db.session.scalar(db.select(Tool.summary).filter_by(slug="hash-sorter")).endswith("videos.")


def test_every_e_mail_template_that_writes_a_time_writes_it_through_the_readers_zone():
    """A time in an e-mail is either a training's (``when_text`` with ``reader_when_text`` beside it) or a stored
    moment through ``| datetime``, which follows ``times.writing_for``: no template formats one another way."""
    for path in TEMPLATES.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        if "when_text(" in text:
            assert "reader_when_text(" in text, path.name
        assert "strftime" not in text and "| date(" not in text and "isoformat" not in text, path.name
