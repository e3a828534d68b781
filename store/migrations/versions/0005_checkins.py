"""cohort check-ins and broadcasts: cohorts, members, absences, schedules, occurrences, rounds,
answers, broadcasts and their recipients

Revision ID: 0005_checkins
Revises: 0001_core
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_checkins"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = ("checkins",)
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _ref(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}", ondelete=ondelete
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def upgrade() -> None:
    op.create_table(
        "cohorts",
        _ref("id"),
        _ref("workspace_id"),
        sa.Column("name", sa.String(length=120), nullable=False),
        _ref("coach_id", nullable=True),
        sa.Column("nominative", sa.Boolean(), nullable=False),
        sa.Column("calendar", sa.String(length=20), nullable=False),
        sa.Column("missed_alert", sa.Integer(), nullable=True),
        _ref("created_by", nullable=True),
        _at("created_at"),
        _at("archived_at", nullable=True),
        _pk("cohorts"),
        _fk("cohorts", "workspace_id", "workspaces", "CASCADE"),
        _fk("cohorts", "coach_id", "users", "SET NULL"),
        _fk("cohorts", "created_by", "users", "SET NULL"),
    )
    op.create_index("ix_cohorts_workspace_id", "cohorts", ["workspace_id"])

    op.create_table(
        "cohort_members",
        _ref("id"),
        _ref("cohort_id"),
        _ref("user_id"),
        _at("added_at"),
        _at("removed_at", nullable=True),
        _pk("cohort_members"),
        _fk("cohort_members", "cohort_id", "cohorts", "CASCADE"),
        _fk("cohort_members", "user_id", "users", "CASCADE"),
        sa.UniqueConstraint("cohort_id", "user_id", name="uq_cohort_members_cohort_id_user_id"),
    )
    op.create_index("ix_cohort_members_user_id", "cohort_members", ["user_id"])

    op.create_table(
        "checkin_absences",
        _ref("id"),
        _ref("user_id"),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        _at("created_at"),
        _pk("checkin_absences"),
        _fk("checkin_absences", "user_id", "users", "CASCADE"),
    )
    op.create_index("ix_checkin_absences_user_id", "checkin_absences", ["user_id"])

    op.create_table(
        "checkin_schedules",
        _ref("id"),
        _ref("cohort_id"),
        sa.Column("phrase", sa.String(length=200), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("template", sa.String(length=20), nullable=False),
        sa.Column("custom_questions", sa.JSON(), nullable=False),
        sa.Column("window_hours", sa.Integer(), nullable=False),
        sa.Column("reminder_hours", sa.Integer(), nullable=False),
        _ref("created_by", nullable=True),
        _at("created_at"),
        _at("stopped_at", nullable=True),
        _pk("checkin_schedules"),
        _fk("checkin_schedules", "cohort_id", "cohorts", "CASCADE"),
        _fk("checkin_schedules", "created_by", "users", "SET NULL"),
    )
    op.create_index("ix_checkin_schedules_cohort_id", "checkin_schedules", ["cohort_id"])

    op.create_table(
        "checkin_occurrences",
        _ref("id"),
        _ref("schedule_id"),
        _ref("cohort_id"),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        _at("created_at"),
        _pk("checkin_occurrences"),
        _fk("checkin_occurrences", "schedule_id", "checkin_schedules", "CASCADE"),
        _fk("checkin_occurrences", "cohort_id", "cohorts", "CASCADE"),
        sa.UniqueConstraint("schedule_id", "slot", name="uq_checkin_occurrences_schedule_id_slot"),
    )
    op.create_index("ix_checkin_occurrences_cohort_id", "checkin_occurrences", ["cohort_id"])

    op.create_table(
        "checkin_rounds",
        _ref("id"),
        _ref("occurrence_id"),
        _ref("user_id"),
        _at("due_at"),
        _at("closes_at"),
        sa.Column("status", sa.String(length=12), nullable=False),
        _at("opened_at", nullable=True),
        _at("answered_at", nullable=True),
        _at("reminded_at", nullable=True),
        _pk("checkin_rounds"),
        _fk("checkin_rounds", "occurrence_id", "checkin_occurrences", "CASCADE"),
        _fk("checkin_rounds", "user_id", "users", "CASCADE"),
        sa.UniqueConstraint(
            "occurrence_id", "user_id", name="uq_checkin_rounds_occurrence_id_user_id"
        ),
    )
    op.create_index("ix_checkin_rounds_user_status", "checkin_rounds", ["user_id", "status"])

    op.create_table(
        "checkin_answers",
        _ref("id"),
        _ref("round_id"),
        sa.Column("question", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        _at("updated_at"),
        _pk("checkin_answers"),
        _fk("checkin_answers", "round_id", "checkin_rounds", "CASCADE"),
        sa.UniqueConstraint("round_id", "question", name="uq_checkin_answers_round_id_question"),
    )

    op.create_table(
        "broadcasts",
        _ref("id"),
        _ref("workspace_id"),
        _ref("author_id", nullable=True),
        sa.Column("target_kind", sa.String(length=10), nullable=False),
        sa.Column("target_ref", sa.String(length=100), nullable=False),
        sa.Column("target_label", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _at("send_at"),
        sa.Column("acknowledge", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recipients_count", sa.Integer(), nullable=True),
        _at("created_at"),
        _at("confirmed_at", nullable=True),
        _at("cancelled_at", nullable=True),
        _at("fanned_out_at", nullable=True),
        _pk("broadcasts"),
        _fk("broadcasts", "workspace_id", "workspaces", "CASCADE"),
        _fk("broadcasts", "author_id", "users", "SET NULL"),
    )
    op.create_index("ix_broadcasts_workspace_id", "broadcasts", ["workspace_id"])

    op.create_table(
        "broadcast_recipients",
        _ref("id"),
        _ref("broadcast_id"),
        _ref("user_id"),
        sa.Column("batch", sa.Integer(), nullable=True),
        _at("acked_at", nullable=True),
        _pk("broadcast_recipients"),
        _fk("broadcast_recipients", "broadcast_id", "broadcasts", "CASCADE"),
        _fk("broadcast_recipients", "user_id", "users", "CASCADE"),
        sa.UniqueConstraint(
            "broadcast_id", "user_id", name="uq_broadcast_recipients_broadcast_id_user_id"
        ),
    )


def downgrade() -> None:
    op.drop_table("broadcast_recipients")
    op.drop_index("ix_broadcasts_workspace_id", table_name="broadcasts")
    op.drop_table("broadcasts")
    op.drop_table("checkin_answers")
    op.drop_index("ix_checkin_rounds_user_status", table_name="checkin_rounds")
    op.drop_table("checkin_rounds")
    op.drop_index("ix_checkin_occurrences_cohort_id", table_name="checkin_occurrences")
    op.drop_table("checkin_occurrences")
    op.drop_index("ix_checkin_schedules_cohort_id", table_name="checkin_schedules")
    op.drop_table("checkin_schedules")
    op.drop_index("ix_checkin_absences_user_id", table_name="checkin_absences")
    op.drop_table("checkin_absences")
    op.drop_index("ix_cohort_members_user_id", table_name="cohort_members")
    op.drop_table("cohort_members")
    op.drop_index("ix_cohorts_workspace_id", table_name="cohorts")
    op.drop_table("cohorts")
