"""Officer profiles (opt-in, each field shown or private, the published tools an officer knows) and introduction
requests: a contact request addressed to one person (contact_requests.recipient_id)

Revision ID: ef49582bef02
Revises: 4b7d9e2f6a13
Create Date: 2026-12-07 21:00:09.972243

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ef49582bef02'
down_revision = '4b7d9e2f6a13'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('officer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('accepts_introductions', sa.Boolean(), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('specialisms', sa.JSON(), nullable=False),
    sa.Column('show_role', sa.Boolean(), nullable=False),
    sa.Column('show_specialisms', sa.Boolean(), nullable=False),
    sa.Column('show_languages', sa.Boolean(), nullable=False),
    sa.Column('show_tools', sa.Boolean(), nullable=False),
    sa.Column('show_time_zone', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agencies.id'], name=op.f('fk_officer_profiles_agency_id_agencies'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_officer_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officer_profiles')),
    sa.UniqueConstraint('user_id', name=op.f('uq_officer_profiles_user_id'))
    )
    with op.batch_alter_table('officer_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officer_profiles_agency_id'), ['agency_id'], unique=False)

    op.create_table('officer_profile_tools',
    sa.Column('profile_id', sa.Integer(), nullable=False),
    sa.Column('tool_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['profile_id'], ['officer_profiles.id'], name=op.f('fk_officer_profile_tools_profile_id_officer_profiles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tool_id'], ['tools.id'], name=op.f('fk_officer_profile_tools_tool_id_tools'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('profile_id', 'tool_id', name=op.f('pk_officer_profile_tools'))
    )
    with op.batch_alter_table('officer_profile_tools', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_officer_profile_tools_tool_id'), ['tool_id'], unique=False)

    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contact_requests_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contact_requests_recipient_id_users'), 'users', ['recipient_id'], ['id'], ondelete='RESTRICT')



def downgrade():
    with op.batch_alter_table('contact_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_requests_recipient_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contact_requests_recipient_id'))
        batch_op.drop_column('recipient_id')

    with op.batch_alter_table('officer_profile_tools', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officer_profile_tools_tool_id'))

    op.drop_table('officer_profile_tools')
    with op.batch_alter_table('officer_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_officer_profiles_agency_id'))

    op.drop_table('officer_profiles')
