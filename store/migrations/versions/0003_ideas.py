"""idea threads: campaigns, ideas, supports, follows, comments, status changes, notes, reports

Revision ID: 0003_ideas
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_ideas"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("ideas",)
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), nullable=False)


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def _idea_child(table: str, *columns: sa.Column, unique_user: str | None = None) -> None:
    """The tables hanging off one idea: an id, the idea, some columns, maybe one-per-user."""
    constraints: list[sa.Constraint] = [
        sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
        _fk(table, "idea_id", "ideas", "CASCADE"),
    ]
    if unique_user is not None:
        constraints.append(
            sa.UniqueConstraint("idea_id", unique_user, name=f"uq_{table}_idea_id_{unique_user}")
        )
    op.create_table(table, _id(), sa.Column("idea_id", sa.Integer(), nullable=False), *columns,
                    *constraints)
    op.create_index(f"ix_{table}_idea_id", table, ["idea_id"])


def upgrade() -> None:
    op.create_table(
        "idea_campaigns",
        _id(),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=True),
        sa.Column("channel_id", sa.String(length=100), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("permanent", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("closed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_idea_campaigns"),
        _fk("idea_campaigns", "workspace_id", "workspaces", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name="fk_idea_campaigns_created_by_users",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_idea_campaigns_workspace_id", "idea_campaigns", ["workspace_id"])

    op.create_table(
        "ideas",
        _id(),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("proposal", sa.Text(), nullable=False),
        sa.Column("gain", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("moderation", sa.String(length=20), nullable=True),
        sa.Column("rapporteur_id", sa.Integer(), nullable=True),
        sa.Column("successor_id", sa.Integer(), nullable=True),
        sa.Column("public_answer", sa.Text(), nullable=True),
        sa.Column("card_version", sa.Integer(), nullable=False),
        _at("created_at"),
        _at("published_at", nullable=True),
        _at("updated_at"),
        _at("status_changed_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ideas"),
        _fk("ideas", "workspace_id", "workspaces", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["idea_campaigns.id"], name="fk_ideas_campaign_id_idea_campaigns",
            ondelete="CASCADE",
        ),
        _fk("ideas", "author_id", "users", "CASCADE"),
        _fk("ideas", "rapporteur_id", "users", "SET NULL"),
        _fk("ideas", "successor_id", "ideas", "SET NULL"),
    )
    op.create_index("ix_ideas_workspace_id", "ideas", ["workspace_id"])
    op.create_index("ix_ideas_campaign_status", "ideas", ["campaign_id", "status"])

    user = sa.Column("user_id", sa.Integer(), nullable=False)
    _idea_child(
        "idea_supports", user, _at("created_at"),
        _fk("idea_supports", "user_id", "users", "CASCADE"), unique_user="user_id",
    )
    user = sa.Column("user_id", sa.Integer(), nullable=False)
    _idea_child(
        "idea_followers", user, _at("created_at"),
        _fk("idea_followers", "user_id", "users", "CASCADE"), unique_user="user_id",
    )
    _idea_child(
        "idea_comments",
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=True),
        _at("created_at"),
        _fk("idea_comments", "author_id", "users", "CASCADE"),
    )
    _idea_child(
        "idea_status_changes",
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        _at("created_at"),
        _fk("idea_status_changes", "actor_id", "users", "SET NULL"),
    )
    _idea_child(
        "idea_notes",
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("created_at"),
        _fk("idea_notes", "author_id", "users", "CASCADE"),
    )
    _idea_child(
        "idea_reports",
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("resolution", sa.String(length=20), nullable=True),
        _at("created_at"),
        _fk("idea_reports", "reporter_id", "users", "CASCADE"),
        unique_user="reporter_id",
    )


def downgrade() -> None:
    for table in (
        "idea_reports",
        "idea_notes",
        "idea_status_changes",
        "idea_comments",
        "idea_followers",
        "idea_supports",
    ):
        op.drop_index(f"ix_{table}_idea_id", table_name=table)
        op.drop_table(table)
    op.drop_index("ix_ideas_campaign_status", table_name="ideas")
    op.drop_index("ix_ideas_workspace_id", table_name="ideas")
    op.drop_table("ideas")
    op.drop_index("ix_idea_campaigns_workspace_id", table_name="idea_campaigns")
    op.drop_table("idea_campaigns")
