"""A second instance keeps in sync from the first one's API: new and changed published tools arrive, archived ones
are archived, a run resumes where the last stopped, and a tool the second instance is drafting is left alone."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from catalogue.accounts import access_tokens
from catalogue.api.mirror import mirror
from catalogue.extensions import db
from catalogue.models import Tool
from catalogue.models.base import utcnow
from tests.conftest import copy_data_dir, empty_app, make_app
from tests.factories import make_user


def test_a_second_instance_mirrors_the_first(tmp_path, demo_data_dir, empty_data_dir):
    copy_data_dir(demo_data_dir, tmp_path / "first")
    first = make_app(tmp_path / "first", CATALOGUE_PUBLIC_BROWSING=False)
    with first.app_context():
        token = access_tokens.create(make_user("member"), "mirror", 30).value
        published = db.session.scalar(db.select(db.func.count()).select_from(Tool).filter_by(status="published"))
    calls = []

    def fetch(url: str):
        parts = urlsplit(url)
        calls.append(parts.query)
        answer = first.test_client().get(f"{parts.path}?{parts.query}", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.json
        return answer.json

    apps = empty_app(tmp_path / "second", empty_data_dir)
    second = next(apps)
    with second.app_context():
        report = mirror("https://first.example/", fetch)
        assert len(report.created) == published and report.since
        assert db.session.scalar(db.select(db.func.count()).select_from(Tool).filter_by(status="published")) == \
            published
        assert len(calls) > 1  # walked with the cursor

    with first.app_context():
        changed, archived = db.session.scalars(db.select(Tool).filter_by(status="published").limit(2)).all()
        later = utcnow() + timedelta(minutes=5)
        changed.summary, changed.updated_at, changed.version = "A summary changed upstream.", later, 2
        archived.status, archived.updated_at = "archived", later
        db.session.commit()
        changed_slug, archived_slug = changed.slug, archived.slug
    with second.app_context():
        again = mirror("https://first.example", fetch)
        assert changed_slug in again.updated and again.archived == [archived_slug] and not again.created
        tool = db.session.scalars(db.select(Tool).filter_by(slug=changed_slug)).one()
        assert tool.summary == "A summary changed upstream."
        assert db.session.scalars(db.select(Tool).filter_by(slug=archived_slug)).one().status == "archived"
        tool.status = "draft"  # this catalogue starts its own work on the entry
        db.session.commit()
    with first.app_context():
        changed = db.session.scalars(db.select(Tool).filter_by(slug=changed_slug)).one()
        changed.summary, changed.updated_at = "Upstream again.", utcnow() + timedelta(minutes=10)
        db.session.commit()
    with second.app_context():
        third = mirror("https://first.example", fetch)
        assert third.kept_local == [changed_slug]
        assert db.session.scalars(db.select(Tool).filter_by(slug=changed_slug)).one().summary != "Upstream again."
    next(apps, None)
    with first.app_context():
        db.engine.dispose()


def test_the_mirror_command_needs_a_token_file(app):
    result = app.test_cli_runner().invoke(args=["catalogue", "mirror", "https://first.example"])
    assert result.exit_code != 0 and "--token-file" in result.output
