"""Technology providers and the terms everyone accepts: the provider role and its organisation, what each person
accepted of the terms and the data-protection notice, proposed changes marked as the provider's, verification requests

Revision ID: 7e3b5a9c41d2
Revises: ef49582bef02
Create Date: 2026-12-07 21:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7e3b5a9c41d2'
down_revision = 'ef49582bef02'
branch_labels = None
depends_on = None

OLD_ROLES = "role IN ('pending', 'member', 'curator', 'admin')"
NEW_ROLES = "role IN ('pending', 'member', 'curator', 'admin', 'provider')"


def upgrade():
    op.create_table('verification_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('asked_by_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('reminders', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('confirmed', sa.Boolean(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'accepted', 'closed')",
                       name=op.f('ck_verification_requests_status')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'],
                            name=op.f('fk_verification_requests_answered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['asked_by_id'], ['users.id'], name=op.f('fk_verification_requests_asked_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                            name=op.f('fk_verification_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_verification_requests_tool_id_tools'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_requests'))
    )
    with op.batch_alter_table('verification_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_requests_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_requests_tool_id'), ['tool_id'], unique=False)

    with op.batch_alter_table('proposed_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('from_provider', sa.Boolean(), server_default='0', nullable=False))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_documents', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('organisation', sa.String(length=200), nullable=True))
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', NEW_ROLES)


def downgrade():
    op.execute("DELETE FROM users WHERE role = 'provider'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_role'), type_='check')
        batch_op.create_check_constraint('role', OLD_ROLES)
        batch_op.drop_column('organisation')
        batch_op.drop_column('accepted_documents')

    with op.batch_alter_table('proposed_changes', schema=None) as batch_op:
        batch_op.drop_column('from_provider')

    with op.batch_alter_table('verification_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_requests_tool_id'))
        batch_op.drop_index(batch_op.f('ix_verification_requests_status'))

    op.drop_table('verification_requests')
