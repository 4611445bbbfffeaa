"""`flask db upgrade` on an empty database must yield exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from catalogue.extensions import db
from tests.conftest import make_app


def test_upgrade_from_empty_matches_the_models(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        assert {"tools", "terms", "vocabularies", "tool_terms"} <= set(inspect(db.engine).get_table_names())
        db.engine.dispose()


def test_downgrade_to_base_removes_every_table(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) == {"alembic_version"}
        db.engine.dispose()


def test_cli_upgrade_then_vocabularies_seed_the_terms(tmp_path):
    app = make_app(tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["catalogue", "vocabularies"])
    assert result.exit_code == 0, result.output
    assert "11 vocabularies and 84 terms added" in result.output
    again = runner.invoke(args=["catalogue", "vocabularies"])
    assert "0 vocabularies and 0 terms added" in again.output
    with app.app_context():
        db.engine.dispose()
