"""The member's home page is where a working day starts: saved searches with their new alerts, shortlists (theirs and
shared with them), requests waiting for their answer and their coming trainings; empty blocks say what they are for."""

from __future__ import annotations

import re

from catalogue.extensions import db
from catalogue.models import Alert, SavedSearch, Shortlist, Tool
from catalogue.models.base import utcnow
from tests.auth import signed_in
from tests.factories import make_tools, tool_record
from tests.training_helpers import enrol, make_training


def block(page: str, title: str) -> str:
    return re.search(rf'<section class="dashboard-block"[^>]*>\s*<h3[^>]*><a[^>]*>{title}</a></h3>(.*?)</section>',
                     page, re.S).group(1)


def test_an_empty_workspace_explains_each_block(app):
    page = signed_in(app, "member").get("/").get_data(as_text=True)
    assert "Your workspace" in page
    assert "Save a catalogue search" in block(page, "Saved searches")
    assert "Set tools aside for a decision" in block(page, "Shortlists")
    assert "No request waits for your answer" in block(page, "Requests")
    assert "Trainings you enrol in are listed here." in block(page, "Your trainings")


def test_the_home_page_shows_what_is_new_and_what_is_theirs(app):
    member = signed_in(app, "member", email="alice@harbour-police.example")
    with app.app_context():
        make_tools(tool_record("hash-vault", name="Hash Vault"))
        tool = db.session.scalar(db.select(Tool))
        saved = SavedSearch(owner_id=member.user_id, name="Image hashing", query=[["q", "hash"]], email="off",
                            created_at=utcnow(), seen_at=utcnow())
        db.session.add(saved)
        db.session.flush()
        db.session.add(Alert(user_id=member.user_id, saved_search_id=saved.id, tool_id=tool.id, created_at=utcnow()))
        db.session.add(Shortlist(owner_id=member.user_id, name="Procurement 2027"))
        training = make_training(title="Hash matching clinic")
        enrol(training, saved.owner)
        db.session.commit()
    page = member.get("/").get_data(as_text=True)
    assert "Image hashing" in block(page, "Saved searches") and "1 new" in block(page, "Saved searches")
    assert "Procurement 2027" in block(page, "Shortlists")
    assert "Hash matching clinic" in block(page, "Your trainings")
    assert "Your workspace" not in app.test_client().get("/").get_data(as_text=True)  # a visitor has none
