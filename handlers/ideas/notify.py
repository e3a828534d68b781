"""Telling people about a status change: the card, the thread, and a direct message to the
author, supporters and followers, each in their own language."""

from __future__ import annotations

from handlers.context import Context
from handlers.i18n import Translator
from handlers.ideas import card
from handlers.ideas.common import command_name, public_t
from handlers.ideas.statuses import label
from handlers.text import mention, quote_user
from handlers.types import Action, DirectMessageAction, Message, Post
from store.ideas import participation
from store.models import Idea, IdeaStatusChange, User


def _successor_line(t: Translator, idea: Idea) -> str:
    if idea.successor_id is None:
        return ""
    return "\n" + t(f"ideas.card.successor.{idea.status}", number=idea.successor_id)


def _direct(ctx: Context, idea: Idea, change: IdeaStatusChange, user: User) -> DirectMessageAction:
    t = ctx.translator_for(user)
    role = "author" if user.id == idea.author_id else "other"
    text = t(
        f"ideas.notify.{role}",
        number=idea.id,
        title=quote_user(idea.title),
        status=label(t, change.to_status),
        answer=quote_user(change.answer),
        actor=mention(ctx.caller.external_id),
    )
    where = t(
        "ideas.notify.where",
        channel=idea.campaign.channel_id,
        number=idea.id,
        command=command_name(ctx.settings),
    )
    return DirectMessageAction(
        key=f"ideas:{idea.id}:status:{change.id}:dm:{user.id}",
        user_id=user.external_id,
        message=Message(text=text + _successor_line(t, idea) + "\n" + where),
    )


def announce(ctx: Context, idea: Idea, change: IdeaStatusChange) -> list[Action]:
    """The updated card, the answer in the thread, and the direct messages."""
    t = public_t(ctx.settings)
    in_thread = Post(
        key=f"ideas:{idea.id}:status:{change.id}",
        channel_id=idea.campaign.channel_id,
        thread_key=card.root_key(idea),
        message=Message(
            text=t(
                "ideas.thread.status",
                status=label(t, change.to_status),
                answer=quote_user(change.answer),
                actor=mention(ctx.caller.external_id),
            )
            + _successor_line(t, idea)
        ),
    )
    people = [
        user for user in participation.interested(ctx.session, idea) if user.id != ctx.caller.id
    ]
    return [
        card.refresh(ctx.session, idea, ctx.settings),
        in_thread,
        *(_direct(ctx, idea, change, user) for user in people),
    ]
