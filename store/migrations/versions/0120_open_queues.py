"""Partial indexes on the open rows of the two queues (due jobs, deliveries), earliest first,
replacing the (status, time) indexes: claims stop reading finished rows as history grows

Revision ID: 0120_open_queues
Revises: 0110_inbox_quotes
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0120_open_queues"
down_revision: str | Sequence[str] | None = "0110_inbox_quotes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_JOBS = sa.text("status IN ('pending', 'running')")
OPEN_DELIVERIES = sa.text("status IN ('pending', 'sending')")


def upgrade() -> None:
    op.drop_index("ix_due_jobs_due", table_name="due_jobs")
    op.create_index(
        "ix_due_jobs_open", "due_jobs", ["due_at", "id"],
        postgresql_where=OPEN_JOBS, sqlite_where=OPEN_JOBS,
    )  # fmt: skip
    op.drop_index("ix_deliveries_due", table_name="deliveries")
    op.create_index(
        "ix_deliveries_open", "deliveries", ["next_attempt_at", "id"],
        postgresql_where=OPEN_DELIVERIES, sqlite_where=OPEN_DELIVERIES,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_deliveries_open", table_name="deliveries")
    op.create_index("ix_deliveries_due", "deliveries", ["status", "next_attempt_at"])
    op.drop_index("ix_due_jobs_open", table_name="due_jobs")
    op.create_index("ix_due_jobs_due", "due_jobs", ["status", "due_at"])
