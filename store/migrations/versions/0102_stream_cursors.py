"""stream cursors shared by replicas (where a platform stream was last read)

Revision ID: 0102_stream_cursors
Revises: 0101_outbox_target
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0102_stream_cursors"
down_revision: str | Sequence[str] | None = "0101_outbox_target"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stream_cursors",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stream_cursors")),
    )


def downgrade() -> None:
    op.drop_table("stream_cursors")
