"""Kept editor input belongs to its author (limits per curator; nothing kept for a request nobody signed)

Revision ID: 3f1e2d4c5b6a
Revises: c62a142b2890
Create Date: 2026-12-07 16:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1e2d4c5b6a'
down_revision = 'c62a142b2890'
branch_labels = None
depends_on = None


def upgrade():
    # Input kept so far has no known author (it may even be an anonymous client's): it cannot be offered to anyone.
    op.execute("DELETE FROM kept_edits")
    with op.batch_alter_table('kept_edits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=False))
        batch_op.create_index(batch_op.f('ix_kept_edits_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_kept_edits_user_id_users'), 'users', ['user_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('kept_edits', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_kept_edits_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_kept_edits_user_id'))
        batch_op.drop_column('user_id')
