"""Incoming events recorded before they are acknowledged, then handled exactly once.

`record` runs in a short transaction of its own before the adapter acknowledges (events that
arrive together share one); `finish` runs at the start of the transaction that handles the
event and marks it done, so the handler's writes and "done" commit together: a crash or an
outage in between leaves the row pending, and the retry handles it again from scratch.

An event recorded by a process that leaves it to the workers (`relais serve`) is due at once
(the recording transaction rings their doorbell, `store.doorbell`); one the recording process
handles itself is left to the retry loop only after a grace period.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic_core import PydanticSerializationError, to_json
from sqlalchemy import Connection, bindparam, delete, null, select, text, update
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from store.doorbell import CHANNEL
from store.models import InboxEvent
from store.models.inbox import INBOX_DONE, INBOX_PENDING

if TYPE_CHECKING:
    import psycopg

INBOX_FAILED = "failed"
MAX_ATTEMPTS = 30
RETENTION = timedelta(days=7)
# The adapter handles a new event at once; the retry loop waits this long before it may too.
GRACE = timedelta(seconds=10)
# A worker that took due rows has them to itself this long (it crashed if they are still due).
LEASE = timedelta(seconds=60)
Arrival = dict[str, Any]
"""The columns of one event to record (`arrival`)."""


def arrival(
    *,
    key: str,
    platform: str,
    user_external_id: str | None,
    event: dict[str, Any],
    forms: bool,
    now: datetime,
    reply: dict[str, str] | None = None,
    elsewhere: bool = False,
) -> Arrival:
    """One event to `record`. `elsewhere`: the workers handle it, so it is due now."""
    return {
        "key": key,
        "platform": platform,
        "user_external_id": user_external_id,
        "event": event,
        "forms": forms,
        "reply": reply,
        "status": INBOX_PENDING,
        "attempts": 0,
        "next_attempt_at": now if elsewhere else now + GRACE,
        "received_at": now,
    }


def record(connection: Connection, arrivals: Sequence[Arrival]) -> list[int | None]:
    """Records several events in one statement (one round trip): for each, its new row's id,
    or None when its key was already recorded (a platform retry), by an earlier statement or
    earlier in `arrivals`, as if they had come one by one. On PostgreSQL the same statement
    notifies the workers (`store.doorbell`) when one of the new rows is due now (theirs)."""
    first = _firsts(arrivals)
    if connection.dialect.name == "postgresql":
        rows = connection.execute(_FROM_JSON, {"rows": _as_json(first.values())}).all()
    else:
        rows = connection.execute(_VALUES, list(first.values())).all()
    return _row_ids(arrivals, first, {row.key: int(row.id) for row in rows})


async def record_in_loop(
    connection: psycopg.AsyncConnection[Any], arrivals: Sequence[Arrival]
) -> list[int | None]:
    """`record` on PostgreSQL, awaited in an event loop on an autocommit connection of its
    own (`bot.recording.LoopWrites`)."""
    first = _firsts(arrivals)
    cursor = await connection.execute(_FROM_JSON_PSYCOPG, {"rows": _as_json(first.values())})
    created = {key: int(row_id) for key, row_id, _rang in await cursor.fetchall()}
    return _row_ids(arrivals, first, created)


def _firsts(arrivals: Sequence[Arrival]) -> dict[str, Arrival]:
    first: dict[str, Arrival] = {}
    for values in arrivals:
        first.setdefault(values["key"], values)
    return first


def _row_ids(
    arrivals: Sequence[Arrival], first: dict[str, Arrival], created: dict[str, int]
) -> list[int | None]:
    return [
        created.get(values["key"]) if first[values["key"]] is values else None
        for values in arrivals
    ]


def _as_json(arrivals: Iterable[Arrival]) -> str:
    """The arrivals as one JSON array (dates in ISO 8601, which PostgreSQL reads back), encoded
    by pydantic-core in one call: a copy of each row with its dates as text, then `json.dumps`,
    cost four times as much (4.3 µs an event, on the path of every acknowledgement). A text
    pydantic-core cannot encode (a lone surrogate, which `json.dumps` escapes) takes the
    slower way, so the store decides on it as before."""
    rows = list(arrivals)
    try:
        return to_json(rows).decode()
    except PydanticSerializationError:
        return json.dumps(
            [{**values, **{n: values[n].isoformat() for n in _DATES}} for values in rows]
        )


def _from_json(rows: str) -> str:
    """PostgreSQL: the rows as one JSON parameter, so the statement's text is the same for any
    number of rows. A multi-row VALUES (SQLAlchemy's insertmanyvalues) had ten parameters per
    row, and psycopg parses a statement of more than 50 parameters again at each call; one
    array per column (`unnest`) had psycopg escape every JSON text inside its array. The
    notification is part of the statement, so that the statement is the whole transaction
    (autocommit): a NOTIFY of its own needed BEGIN and COMMIT around the two. CPU to record ten
    events: 1.2 ms (VALUES), 1.3 ms (`unnest`), 0.6 ms (JSON), 0.4 ms (JSON, one statement)."""
    column, dialect = InboxEvent.__table__.c, PGDialect()  # type: ignore[no-untyped-call]
    names = ", ".join(_NAMES)
    typed = ", ".join(f"{n} {column[n].type.compile(dialect=dialect)}" for n in _NAMES)
    return (
        f"WITH created AS (INSERT INTO {InboxEvent.__tablename__} ({names}) SELECT {names} "
        f"FROM json_to_recordset(CAST({rows} AS json)) AS arrival({typed}) "
        "ON CONFLICT (key) DO NOTHING RETURNING key, id, next_attempt_at <= received_at AS due) "
        f"SELECT key, id, CASE WHEN due THEN pg_notify('{CHANNEL}', '') END FROM created"
    )


# Built once: this insert is on the path of every acknowledgement, and building it per call
# cost more CPU than running it.
_NAMES = (
    "key", "platform", "user_external_id", "event", "forms", "reply", "status", "attempts",
    "next_attempt_at", "received_at",
)  # fmt: skip
_DATES = ("next_attempt_at", "received_at")
_FROM_JSON = text(_from_json(":rows"))
_FROM_JSON_PSYCOPG = _from_json("%(rows)s")
_VALUES = (
    sqlite_insert(InboxEvent)
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(InboxEvent.key, InboxEvent.id)
)


def peek(session: Session, row_id: int) -> Taken | None:
    """The row, as a pass takes it, if it still waits to be handled."""
    found = session.execute(
        select(InboxEvent.id, InboxEvent.event, InboxEvent.forms, InboxEvent.reply).where(
            InboxEvent.id == row_id, InboxEvent.status == INBOX_PENDING
        )
    ).first()
    return Taken(*found) if found else None


def finish(session: Session, row_id: int, *, now: datetime) -> bool:
    """Marks the row handled in the caller's transaction if it still waits and no other worker
    holds it (False then): the handling's writes and "done" commit together, and a rollback
    leaves it pending. What the member wrote is dropped, the key stays to recognise retries.
    One statement, claim and "done" at once: the row's lock lasts until the commit, so another
    worker skips it (PostgreSQL) or waits for it (SQLite's `BEGIN IMMEDIATE`)."""
    found = session.connection().execute(_FINISH, {"row_id": row_id, "now": now})
    return found.first() is not None


def _finish() -> Any:
    waiting = (
        select(InboxEvent.id)
        .where(InboxEvent.id == bindparam("row_id"), InboxEvent.status == INBOX_PENDING)
        .with_for_update(skip_locked=True)
    )
    return (
        update(InboxEvent)
        .where(InboxEvent.id.in_(waiting))
        .values(
            status=INBOX_DONE,
            handled_at=bindparam("now"),
            event={},
            reply=null(),
            user_external_id=null(),
        )
        .returning(InboxEvent.id)
    )


_FINISH = _finish()


def note_failure(session: Session, *, row_id: int, error: str, now: datetime) -> None:
    """One more attempt failed: next one after an exponential backoff (1 s … 5 min)."""
    row = session.get(InboxEvent, row_id)
    if row is None or row.status != INBOX_PENDING:
        return
    row.attempts += 1
    row.last_error = error[:500]
    row.next_attempt_at = now + timedelta(seconds=min(300, 2 ** min(row.attempts - 1, 9)))
    if row.attempts >= MAX_ATTEMPTS:
        row.status = INBOX_FAILED
        row.reply = None


@dataclass(frozen=True)
class Taken:
    """A due row as a worker's pass took it: what handling it needs."""

    id: int
    event: dict[str, Any]
    forms: bool
    reply: dict[str, str] | None


def take_due(session: Session, *, now: datetime, limit: int = 50) -> list[Taken]:
    """Rows due now, leased to the caller (pushed `LEASE` ahead) so that another worker's pass
    skips them; `finish` still decides who handles each. Rows another worker is leasing right
    now are skipped (PostgreSQL; SQLite's `BEGIN IMMEDIATE` serialises). They come with their
    content, so a pass reads each row once."""
    due = (
        select(InboxEvent.id)
        .where(InboxEvent.status == INBOX_PENDING, InboxEvent.next_attempt_at <= now)
        .order_by(InboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    taken = session.connection().execute(
        update(InboxEvent)
        .where(InboxEvent.id.in_(due))
        .values(next_attempt_at=now + LEASE)
        .returning(InboxEvent.id, InboxEvent.event, InboxEvent.forms, InboxEvent.reply)
    )
    return sorted((Taken(*row) for row in taken), key=lambda row: row.id)


def forget_handled_before(session: Session, *, cutoff: datetime) -> int:
    result = session.execute(
        delete(InboxEvent).where(
            InboxEvent.status != INBOX_PENDING, InboxEvent.received_at < cutoff
        )
    )
    return int(getattr(result, "rowcount", 0))
