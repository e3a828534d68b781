"""project alumni say their role and organisation (shown with them as contacts)

Revision ID: 0006_alumni_details
Revises: 0002_projects
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_alumni_details"
down_revision: str | Sequence[str] | None = "0002_projects"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("project_alumni") as batch:
        batch.add_column(sa.Column("role", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("organisation", sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project_alumni") as batch:
        batch.drop_column("organisation")
        batch.drop_column("role")
