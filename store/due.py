"""Scheduling and claiming due jobs, safely across processes.

Claims lock rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite every transaction is
`BEGIN IMMEDIATE`, so the claim is serialised. A job runs in the same transaction that marks it
done, so its effects (and the outbox rows it writes) commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import DueJob, Workspace
from store.models.jobs import (
    JOB_CANCELLED,
    JOB_DONE,
    JOB_FAILED,
    JOB_PENDING,
    JOB_RUNNING,
    OPEN,
)


def schedule(
    session: Session,
    *,
    key: str,
    kind: str,
    workspace: Workspace,
    due_at: datetime,
    now: datetime,
    payload: dict[str, Any] | None = None,
    replace: bool = False,
) -> None:
    """Adds a job unless its key exists; with `replace`, a still-pending job moves to `due_at`."""
    values = {
        "key": key,
        "kind": kind,
        "workspace_id": workspace.id,
        "payload": payload or {},
        "due_at": due_at,
        "status": JOB_PENDING,
        "attempts": 0,
        "created_at": now,
    }
    insert = dialect_insert(session)
    statement = insert(DueJob).values(**values)
    if replace:
        statement = statement.on_conflict_do_update(
            index_elements=["key"],
            set_={"due_at": due_at, "payload": values["payload"]},
            where=DueJob.status == JOB_PENDING,
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=["key"])
    session.execute(statement)


def cancel(session: Session, *, key: str) -> bool:
    result = session.execute(
        update(DueJob)
        .where(DueJob.key == key, DueJob.status == JOB_PENDING)
        .values(status=JOB_CANCELLED)
    )
    return bool(getattr(result, "rowcount", 0))


def cancel_prefix(session: Session, *, prefix: str) -> int:
    result = session.execute(
        update(DueJob)
        .where(DueJob.key.startswith(prefix), DueJob.status == JOB_PENDING)
        .values(status=JOB_CANCELLED)
    )
    return int(getattr(result, "rowcount", 0))


def claim_one(session: Session, *, now: datetime, lease: timedelta) -> DueJob | None:
    """The next due job, marked running in the caller's transaction (None when nothing is due).

    A job left running past the lease belonged to a process that died mid-job; its transaction
    was rolled back, so running it again cannot double its effects. A running job was due when
    it was claimed (`due_at <= claimed_at`), so one range on the partial index of open jobs
    finds both kinds; finished jobs, however many, are not read."""
    job = session.scalars(
        select(DueJob)
        .where(
            text(OPEN),
            DueJob.due_at <= now,
            or_(DueJob.status == JOB_PENDING, DueJob.claimed_at < now - lease),
        )
        .order_by(DueJob.due_at, DueJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if job is not None:
        job.status = JOB_RUNNING
        job.claimed_at = now
        job.attempts += 1
        session.flush()
    return job


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending job falls due: how long a scheduler may sleep."""
    return session.scalar(
        select(DueJob.due_at)
        .where(text(OPEN), DueJob.status == JOB_PENDING)
        .order_by(DueJob.due_at)
        .limit(1)
    )


def finish(job: DueJob, *, now: datetime) -> None:
    job.status = JOB_DONE
    job.done_at = now


def fail(job: DueJob, *, error: str, now: datetime, retry_in: timedelta | None) -> None:
    job.last_error = error[:2000]
    if retry_in is None:
        job.status = JOB_FAILED
        job.done_at = now
    else:
        job.status = JOB_PENDING
        job.due_at = now + retry_in


def pending(session: Session, *, prefix: str | None = None, limit: int = 20) -> list[DueJob]:
    query = (
        select(DueJob)
        .where(text(OPEN), DueJob.status == JOB_PENDING)
        .order_by(DueJob.due_at)
        .limit(limit)
    )
    if prefix is not None:
        query = query.where(DueJob.key.startswith(prefix))
    return list(session.scalars(query))


def by_key(session: Session, key: str) -> DueJob | None:
    return session.scalar(select(DueJob).where(DueJob.key == key))
