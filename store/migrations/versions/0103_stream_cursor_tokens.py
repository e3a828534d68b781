"""stream cursors may hold an opaque token (Matrix's next_batch) instead of a number

Revision ID: 0103_stream_cursor_tokens
Revises: 0102_stream_cursors
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0103_stream_cursor_tokens"
down_revision: str | Sequence[str] | None = "0102_stream_cursors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stream_cursors") as batch:
        batch.add_column(sa.Column("token", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stream_cursors") as batch:
        batch.drop_column("token")
