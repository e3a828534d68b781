"""Similar ideas, through the search engine shared with the past-projects Q&A.

Ideas are indexed when published or edited. Before a new idea goes out, its title and
proposal are searched among the ideas of the same workspace that are still open to support,
so the author may support one of them instead of publishing a duplicate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Select, select

from handlers.context import Context
from store import search
from store.ideas import participation, records
from store.models import Idea
from store.models.ideas import OPEN_TO_SUPPORT, SEARCH_DOC_TYPE

DOC_TYPE = SEARCH_DOC_TYPE
SHOWN = 3
MIN_SCORE = 0.2
"""Below this relevance (0–1), a hit shares a word or two but not the idea."""


@dataclass(frozen=True)
class Similar:
    idea: Idea
    supports: int
    snippet: str


def index(ctx: Context, idea: Idea) -> None:
    search.index_document(
        ctx.session,
        doc_type=DOC_TYPE,
        doc_id=idea.id,
        title=idea.title,
        body="\n".join((idea.problem, idea.proposal, idea.gain, idea.scope)),
    )


def find(ctx: Context, draft: Idea) -> list[Similar]:
    """Up to three supportable ideas close to the draft, best first."""
    candidates = select(Idea.id).where(
        Idea.workspace_id == ctx.workspace.id,
        Idea.status.in_(list(OPEN_TO_SUPPORT)),
        Idea.hidden.is_(False),
        Idea.author_id != ctx.caller.id,
    )
    hits = search.search_documents(
        ctx.session,
        doc_type=DOC_TYPE,
        query=f"{draft.title} {draft.proposal}",
        limit=SHOWN,
        within=cast("Select[tuple[int]]", candidates),  # its annotation predates SQLAlchemy 2.1
        exclude=(draft.id,),
    )
    found = []
    for hit in hits:
        idea = records.by_id(ctx.session, hit.doc_id)
        if idea is not None and hit.score >= MIN_SCORE:
            found.append(Similar(idea, participation.support_count(ctx.session, idea), hit.snippet))
    return found
