"""co-development groups, sessions, contributions, action plans and ratings

Revision ID: 0004_codev
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_codev"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("codev",)
depends_on: str | Sequence[str] | None = None

RUNNING_ONLY = sa.text("status = 'running'")


def _fk(
    table: str, column: str, target: str, ondelete: str | None = None
) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "codev_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("name_key", sa.String(length=120), nullable=False),
        sa.Column("channel_id", sa.String(length=100), nullable=False),
        sa.Column("channel_private", sa.Boolean(), nullable=True),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("speaking_reminders", sa.Boolean(), nullable=False),
        sa.Column("durations", sa.JSON(), nullable=False),
        sa.Column("next_session_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_groups", "workspace_id", "workspaces", "CASCADE"),
        _fk("codev_groups", "coach_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_groups")),
        sa.UniqueConstraint(
            "workspace_id", "name_key", name=op.f("uq_codev_groups_workspace_id_name_key")
        ),
    )
    op.create_index(op.f("ix_codev_groups_channel_id"), "codev_groups", ["channel_id"])

    op.create_table(
        "codev_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("charter_accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_members", "group_id", "codev_groups", "CASCADE"),
        _fk("codev_members", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_members")),
        sa.UniqueConstraint("group_id", "user_id", name=op.f("uq_codev_members_group_id_user_id")),
    )

    op.create_table(
        "codev_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("request", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("minutes", sa.JSON(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("step_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("paused_seconds", sa.Integer(), nullable=False),
        sa.Column("extra_seconds", sa.Integer(), nullable=False),
        sa.Column("timer_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        _fk("codev_sessions", "group_id", "codev_groups", "CASCADE"),
        _fk("codev_sessions", "client_id", "users"),
        _fk("codev_sessions", "started_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_sessions")),
    )
    op.create_index(op.f("ix_codev_sessions_group_id"), "codev_sessions", ["group_id"])
    op.create_index(
        "uq_codev_sessions_running",
        "codev_sessions",
        ["group_id"],
        unique=True,
        sqlite_where=RUNNING_ONLY,
        postgresql_where=RUNNING_ONLY,
    )

    op.create_table(
        "codev_contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=True),
        sa.Column("reminded", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_contributions", "session_id", "codev_sessions", "CASCADE"),
        _fk("codev_contributions", "author_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_contributions")),
    )
    op.create_index(
        op.f("ix_codev_contributions_session_id"), "codev_contributions", ["session_id"]
    )

    op.create_table(
        "codev_ready",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_ready", "session_id", "codev_sessions", "CASCADE"),
        _fk("codev_ready", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_ready")),
        sa.UniqueConstraint(
            "session_id", "step", "user_id", name=op.f("uq_codev_ready_session_id_step_user_id")
        ),
    )

    op.create_table(
        "codev_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_actions", "session_id", "codev_sessions", "CASCADE"),
        _fk("codev_actions", "suggestion_id", "codev_contributions", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_actions")),
    )
    op.create_index(op.f("ix_codev_actions_session_id"), "codev_actions", ["session_id"])

    op.create_table(
        "codev_ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        _fk("codev_ratings", "session_id", "codev_sessions", "CASCADE"),
        _fk("codev_ratings", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codev_ratings")),
        sa.UniqueConstraint(
            "session_id", "user_id", name=op.f("uq_codev_ratings_session_id_user_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("codev_ratings")
    op.drop_table("codev_actions")
    op.drop_table("codev_ready")
    op.drop_table("codev_contributions")
    op.drop_index("uq_codev_sessions_running", table_name="codev_sessions")
    op.drop_index(op.f("ix_codev_sessions_group_id"), table_name="codev_sessions")
    op.drop_table("codev_sessions")
    op.drop_table("codev_members")
    op.drop_index(op.f("ix_codev_groups_channel_id"), table_name="codev_groups")
    op.drop_table("codev_groups")
