"""Stream cursors kept in the store, read by adapters that resume a stream
(`bot.ports.Cursors`); `Runtime.handle` moves them with each event."""

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

    def token(self, name: str) -> str | None:
        with self._sessions() as session:
            return cursors.token(session, name)

    def save_token(self, name: str, token: str) -> None:
        with self._sessions() as session, session.begin():
            cursors.save_token(session, name=name, token=token, now=self._clock.now())
