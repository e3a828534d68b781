"""Stream cursors kept in the store, for adapters that resume a stream (`bot.ports.Cursors`)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from handlers.clock import Clock
from store import cursors


class StoreCursors:
    def __init__(self, *, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def position(self, name: str) -> int | None:
        with self._sessions() as session:
            return cursors.position(session, name)

    def advance(self, name: str, to: int) -> None:
        with self._sessions() as session, session.begin():
            cursors.advance(session, name=name, to=to, now=self._clock.now())
