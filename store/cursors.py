"""Reading and advancing stream cursors; a cursor only moves forward."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import StreamCursor


def position(session: Session, name: str) -> int | None:
    return session.scalar(select(StreamCursor.position).where(StreamCursor.name == name))


def advance(session: Session, *, name: str, to: int, now: datetime) -> None:
    insert = dialect_insert(session)
    session.execute(
        insert(StreamCursor)
        .values(name=name, position=to, updated_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    session.execute(
        update(StreamCursor)
        .where(StreamCursor.name == name, StreamCursor.position < to)
        .values(position=to, updated_at=now)
    )


def token(session: Session, name: str) -> str | None:
    """The opaque position of a stream whose server hands out tokens (Matrix `next_batch`)."""
    return session.scalar(select(StreamCursor.token).where(StreamCursor.name == name))


def save_token(session: Session, *, name: str, token: str, now: datetime) -> None:
    """Tokens cannot be compared, so the latest saved wins; one process owns the stream."""
    insert = dialect_insert(session)
    session.execute(
        insert(StreamCursor)
        .values(name=name, position=0, token=token, updated_at=now)
        .on_conflict_do_update(index_elements=["name"], set_={"token": token, "updated_at": now})
    )
