"""The member's own side of idea threads: their ideas on the home page, and their data
declared to the privacy feature (`/relais mes-donnees`, `/relais oubliez-moi`)."""

from __future__ import annotations

from handlers.home import HomeContext
from handlers.ideas.common import command_name, registry
from handlers.ideas.statuses import label
from handlers.text import quote_user
from handlers.types import Section
from store.ideas import personal, records

_SHOWN = 5


@registry.home(order=40)
def my_ideas(ctx: HomeContext) -> list[Section]:
    mine = [
        (idea, supports)
        for idea, supports in records.listing(
            ctx.session, workspace=ctx.workspace, include_hidden=True
        )
        if idea.author_id == ctx.caller.id
    ]
    if not mine:
        return []
    lines = [
        ctx.t.plural(
            "ideas.list.line",
            supports,
            number=idea.id,
            title=quote_user(idea.title, limit=80),
            status=label(ctx.t, idea.status),
        )
        for idea, supports in mine[:_SHOWN]
    ]
    return [
        Section(
            title=ctx.t("ideas.home.title"),
            body="\n".join(lines)
            + "\n"
            + ctx.t("ideas.home.hint", command=command_name(ctx.settings)),
        )
    ]


registry.personal_data(
    "ideas",
    export=personal.export,
    erase=personal.erase,
    stores={
        "idea_campaigns": ("created_by",),
        "ideas": ("author_id", "rapporteur_id"),
        "idea_comments": ("author_id",),
        "idea_notes": ("author_id",),
        "idea_reports": ("reporter_id",),
        "idea_status_changes": ("actor_id",),
        "idea_supports": ("user_id",),
        "idea_followers": ("user_id",),
    },
)
