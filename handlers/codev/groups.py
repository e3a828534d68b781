"""Creating a group (4 to 8 peers, a coach, a channel) and looking at it.

The channel should be private: the bot says so when the platform reports it public (or cannot
tell). Creating the group posts the charter there for the members to accept.
"""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev.access import GROUP_ARG, find_group, require_member, scope, scoped_reply
from handlers.codev.charter import charter_message, invitation
from handlers.codev.feature import registry
from handlers.codev.formatting import clean, clock_time, day, quoted
from handlers.codev.keys import group_prefix
from handlers.codev.method import FORMATS, MAX_MEMBERS, MIN_MEMBERS, minutes_for
from handlers.codev.rotation import not_yet_client
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import mention
from handlers.types import Action, Message, Post, Section
from store import audit, codev, codev_content
from store.models import CodevGroup, User
from store.models.codev import COFACILITATOR

NAME_LIMIT = 120


@registry.command(
    "codev groupe creer",
    aliases=("codev groupe créer", "codev group create"),
    help="codev.help.group_create",
    role="coach",
    args=(
        Arg("nom", kind="text"),
        Arg("membres", kind="users"),
        Arg("canal", kind="channel", option=True, required=False, aliases=("channel",)),
    ),
)
def create_group(ctx: Context, args: Args) -> list[Action]:
    name = " ".join(clean(args["nom"]).split())
    if len(name) > NAME_LIMIT:
        raise UsageError("codev.group.name_too_long", limit=NAME_LIMIT)
    users = _distinct(args["membres"])
    if any(user.id == ctx.caller.id for user in users):
        raise UsageError("codev.group.coach_listed")
    if not MIN_MEMBERS <= len(users) <= MAX_MEMBERS:
        raise UsageError("codev.group.size", count=len(users), low=MIN_MEMBERS, high=MAX_MEMBERS)
    if codev.group_by_name(ctx.session, workspace=ctx.workspace, name=name) is not None:
        raise UsageError("codev.group.name_taken", name=quoted(name, NAME_LIMIT))
    channel = args["canal"] or ctx.event.channel_id
    if codev.group_by_channel(ctx.session, workspace=ctx.workspace, channel_id=channel):
        raise UsageError("codev.group.channel_taken")
    private = ctx.event.channel_is_private if channel == ctx.event.channel_id else None
    group = codev.create_group(
        ctx.session,
        workspace=ctx.workspace,
        name=name,
        channel_id=channel,
        channel_private=private,
        coach=ctx.caller,
        members=users,
        now=ctx.now(),
    )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="codev.group.create",
        target=f"group:{group.id}",
        now=ctx.now(),
    )
    lines = [ctx.t("codev.group.created", group=quoted(name, NAME_LIMIT), count=len(users))]
    lines.append(privacy_warning(ctx, private))
    charter_post = Post(
        channel_id=channel,
        message=charter_message(ctx.t, group, intro=invitation(ctx.t, group)),
        key=group_prefix(group.id) + "charter",
    )
    return scope(ctx, group, [charter_post, ctx.reply("\n".join(lines))])


def privacy_warning(ctx: Context, private: bool | None) -> str:
    if private is False:
        return ctx.t("codev.privacy.public")
    if private is None:
        return ctx.t("codev.privacy.unknown")
    return ctx.t("codev.privacy.private")


def _distinct(users: list[User]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        seen.setdefault(user.id, user)
    return list(seen.values())


@registry.command(
    "codev groupe", aliases=("codev group",), help="codev.help.group", args=(GROUP_ARG,)
)
def show_group(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_member(ctx, group)
    return scoped_reply(ctx, group, group_message(ctx, group))


def group_message(ctx: Context, group: CodevGroup) -> Message:
    t = ctx.t
    people = []
    for member in group.members:
        if member.role == COFACILITATOR:
            state = t("codev.group.cofacilitator")
        elif member.charter_accepted_at is not None:
            state = t("codev.group.charter_ok")
        else:
            state = t("codev.group.charter_pending")
        people.append(f"- {mention(member.user.external_id)} — {state}")
    waiting = not_yet_client(ctx.session, group)
    rotation = t(
        "codev.group.rotation",
        people=", ".join(mention(m.user.external_id) for m in waiting) or t("common.nobody"),
    )
    settings = [
        t("codev.group.reminders_on" if group.speaking_reminders else "codev.group.reminders_off"),
        *(
            t(
                "codev.group.durations",
                format=t(f"codev.format.{fmt}"),
                minutes=", ".join(str(m) for m in minutes_for(fmt, group.durations)),
            )
            for fmt in FORMATS
        ),
    ]
    settings.extend(_last_rating(ctx, group))
    if group.next_session_at is not None:
        settings.append(
            t(
                "codev.group.next",
                date=day(t, group.next_session_at.astimezone(ctx.zone)),
                time=clock_time(t, group.next_session_at, ctx.zone),
            )
        )
    return Message(
        text=t(
            "codev.group.title",
            group=quoted(group.name, NAME_LIMIT),
            coach=mention(group.coach.external_id),
        ),
        sections=(
            Section(title=t("codev.group.members"), body="\n".join(people)),
            Section(body="\n".join([rotation, *settings])),
        ),
    )


def _last_rating(ctx: Context, group: CodevGroup) -> list[str]:
    """The average rating of the last finished session, for the coach to see how it went."""
    last = codev.last_done_session(ctx.session, group=group)
    scores = codev_content.ratings(ctx.session, row=last) if last is not None else []
    if last is None or not scores:
        return []
    average = f"{sum(scores) / len(scores):.1f}".replace(".", ctx.t("codev.pattern.decimal_mark"))
    return [ctx.t.plural("codev.group.rating", len(scores), number=last.number, average=average)]
