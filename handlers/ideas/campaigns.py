"""Campaigns: staff open a call for ideas in a channel until a date, extend it, close it.

Without a campaign, ideas go to the permanent idea box, which never closes.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas.common import command_name, ideas_channel, public_t, registry, today
from handlers.ideas.digest import schedule_digest
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, Message, Post, Section
from store import audit
from store.ideas import campaigns, figures
from store.models import IdeaCampaign

_TITLE_LIMIT = 150


def show_date(value: date, locale: str) -> str:
    return format_date(value, format="long", locale=locale)


def permanent_box(ctx: Context) -> IdeaCampaign:
    box = campaigns.permanent_box(
        ctx.session,
        workspace=ctx.workspace,
        channel_id=ideas_channel(ctx.settings),
        title=public_t(ctx.settings)("ideas.campaign.box_title"),
        now=ctx.now(),
    )
    schedule_digest(ctx.session, workspace=ctx.workspace, now=ctx.now())
    return box


BOX_WORDS = frozenset({"boite", "boîte", "box", "0"})
"""What `--campagne` accepts for the permanent box, whose number differs per workspace."""


def target_campaign(ctx: Context, chosen: str | int | None) -> IdeaCampaign:
    """Where a new idea goes: the campaign named (or `boite`), else the one run in this
    channel, else the permanent box. A closed campaign refuses, saying where to go instead."""
    if chosen is None:
        campaign = campaigns.latest_in_channel(
            ctx.session, workspace=ctx.workspace, channel_id=ctx.event.channel_id
        ) or permanent_box(ctx)
    elif str(chosen).lower() in BOX_WORDS:
        campaign = permanent_box(ctx)
    elif is_row_id(str(chosen)):
        campaign = _campaign(ctx, int(chosen))
    else:
        raise UsageError(
            "ideas.campaign.unknown", number=str(chosen)[:40], command=command_name(ctx.settings)
        )
    if not campaigns.accepts_ideas(campaign, today=today(ctx)):
        raise UsageError(
            "ideas.campaign.closed",
            title=quote_user(campaign.title),
            command=command_name(ctx.settings),
        )
    return campaign


def _campaign(ctx: Context, number: int) -> IdeaCampaign:
    campaign = campaigns.get(ctx.session, workspace=ctx.workspace, number=number)
    if campaign is None:
        raise UsageError(
            "ideas.campaign.unknown", number=number, command=command_name(ctx.settings)
        )
    return campaign


def _changeable(ctx: Context, number: int) -> IdeaCampaign:
    campaign = _campaign(ctx, number)
    if campaign.permanent:
        raise UsageError("ideas.campaign.permanent")
    if campaign.status != "open":
        raise UsageError("ideas.campaign.already_closed", title=quote_user(campaign.title))
    return campaign


def _future(ctx: Context, until: date | None) -> date | None:
    if until is not None and until < today(ctx):
        raise UsageError("ideas.campaign.past_date", date=until.isoformat())
    return until


@registry.command(
    "campagne ouvrir",
    aliases=("campaign open",),
    help="ideas.help.campagne_ouvrir",
    role="staff",
    args=(
        Arg("titre", kind="text"),
        Arg("jusqu-au", kind="date", option=True, required=False, aliases=("until",)),
        Arg("canal", kind="channel", option=True, required=False, aliases=("channel",)),
        Arg("theme", kind="text", option=True, required=False, aliases=("topic",)),
    ),
)
def open_campaign(ctx: Context, args: Args) -> list[Action]:
    title = args["titre"].strip()
    if len(title) > _TITLE_LIMIT:
        raise UsageError(
            "ideas.error.too_long",
            field=ctx.t("ideas.field.titre"),
            limit=_TITLE_LIMIT,
            length=len(title),
        )
    theme = (args["theme"] or "").strip() or None
    campaign = campaigns.create(
        ctx.session,
        workspace=ctx.workspace,
        title=title,
        channel_id=args["canal"] or ctx.event.channel_id,
        closes_on=_future(ctx, args["jusqu-au"]),
        theme=theme[:200] if theme else None,
        by=ctx.caller,
        now=ctx.now(),
    )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.campaign.open",
        target=f"campaign:{campaign.id}",
        detail=title,
        now=ctx.now(),
    )
    schedule_digest(ctx.session, workspace=ctx.workspace, now=ctx.now())
    return [
        Post(
            key=f"ideas:campaign:{campaign.id}:open",
            channel_id=campaign.channel_id,
            message=_announcement(ctx, campaign),
        ),
        *ctx.say(
            "ideas.campaign.opened",
            number=campaign.id,
            title=quote_user(title),
            channel=campaign.channel_id,
        ),
    ]


def _announcement(ctx: Context, campaign: IdeaCampaign) -> Message:
    t = public_t(ctx.settings)
    lines = [t("ideas.campaign.announce", title=quote_user(campaign.title), number=campaign.id)]
    if campaign.theme:
        lines.append(t("ideas.campaign.theme", theme=quote_user(campaign.theme)))
    if campaign.closes_on:
        lines.append(t("ideas.campaign.until", date=show_date(campaign.closes_on, t.locale)))
    lines.append(t("ideas.campaign.how", command=command_name(ctx.settings)))
    return Message(text="\n".join(lines))


@registry.command(
    "campagne prolonger",
    aliases=("campaign extend",),
    help="ideas.help.campagne_prolonger",
    role="staff",
    args=(
        Arg("campagne", kind="int"),
        Arg("jusqu-au", kind="date", option=True, aliases=("until",)),
    ),
)
def extend_campaign(ctx: Context, args: Args) -> list[Action]:
    campaign = _changeable(ctx, args["campagne"])
    until = _future(ctx, args["jusqu-au"])
    assert until is not None
    if campaign.closes_on is not None and until <= campaign.closes_on:
        raise UsageError("ideas.campaign.not_later", date=campaign.closes_on.isoformat())
    campaign.closes_on = until
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.campaign.extend",
        target=f"campaign:{campaign.id}",
        detail=until.isoformat(),
        now=ctx.now(),
    )
    t = public_t(ctx.settings)
    return [
        Post(
            key=f"ideas:campaign:{campaign.id}:extend:{until.isoformat()}",
            channel_id=campaign.channel_id,
            message=Message(
                text=t(
                    "ideas.campaign.extended_notice",
                    title=quote_user(campaign.title),
                    date=show_date(until, t.locale),
                )
            ),
        ),
        *ctx.say(
            "ideas.campaign.extended", number=campaign.id, date=show_date(until, ctx.t.locale)
        ),
    ]


@registry.command(
    "campagne fermer",
    aliases=("campaign close",),
    help="ideas.help.campagne_fermer",
    role="staff",
    args=(Arg("campagne", kind="int"),),
)
def close_campaign(ctx: Context, args: Args) -> list[Action]:
    campaign = _changeable(ctx, args["campagne"])
    campaigns.close(campaign, now=ctx.now())
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.campaign.close",
        target=f"campaign:{campaign.id}",
        now=ctx.now(),
    )
    counted = figures.figures(ctx.session, workspace=ctx.workspace, campaign=campaign)
    t = public_t(ctx.settings)
    notice = t(
        "ideas.campaign.closed_notice",
        title=quote_user(campaign.title),
        proposals=counted.proposals,
        supports=counted.supports,
        participants=counted.participants,
    )
    return [
        Post(
            key=f"ideas:campaign:{campaign.id}:close",
            channel_id=campaign.channel_id,
            message=Message(text=notice),
        ),
        *ctx.say(
            "ideas.campaign.closed_done", number=campaign.id, title=quote_user(campaign.title)
        ),
    ]


def _state(ctx: Context, campaign: IdeaCampaign) -> str:
    if not campaigns.accepts_ideas(campaign, today=today(ctx)):
        return ctx.t("ideas.campaign.state.closed")
    if campaign.closes_on is None:
        return ctx.t("ideas.campaign.state.open")
    return ctx.t(
        "ideas.campaign.state.open_until", date=show_date(campaign.closes_on, ctx.t.locale)
    )


@registry.command("campagnes", aliases=("campaigns", "campagne liste"), help="ideas.help.campagnes")
def list_campaigns(ctx: Context, args: Args) -> list[Action]:
    permanent_box(ctx)
    sections = []
    for campaign in campaigns.listing(ctx.session, workspace=ctx.workspace):
        counted = figures.figures(ctx.session, workspace=ctx.workspace, campaign=campaign)
        state = _state(ctx, campaign)
        sections.append(
            Section(
                title=ctx.t(
                    "ideas.campaign.item", number=campaign.id, title=quote_user(campaign.title)
                ),
                body=state,
                fields=(
                    (ctx.t("ideas.stats.proposals"), str(counted.proposals)),
                    (ctx.t("ideas.stats.supports"), str(counted.supports)),
                ),
            )
        )
    return [ctx.reply(Message(text=ctx.t("ideas.campaign.list_title"), sections=tuple(sections)))]
