"""Followed tools: a member's follows, their e-mail choice, and what changed in each followed tool (one event per
follow and key)

Revision ID: 4b7d9e2f6a13
Revises: 3e1f7a9c2d45
Create Date: 2026-12-07 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4b7d9e2f6a13'
down_revision = '3e1f7a9c2d45'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('tool_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_follows_tool_id_tools'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint('user_id', 'tool_id', name=op.f('uq_follows_user_id')),
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_tool_id'), ['tool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_user_id'), ['user_id'], unique=False)

    op.create_table(
        'follow_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_follow_settings')),
    )

    op.create_table(
        'follow_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('follow_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('tool_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('details', sa.JSON(), nullable=False),
        sa.Column('happened_at', sa.DateTime(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('emailed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['follow_id'], ['follows.id'], name=op.f('fk_follow_events_follow_id_follows'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_follow_events_tool_id_tools'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follow_events_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_events')),
        sa.UniqueConstraint('follow_id', 'key', name=op.f('uq_follow_events_follow_id')),
    )
    with op.batch_alter_table('follow_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follow_events_follow_id'), ['follow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follow_events_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('follow_events')
    op.drop_table('follow_settings')
    op.drop_table('follows')
