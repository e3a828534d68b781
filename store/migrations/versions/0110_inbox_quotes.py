"""inbox_events (events recorded before they are acknowledged) and deliveries.quotes_user_id
(whose words a bot post may quote, so erasure can redact it)

Revision ID: 0110_inbox_quotes
Revises: 0102_stream_cursors
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110_inbox_quotes"
down_revision: str | Sequence[str] | None = "0102_stream_cursors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("user_external_id", sa.String(length=100), nullable=True),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("forms", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_events")),
        sa.UniqueConstraint("key", name=op.f("uq_inbox_events_key")),
    )
    op.create_index("ix_inbox_events_due", "inbox_events", ["status", "next_attempt_at"])
    op.create_index(
        op.f("ix_inbox_events_user_external_id"), "inbox_events", ["user_external_id"]
    )
    with op.batch_alter_table("deliveries") as batch:
        batch.add_column(sa.Column("quotes_user_id", sa.Integer(), nullable=True))
        batch.create_index("ix_deliveries_quotes_user_id", ["quotes_user_id"])
        batch.create_foreign_key(
            "fk_deliveries_quotes_user_id_users", "users", ["quotes_user_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.drop_constraint("fk_deliveries_quotes_user_id_users", type_="foreignkey")
        batch.drop_index("ix_deliveries_quotes_user_id")
        batch.drop_column("quotes_user_id")
    op.drop_index(op.f("ix_inbox_events_user_external_id"), table_name="inbox_events")
    op.drop_index("ix_inbox_events_due", table_name="inbox_events")
    op.drop_table("inbox_events")
