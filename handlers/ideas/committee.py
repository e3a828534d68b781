"""The committee's desk: ideas awaiting a decision, and rapporteurs' private notes.

Notes are only ever shown privately to committee members; nothing here posts in a thread.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.context import Context
from handlers.ideas.common import check_text, command_name, find_idea, registry, require_committee
from handlers.ideas.statuses import TYPED, allowed_after, label
from handlers.registry import Arg, Args
from handlers.text import mention, quote_user
from handlers.types import Action, Button, Message, Section
from store.ideas import campaigns, participation, records
from store.models import Idea, IdeaCampaign, User
from store.models.ideas import AWAITING_DECISION

NOTE_LIMIT = 2000
_LISTED = 20


def campaign_or_all(ctx: Context, number: int | None) -> IdeaCampaign | None:
    if number is None:
        return None
    campaign = campaigns.get(ctx.session, workspace=ctx.workspace, number=number)
    if campaign is None:
        raise UsageError(
            "ideas.campaign.unknown", number=number, command=command_name(ctx.settings)
        )
    return campaign


def age(ctx: Context, idea: Idea) -> str:
    days = (ctx.now() - (idea.published_at or idea.created_at)).days
    return ctx.t("ideas.age.today") if days < 1 else ctx.t.plural("ideas.age.days", days)


def _decision_buttons(ctx: Context, idea: Idea) -> tuple[Button, ...]:
    return tuple(
        Button(
            action_id="idea.review",
            label=ctx.t(f"ideas.button.to.{target}", number=idea.id),
            value=f"{idea.id}:{target}",
        )
        for target in allowed_after(idea.status)
        if target in TYPED
    )


@registry.command(
    "idees revue",
    aliases=("ideas review",),
    help="ideas.help.revue",
    role="committee",
    args=(Arg("campagne", kind="int", required=False),),
)
def review(ctx: Context, args: Args) -> list[Action]:
    campaign = campaign_or_all(ctx, args["campagne"])
    waiting = records.listing(
        ctx.session, workspace=ctx.workspace, campaign=campaign, statuses=AWAITING_DECISION
    )
    if not waiting:
        return ctx.say("ideas.review.empty")
    comments = participation.comment_counts(ctx.session, [idea.id for idea, _ in waiting])
    sections = []
    for idea, supports in waiting[:_LISTED]:
        rapporteur = ctx.session.get(User, idea.rapporteur_id) if idea.rapporteur_id else None
        sections.append(
            Section(
                title=ctx.t(
                    "ideas.review.item", number=idea.id, title=quote_user(idea.title, limit=80)
                ),
                body=ctx.t(
                    "ideas.review.line",
                    status=label(ctx.t, idea.status),
                    age=age(ctx, idea),
                    rapporteur=mention(rapporteur.external_id)
                    if rapporteur
                    else ctx.t("common.not_given"),
                ),
                fields=(
                    (ctx.t("ideas.card.supports"), str(supports)),
                    (ctx.t("ideas.stats.comments"), str(comments.get(idea.id, 0))),
                ),
                buttons=_decision_buttons(ctx, idea),
            )
        )
    intro = ctx.t.plural("ideas.review.title", len(waiting), command=command_name(ctx.settings))
    return [ctx.reply(Message(text=intro, sections=tuple(sections)))]


def note_verb(ctx: Context, number: int, text: str) -> list[Action]:
    """`idee <n> note "…"`: a private note for the committee."""
    require_committee(ctx)
    idea = find_idea(ctx, number)
    body = check_text(ctx, "note", text, limit=NOTE_LIMIT)
    participation.add_note(ctx.session, idea=idea, author=ctx.caller, text=body, now=ctx.now())
    return ctx.say("ideas.note.saved", number=idea.id, command=command_name(ctx.settings))


def notes_verb(ctx: Context, number: int) -> list[Action]:
    """`idee <n> notes`: the private notes, to a committee member only."""
    require_committee(ctx)
    idea = find_idea(ctx, number)
    found = participation.notes(ctx.session, idea)
    if not found:
        return ctx.say("ideas.note.none", number=idea.id)
    lines = [
        ctx.t(
            "ideas.note.line",
            author=mention(user.external_id),
            date=note.created_at.astimezone(ctx.zone).strftime("%Y-%m-%d"),
            text=quote_user(note.text),
        )
        for note, user in found
    ]
    return [
        ctx.reply(Message(text=ctx.t("ideas.note.title", number=idea.id) + "\n" + "\n".join(lines)))
    ]
