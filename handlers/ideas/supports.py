"""Supporting and following ideas: one support per member, retractable, counted from rows.

The author is the author, not a supporter. Supports close when the idea leaves the road to
realisation (not retained, merged, withdrawn, abandoned, done).
"""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas import card
from handlers.ideas.common import live_idea, registry
from handlers.ideas.statuses import label
from handlers.types import Action, Button, ButtonPress, Message
from store.ideas import participation
from store.models import Idea
from store.models.ideas import OPEN_TO_SUPPORT


def _open_to_support(ctx: Context, idea: Idea) -> None:
    if idea.status not in OPEN_TO_SUPPORT:
        raise UsageError("ideas.support.closed", number=idea.id, status=label(ctx.t, idea.status))


def _number(value: str) -> int:
    if not is_row_id(value):
        raise UsageError("core.error.unknown_action")
    return int(value)


def support(ctx: Context, number: int) -> list[Action]:
    idea = live_idea(ctx, number)
    if idea.author_id == ctx.caller.id:
        raise UsageError("ideas.support.own", number=idea.id)
    _open_to_support(ctx, idea)
    if not participation.add_support(ctx.session, idea=idea, user=ctx.caller, now=ctx.now()):
        retract = Button(
            action_id="idea.unsupport", label=ctx.t("ideas.button.unsupport"), value=str(idea.id)
        )
        return [
            ctx.reply(
                Message(text=ctx.t("ideas.support.already", number=idea.id), buttons=(retract,))
            )
        ]
    update = card.refresh(ctx.session, idea, ctx.settings)
    count = participation.support_count(ctx.session, idea)
    return [update, ctx.reply(ctx.t.plural("ideas.support.done", count, number=idea.id))]


def unsupport(ctx: Context, number: int) -> list[Action]:
    idea = live_idea(ctx, number)
    _open_to_support(ctx, idea)
    if not participation.remove_support(ctx.session, idea=idea, user=ctx.caller):
        raise UsageError("ideas.support.none", number=idea.id)
    update = card.refresh(ctx.session, idea, ctx.settings)
    return [update, *ctx.say("ideas.support.removed", number=idea.id)]


def follow(ctx: Context, number: int) -> list[Action]:
    idea = live_idea(ctx, number)
    if not participation.follow(ctx.session, idea=idea, user=ctx.caller, now=ctx.now()):
        stop = Button(
            action_id="idea.unfollow", label=ctx.t("ideas.button.unfollow"), value=str(idea.id)
        )
        return [
            ctx.reply(Message(text=ctx.t("ideas.follow.already", number=idea.id), buttons=(stop,)))
        ]
    return ctx.say("ideas.follow.done", number=idea.id)


def unfollow(ctx: Context, number: int) -> list[Action]:
    idea = live_idea(ctx, number)
    if not participation.unfollow(ctx.session, idea=idea, user=ctx.caller):
        raise UsageError("ideas.follow.none", number=idea.id)
    return ctx.say("ideas.follow.removed", number=idea.id)


@registry.button("idea.support")
def press_support(ctx: Context, press: ButtonPress) -> list[Action]:
    return support(ctx, _number(press.value))


@registry.button("idea.unsupport")
def press_unsupport(ctx: Context, press: ButtonPress) -> list[Action]:
    return unsupport(ctx, _number(press.value))


@registry.button("idea.follow")
def press_follow(ctx: Context, press: ButtonPress) -> list[Action]:
    return follow(ctx, _number(press.value))


@registry.button("idea.unfollow")
def press_unfollow(ctx: Context, press: ButtonPress) -> list[Action]:
    return unfollow(ctx, _number(press.value))
