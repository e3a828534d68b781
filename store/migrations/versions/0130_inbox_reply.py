"""inbox_events.reply: what a platform needs to answer the event from another process (Slack's
response_url), kept only while the event waits to be handled

Revision ID: 0130_inbox_reply
Revises: 0120_open_queues
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0130_inbox_reply"
down_revision: str | Sequence[str] | None = "0120_open_queues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("inbox_events", sa.Column("reply", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("inbox_events", "reply")
