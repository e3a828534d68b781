"""The group commit's write awaited in the HTTP server's event loop, on PostgreSQL.

A writer thread cost each acknowledgement two hand-offs between threads, and the web process
about a quarter of its CPU per acknowledgement (bench/slack_ack.py): here the loop sends the
group's one statement on a connection of its own and awaits the answer as it awaits sockets.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.recording import REFUSED, LoopGroupCommit, Outcome, write_with
from store import db, inbox
from store.inbox import Arrival

if TYPE_CHECKING:
    import psycopg

Write = Callable[[Sequence[Arrival]], Awaitable[list[int | None]]]
Refused = tuple[type[Exception], ...]


def held_commit(sessions: sessionmaker[Session]) -> LoopGroupCommit:
    """The group commit of the acknowledgements held in the server's loop; on PostgreSQL (the
    sessions on an engine of their own) its writes are awaited in the loop (`LoopWrites`)."""
    bind = sessions.kw.get("bind")
    if isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        return LoopGroupCommit(write_with(sessions), LoopWrites(bind))
    return LoopGroupCommit(write_with(sessions))


class LoopWrites:
    """Writes on a PostgreSQL connection of each loop's own, kept open. A kept connection that
    failed (the server restarted, or cut it while idle) is replaced and the write tried once
    more on the new one: the insert skips the keys already recorded, so a write that did reach
    the table before the cut is not doubled."""

    def __init__(self, engine: Engine) -> None:
        import psycopg  # PostgreSQL's alone: imported with this module, 10 MB of every process

        self._engine = engine
        self._broken = psycopg.OperationalError
        self._refused: Refused = (*REFUSED, psycopg.DataError, psycopg.IntegrityError)
        self._kept: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Kept] = (
            weakref.WeakKeyDictionary()
        )

    async def outcomes(self, arrivals: Sequence[Arrival]) -> list[Outcome]:
        return await outcomes_in_loop(self._write, arrivals, self._refused)

    async def _write(self, arrivals: Sequence[Arrival]) -> list[int | None]:
        loop = asyncio.get_running_loop()
        kept = self._kept.get(loop)
        if kept is None:
            kept = self._kept[loop] = _Kept()
            weakref.finalize(loop, kept.finish)
        elif kept.connection is not None and not kept.connection.closed:
            try:
                return await inbox.record_in_loop(kept.connection, arrivals)
            except self._broken:
                kept.finish()
        kept.connection = await db.connect_in_loop(self._engine)
        return await inbox.record_in_loop(kept.connection, arrivals)

    def close(self) -> None:
        """Closes the loops' connections (without their loops: closing one sends nothing)."""
        for kept in list(self._kept.values()):
            kept.finish()


class _Kept:
    """A loop's connection, replaced when it fails; finished with its loop (`finalize`, once
    per loop, not once per connection) or by `LoopWrites.close`."""

    __slots__ = ("connection",)

    def __init__(self) -> None:
        self.connection: psycopg.AsyncConnection[Any] | None = None

    def finish(self) -> None:
        if self.connection is not None:
            self.connection.pgconn.finish()


async def outcomes_in_loop(
    write: Write, arrivals: Sequence[Arrival], refused: Refused
) -> list[Outcome]:
    """`outcomes`, for a write awaited in the event loop, which may raise the driver's own
    `refused` errors."""
    try:
        return list(await write(arrivals))
    except refused as error:
        if len(arrivals) == 1:
            return [error]
        return [
            outcome for one in arrivals for outcome in await outcomes_in_loop(write, [one], refused)
        ]
    except BaseException as error:
        return [error] * len(arrivals)
