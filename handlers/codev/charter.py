"""The confidentiality charter each member accepts (button or command) before a first session."""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev.access import GROUP_ARG, find_group, parse_ids, require_member, scoped_reply
from handlers.codev.feature import registry
from handlers.codev.formatting import day, quoted
from handlers.context import Context
from handlers.i18n import Translator
from handlers.registry import Args
from handlers.text import mention
from handlers.types import Action, Button, ButtonPress, Message, Section
from store import codev
from store.models import CodevGroup

CHARTER_ITEMS = 5


def charter_message(t: Translator, group: CodevGroup, *, intro: str | None = None) -> Message:
    """The charter with its accept button; `intro` greets the people asked to accept it."""
    rules = "\n".join(t(f"codev.charter.rule.{n}") for n in range(1, CHARTER_ITEMS + 1))
    lines = [t("codev.charter.title", group=quoted(group.name, 120))]
    if intro:
        lines.append(intro)
    button = Button(
        action_id="codev.charter.accept",
        label=t("codev.charter.accept"),
        value=str(group.id),
        style="primary",
    )
    return Message(text="\n".join(lines), sections=(Section(body=rules),), buttons=(button,))


def invitation(t: Translator, group: CodevGroup) -> str:
    people = " ".join(mention(m.user.external_id) for m in codev.participants(group))
    return t("codev.charter.invite", coach=mention(group.coach.external_id), people=people)


@registry.command(
    "codev charte", aliases=("codev charter",), help="codev.help.charter", args=(GROUP_ARG,)
)
def show_charter(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_member(ctx, group)
    return scoped_reply(ctx, group, charter_message(ctx.t, group))


@registry.command(
    "codev charte accepter",
    aliases=("codev charter accept",),
    help="codev.help.charter_accept",
    args=(GROUP_ARG,),
)
def accept_command(ctx: Context, args: Args) -> list[Action]:
    return _accept(ctx, find_group(ctx, args["groupe"]))


@registry.button("codev.charter.accept")
def accept_button(ctx: Context, press: ButtonPress) -> list[Action]:
    [group_id] = parse_ids(press.value, 1)
    group = ctx.session.get(CodevGroup, group_id)
    if group is None:
        raise UsageError("codev.group.gone")
    return _accept(ctx, group)


def _accept(ctx: Context, group: CodevGroup) -> list[Action]:
    member = codev.membership(group, ctx.caller)
    if member is None:
        if group.coach_id == ctx.caller.id:
            raise UsageError("codev.charter.coach")
        raise UsageError("codev.group.not_member", group=quoted(group.name, 120))
    if member.charter_accepted_at is not None:
        when = day(ctx.t, member.charter_accepted_at.astimezone(ctx.zone).date())
        return scoped_reply(ctx, group, ctx.t("codev.charter.already", date=when))
    member.charter_accepted_at = ctx.now()
    ctx.session.flush()
    return scoped_reply(ctx, group, ctx.t("codev.charter.accepted", group=quoted(group.name, 120)))
