"""Shortlists kept in the account: several named lists per member, a note per tool, shared read-only with named
colleagues or the whole agency

Revision ID: 8a4d2c6e1b97
Revises: 5b7c9d1e2f30
Create Date: 2026-12-07 17:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a4d2c6e1b97'
down_revision = '5b7c9d1e2f30'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shortlists',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('shared_with_agency', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_shortlists_owner_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shortlists')),
    )
    with op.batch_alter_table('shortlists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlists_owner_id'), ['owner_id'], unique=False)
    op.create_table(
        'shortlist_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shortlist_id', sa.Integer(), nullable=False),
        sa.Column('tool_id', sa.Integer(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['shortlist_id'], ['shortlists.id'],
                                name=op.f('fk_shortlist_items_shortlist_id_shortlists'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_shortlist_items_tool_id_tools'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shortlist_items')),
        sa.UniqueConstraint('shortlist_id', 'tool_id', name=op.f('uq_shortlist_items_shortlist_id')),
    )
    with op.batch_alter_table('shortlist_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_items_shortlist_id'), ['shortlist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortlist_items_tool_id'), ['tool_id'], unique=False)
    op.create_table(
        'shortlist_shares',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shortlist_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['shortlist_id'], ['shortlists.id'],
                                name=op.f('fk_shortlist_shares_shortlist_id_shortlists'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_shortlist_shares_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shortlist_shares')),
        sa.UniqueConstraint('shortlist_id', 'user_id', name=op.f('uq_shortlist_shares_shortlist_id')),
    )
    with op.batch_alter_table('shortlist_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shortlist_shares_shortlist_id'), ['shortlist_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shortlist_shares_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('shortlist_shares')
    op.drop_table('shortlist_items')
    op.drop_table('shortlists')
