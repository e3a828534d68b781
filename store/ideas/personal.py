"""A member's own idea-thread data, for export and erasure (RGPD).

Erasure keeps every count right: ideas and supports stay, attached to the account that the
privacy feature anonymises, but every text the member wrote (their ideas' fields, comments,
private notes, report details) is emptied and their ideas leave the search index; follows,
which count nothing, are removed; the campaigns they opened no longer name them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from store import search
from store.models import (
    Idea,
    IdeaCampaign,
    IdeaComment,
    IdeaFollower,
    IdeaNote,
    IdeaReport,
    IdeaSupport,
    User,
)
from store.models.ideas import DRAFT, SEARCH_DOC_TYPE


def export(session: Session, user: User) -> dict[str, Any]:
    ideas = session.scalars(
        select(Idea).where(Idea.author_id == user.id, Idea.status != DRAFT).order_by(Idea.id)
    )
    comments = session.scalars(
        select(IdeaComment).where(IdeaComment.author_id == user.id).order_by(IdeaComment.id)
    )
    return {
        "ideas": [
            {
                "number": idea.id,
                "title": idea.title,
                "problem": idea.problem,
                "proposal": idea.proposal,
                "gain": idea.gain,
                "scope": idea.scope,
                "status": idea.status,
                "published_at": idea.published_at.isoformat() if idea.published_at else None,
            }
            for idea in ideas
        ],
        "comments": [
            {"idea": c.idea_id, "text": c.text, "at": c.created_at.isoformat()} for c in comments
        ],
        "supports": _idea_ids(session, IdeaSupport.idea_id, IdeaSupport.user_id, user),
        "follows": _idea_ids(session, IdeaFollower.idea_id, IdeaFollower.user_id, user),
        "reports": [
            {"idea": r.idea_id, "reason": r.reason, "at": r.created_at.isoformat()}
            for r in session.scalars(select(IdeaReport).where(IdeaReport.reporter_id == user.id))
        ],
        "committee_notes": [
            {"idea": n.idea_id, "text": n.text, "at": n.created_at.isoformat()}
            for n in session.scalars(select(IdeaNote).where(IdeaNote.author_id == user.id))
        ],
    }


def _idea_ids(session: Session, idea: Any, owner: Any, user: User) -> list[int]:
    return list(session.scalars(select(idea).where(owner == user.id).order_by(idea)))


def erase(session: Session, user: User) -> None:
    session.execute(delete(Idea).where(Idea.author_id == user.id, Idea.status == DRAFT))
    for idea_id in session.scalars(select(Idea.id).where(Idea.author_id == user.id)):
        search.remove_document(session, doc_type=SEARCH_DOC_TYPE, doc_id=idea_id)
    session.execute(
        update(Idea)
        .where(Idea.author_id == user.id)
        .values(title="", problem="", proposal="", gain="", scope="")
    )
    session.execute(update(IdeaComment).where(IdeaComment.author_id == user.id).values(text=""))
    session.execute(update(IdeaNote).where(IdeaNote.author_id == user.id).values(text=""))
    session.execute(update(IdeaReport).where(IdeaReport.reporter_id == user.id).values(detail=None))
    session.execute(delete(IdeaFollower).where(IdeaFollower.user_id == user.id))
    session.execute(
        update(IdeaCampaign).where(IdeaCampaign.created_by == user.id).values(created_by=None)
    )
    session.flush()
