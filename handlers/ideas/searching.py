"""`/relais idees cherche <mots>`: ideas found by the search engine of the past-projects Q&A
(French stemming, accents and typos forgiven), best first, hidden and draft ideas left out."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Select, select

from handlers.args import UsageError
from handlers.context import Context
from handlers.ideas.common import command_name, registry
from handlers.ideas.statuses import label
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, Message, Section
from store import search
from store.ideas import records
from store.models import Idea
from store.models.ideas import DRAFT, SEARCH_DOC_TYPE

SHOWN = 10


@registry.command(
    "idees cherche",
    aliases=("idees chercher", "idees recherche", "ideas search", "ideas find"),
    help="ideas.help.cherche",
    args=(Arg("mots", kind="rest"),),
)
def search_ideas(ctx: Context, args: Args) -> list[Action]:
    words = args["mots"][: search.MAX_QUERY_CHARS]
    if not search.has_terms(words):
        raise UsageError("ideas.search.empty", command=command_name(ctx.settings))
    visible = select(Idea.id).where(
        Idea.workspace_id == ctx.workspace.id,
        Idea.hidden.is_(False),
        Idea.status != DRAFT,
    )
    hits = search.search_documents(
        ctx.session,
        doc_type=SEARCH_DOC_TYPE,
        query=words,
        limit=SHOWN,
        within=cast("Select[tuple[int]]", visible),  # its annotation predates SQLAlchemy 2.1
    )
    sections = []
    for hit in hits:
        idea = records.by_id(ctx.session, hit.doc_id)
        if idea is None:
            continue
        sections.append(
            Section(
                title=ctx.t(
                    "ideas.search.item", number=idea.id, title=quote_user(idea.title, limit=80)
                ),
                body="\n".join([label(ctx.t, idea.status), quote_user(hit.snippet, limit=300)]),
            )
        )
    quoted = quote_user(words, limit=80)
    if not sections:
        return ctx.say("ideas.search.none", words=quoted, command=command_name(ctx.settings))
    title = ctx.t(
        "ideas.search.title",
        count=len(sections),
        words=quoted,
        command=command_name(ctx.settings),
    )
    return [ctx.reply(Message(text=title, sections=tuple(sections)))]
