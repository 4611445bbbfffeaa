"""A database that cannot be reached answers 503 with the site's page and Retry-After, never 500 (issue 19)."""

from __future__ import annotations

import logging

from tests.conftest import make_app


def test_an_unreachable_database_answers_503_with_when_to_come_back(tmp_path, caplog):
    # Nothing listens on port 1: every connection is refused, as during a database restart.
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql://catalogue:none@127.0.0.1:1/catalogue")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="catalogue"):
        response = client.get("/tools/?q=operation+nightjar")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    page = response.get_data(as_text=True)
    assert "cannot reach its database" in page and "Quote this reference" in page
    logged = [record.getMessage() for record in caplog.records if "Database unavailable" in record.getMessage()]
    assert logged and "nightjar" not in logged[0]  # the path, never the search words
    assert client.get("/healthz").status_code == 200  # the process itself is alive
    assert client.get("/readyz").status_code == 503


def test_the_outage_page_speaks_the_browsers_language(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql://catalogue:none@127.0.0.1:1/catalogue")
    response = app.test_client().get("/tools/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and '<html lang="fr"' in page and "momentanément indisponible" in page


def test_a_connection_lost_after_the_page_was_made_still_delivers_the_page(app, monkeypatch):
    """The database restarted between the view and the end of the request: the rollback that ends the session fails,
    and that must not turn a page already made into an empty 500 (found by benchmarks/faults.py on PostgreSQL)."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    real_close = Session.close

    def close_on_a_dead_connection(self):
        monkeypatch.setattr(Session, "close", real_close)  # once: the next close finds nothing to do
        raise OperationalError("ROLLBACK", {}, Exception("server closed the connection unexpectedly"))

    client = app.test_client()
    client.get("/")
    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    response = client.get("/about")
    assert response.status_code == 200 and b"<html" in response.data
    assert client.get("/").status_code == 200


def test_a_signed_in_member_gets_the_503_page_too(app):
    """Choosing the page's language reads the member's own preference from the database: when it cannot be reached,
    the outage page must still be made (it was an empty 500 for every signed-in member: benchmarks/faults.py)."""
    import shutil

    from catalogue.extensions import db
    from tests.auth import signed_in

    client = signed_in(app, "member")
    assert client.get("/tools/").status_code == 200
    database = app.config["CATALOGUE_DATA_DIR"] / "catalogue.sqlite3"
    with app.app_context():
        db.engine.dispose()
    shutil.move(database, database.with_suffix(".away"))
    database.mkdir()  # a path SQLite cannot open, as when the database's disk is gone
    response = client.get("/tools/", headers={"Accept-Language": "fr"})
    assert response.status_code == 503 and "momentanément indisponible" in response.get_data(as_text=True)
