"""Entries keep their sources (title, reference, kind, date accessed), edited with the entry and carried by revisions

Revision ID: 5b7c9d1e2f30
Revises: 3f1e2d4c5b6a
Create Date: 2026-12-07 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7c9d1e2f30'
down_revision = '3f1e2d4c5b6a'
branch_labels = None
depends_on = None

TABLES = ('tools', 'guidance_pages')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('sources', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('sources')
