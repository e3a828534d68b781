"""Changing a group: members in and out, co-facilitators, and deleting it with all its content."""

from __future__ import annotations

from handlers.args import UsageError
from handlers.codev.access import (
    GROUP_ARG,
    find_group,
    group_translator,
    parse_ids,
    require_coach,
    scope,
    scoped_reply,
)
from handlers.codev.charter import charter_message
from handlers.codev.feature import registry
from handlers.codev.formatting import quoted
from handlers.codev.keys import group_prefix
from handlers.codev.method import MAX_MEMBERS, MIN_MEMBERS
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.text import mention
from handlers.types import Action, Button, ButtonPress, Message, Post
from store import audit, codev, due
from store.models import CodevGroup
from store.models.codev import COFACILITATOR, MEMBER


@registry.command(
    "codev groupe ajouter",
    aliases=("codev group add",),
    help="codev.help.group_add",
    args=(Arg("personne", kind="user"), GROUP_ARG),
)
def add_member(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_coach(ctx, group)
    user = args["personne"]
    if user.id == group.coach_id or codev.membership(group, user) is not None:
        raise UsageError("codev.group.already_in", user=mention(user.external_id))
    if len(codev.participants(group)) >= MAX_MEMBERS:
        raise UsageError("codev.group.full", high=MAX_MEMBERS)
    codev.add_member(ctx.session, group=group, user=user, now=ctx.now())
    t = group_translator(ctx, group)
    invite = Post(
        channel_id=group.channel_id,
        message=charter_message(
            t, group, intro=t("codev.group.welcome", user=mention(user.external_id))
        ),
    )
    done = ctx.reply(ctx.t("codev.group.added", user=mention(user.external_id)))
    return scope(ctx, group, [invite, done])


@registry.command(
    "codev groupe retirer",
    aliases=("codev group remove",),
    help="codev.help.group_remove",
    args=(Arg("personne", kind="user"), GROUP_ARG),
)
def remove_member(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_coach(ctx, group)
    user = args["personne"]
    member = codev.membership(group, user)
    if member is None or member.role != MEMBER:
        raise UsageError("codev.group.not_in", user=mention(user.external_id))
    if len(codev.participants(group)) <= MIN_MEMBERS:
        raise UsageError("codev.group.too_small", low=MIN_MEMBERS)
    running = codev.running_session(ctx.session, group=group)
    if running is not None and running.client_id == user.id:
        raise UsageError("codev.group.client_running", user=mention(user.external_id))
    codev.remove_member(ctx.session, member=member)
    return scoped_reply(ctx, group, ctx.t("codev.group.removed", user=mention(user.external_id)))


@registry.command(
    "codev coanimateur",
    aliases=("codev cofacilitator", "codev co-animateur"),
    help="codev.help.cofacilitator",
    args=(
        Arg("personne", kind="user"),
        Arg("retirer", kind="flag", aliases=("remove",)),
        GROUP_ARG,
    ),
)
def cofacilitator(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_coach(ctx, group)
    user = args["personne"]
    member = codev.membership(group, user)
    who = mention(user.external_id)
    if args["retirer"]:
        if member is None or member.role != COFACILITATOR:
            raise UsageError("codev.cofacilitator.not_one", user=who)
        codev.remove_member(ctx.session, member=member)
        return scoped_reply(ctx, group, ctx.t("codev.cofacilitator.removed", user=who))
    if user.id == group.coach_id or member is not None:
        raise UsageError("codev.cofacilitator.already_in", user=who)
    codev.add_member(ctx.session, group=group, user=user, now=ctx.now(), role=COFACILITATOR)
    return scoped_reply(ctx, group, ctx.t("codev.cofacilitator.added", user=who))


@registry.command(
    "codev groupe supprimer",
    aliases=("codev group delete",),
    help="codev.help.group_delete",
    args=(GROUP_ARG, Arg("confirmer", kind="flag", aliases=("confirm",))),
)
def delete_command(ctx: Context, args: Args) -> list[Action]:
    group = find_group(ctx, args["groupe"])
    require_coach(ctx, group)
    if args["confirmer"]:
        return _delete(ctx, group)
    button = Button(
        action_id="codev.group.delete",
        label=ctx.t("codev.group.delete_button"),
        value=str(group.id),
        style="danger",
    )
    text = ctx.t("codev.group.delete_confirm", group=quoted(group.name, 120))
    return [ctx.reply(Message(text=text, buttons=(button,)))]


@registry.button("codev.group.delete")
def delete_button(ctx: Context, press: ButtonPress) -> list[Action]:
    [group_id] = parse_ids(press.value, 1)
    group = ctx.session.get(CodevGroup, group_id)
    if group is None:
        raise UsageError("codev.group.gone")
    require_coach(ctx, group)
    return _delete(ctx, group)


def _delete(ctx: Context, group: CodevGroup) -> list[Action]:
    """Jobs cancelled, outbox copies purged, then every row of the group through cascades."""
    name = quoted(group.name, 120)
    prefix = group_prefix(group.id)
    due.cancel_prefix(ctx.session, prefix=prefix)
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="codev.group.delete",
        target=f"group:{group.id}",
        now=ctx.now(),
    )
    codev.delete_group(ctx.session, group=group, delivery_prefix=prefix)
    return [ctx.reply(ctx.t("codev.group.deleted", group=name))]
