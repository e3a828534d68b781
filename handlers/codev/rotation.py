"""Client rotation: a cycle ends when every member has been client once.

The members still waiting in the current cycle are those who have been client the fewest
times; the proposal is the first of them, in the order they joined, who accepted the charter.
A member who joins later has been client zero times, so they come up next.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from store import codev
from store.models import CodevGroup, CodevMember


def not_yet_client(session: Session, group: CodevGroup) -> list[CodevMember]:
    members = codev.participants(group)
    if not members:
        return []
    counts = codev.times_client(session, group=group)
    fewest = min(counts.get(m.user_id, 0) for m in members)
    return [m for m in members if counts.get(m.user_id, 0) == fewest]


def propose(session: Session, group: CodevGroup) -> CodevMember | None:
    """The member to propose as client, or None when every candidate still has to accept the
    charter."""
    return next((m for m in not_yet_client(session, group) if m.charter_accepted_at), None)
