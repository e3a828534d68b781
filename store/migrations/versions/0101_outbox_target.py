"""deliveries.target_key: which post an update replaces, so older updates yield to newer

Revision ID: 0101_outbox_target
Revises: 0100_jobs
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0101_outbox_target"
down_revision: str | Sequence[str] | None = "0100_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("target_key", sa.String(length=255), nullable=True))
        batch.create_index("ix_deliveries_target_key", ["target_key"])


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_index("ix_deliveries_target_key")
        batch.drop_column("target_key")
