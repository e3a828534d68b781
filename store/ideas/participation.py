"""Supports, follows, comments and private notes: one row per fact, counts from rows.

Adding a support is an insert that does nothing when the (idea, member) pair exists, so two
clicks at the same instant — in two processes — still leave one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.db import dialect_insert
from store.models import Idea, IdeaComment, IdeaFollower, IdeaNote, IdeaSupport, User

_PairTable = type[IdeaSupport] | type[IdeaFollower]


def _add_pair(
    session: Session, model: _PairTable, *, idea: Idea, user: User, now: datetime
) -> bool:
    """Inserts unless the pair exists; RETURNING says which (an insert's rowcount is -1 on
    PostgreSQL with psycopg)."""
    insert = dialect_insert(session)
    statement = (
        insert(model)
        .values(idea_id=idea.id, user_id=user.id, created_at=now)
        .on_conflict_do_nothing(index_elements=["idea_id", "user_id"])
        .returning(model.id)
    )
    return session.scalar(statement) is not None


def _remove_pair(session: Session, model: _PairTable, *, idea: Idea, user: User) -> bool:
    result = session.execute(
        delete(model).where(model.idea_id == idea.id, model.user_id == user.id)
    )
    return bool(getattr(result, "rowcount", 0))


def _has_pair(session: Session, model: _PairTable, *, idea: Idea, user: User) -> bool:
    found = session.scalar(
        select(model.id).where(model.idea_id == idea.id, model.user_id == user.id)
    )
    return found is not None


def add_support(session: Session, *, idea: Idea, user: User, now: datetime) -> bool:
    """True when this call added the support; False when the member already supported."""
    return _add_pair(session, IdeaSupport, idea=idea, user=user, now=now)


def remove_support(session: Session, *, idea: Idea, user: User) -> bool:
    return _remove_pair(session, IdeaSupport, idea=idea, user=user)


def supports(session: Session, *, idea: Idea, user: User) -> bool:
    return _has_pair(session, IdeaSupport, idea=idea, user=user)


def support_count(session: Session, idea: Idea) -> int:
    return int(session.scalar(select(func.count()).where(IdeaSupport.idea_id == idea.id)) or 0)


def follow(session: Session, *, idea: Idea, user: User, now: datetime) -> bool:
    return _add_pair(session, IdeaFollower, idea=idea, user=user, now=now)


def unfollow(session: Session, *, idea: Idea, user: User) -> bool:
    return _remove_pair(session, IdeaFollower, idea=idea, user=user)


def follows(session: Session, *, idea: Idea, user: User) -> bool:
    return _has_pair(session, IdeaFollower, idea=idea, user=user)


def interested(session: Session, idea: Idea) -> list[User]:
    """The author, supporters and followers, once each: who hears about decisions."""
    supporters = select(IdeaSupport.user_id).where(IdeaSupport.idea_id == idea.id)
    followers = select(IdeaFollower.user_id).where(IdeaFollower.idea_id == idea.id)
    return list(
        session.scalars(
            select(User)
            .where((User.id == idea.author_id) | User.id.in_(supporters) | User.id.in_(followers))
            .order_by(User.id)
        )
    )


def supporters_and_followers(session: Session, idea: Idea) -> list[User]:
    return [user for user in interested(session, idea) if user.id != idea.author_id]


def add_comment(
    session: Session, *, idea: Idea, author: User, text: str, message_id: str | None, now: datetime
) -> IdeaComment:
    comment = IdeaComment(
        idea_id=idea.id, author_id=author.id, text=text, message_id=message_id, created_at=now
    )
    session.add(comment)
    session.flush()
    return comment


def comment_count(session: Session, idea: Idea, *, by_others_only: bool = False) -> int:
    query = select(func.count()).where(IdeaComment.idea_id == idea.id)
    if by_others_only:
        query = query.where(IdeaComment.author_id != idea.author_id)
    return int(session.scalar(query) or 0)


def comment_counts(session: Session, idea_ids: Sequence[int]) -> dict[int, int]:
    rows = session.execute(
        select(IdeaComment.idea_id, func.count())
        .where(IdeaComment.idea_id.in_(list(idea_ids)))
        .group_by(IdeaComment.idea_id)
    )
    return {idea_id: int(n) for idea_id, n in rows}


def add_note(session: Session, *, idea: Idea, author: User, text: str, now: datetime) -> IdeaNote:
    note = IdeaNote(idea_id=idea.id, author_id=author.id, text=text, created_at=now)
    session.add(note)
    session.flush()
    return note


def notes(session: Session, idea: Idea) -> list[tuple[IdeaNote, User]]:
    return [
        (note, user)
        for note, user in session.execute(
            select(IdeaNote, User)
            .join(User, User.id == IdeaNote.author_id)
            .where(IdeaNote.idea_id == idea.id)
            .order_by(IdeaNote.id)
        )
    ]
