"""Handing an unanswered question to the community channel, and telling its asker when
someone replies in the thread."""

from __future__ import annotations

from handlers.args import is_row_id
from handlers.context import Context
from handlers.i18n import DEFAULT_LOCALE, Translator
from handlers.projects import cards
from handlers.projects.commands import registry
from handlers.text import quote_user
from handlers.types import Action, ButtonPress, DirectMessageAction, Message, Post, ThreadReply
from store import project_members as members

QUESTION_KEY = "projects:question:"


@registry.button(cards.COMMUNITY)
def community_button(ctx: Context, press: ButtonPress) -> list[Action]:
    """Hands an unanswered question to the community channel, as a post people reply to."""
    channel = ctx.settings.community_channel
    saved = members.question(ctx.session, int(press.value)) if is_row_id(press.value) else None
    if saved is None or saved.workspace_id != ctx.workspace.id:
        return ctx.say("core.error.unknown_action")
    if saved.user_id != ctx.caller.id:
        return ctx.say("projects.community.not_yours")
    if channel is None:
        return ctx.say("projects.community.unavailable")
    if saved.posted_at is not None:
        return ctx.say("projects.community.already")
    saved.posted_at = ctx.now()
    root = f"{QUESTION_KEY}{saved.id}"
    public = Translator(DEFAULT_LOCALE)
    post = Post(
        key=root,
        channel_id=channel,
        message=Message(
            text=public(
                "projects.community.post",
                user=ctx.caller.external_id,
                question=quote_user(saved.text, limit=1000),
            )
        ),
    )
    invite = Post(
        key=f"{root}:invite",
        channel_id=channel,
        thread_key=root,
        message=Message(text=public("projects.community.invite")),
    )
    return [post, invite, *ctx.say("projects.community.posted")]


@registry.thread(QUESTION_KEY)
def community_reply(ctx: Context, reply: ThreadReply, root_key: str) -> list[Action]:
    """Tells the asker that someone answered their question (once per reply)."""
    question_id = root_key.removeprefix(QUESTION_KEY)
    saved = members.question(ctx.session, int(question_id)) if is_row_id(question_id) else None
    if saved is None or saved.user_id == ctx.caller.id:
        return []
    t = ctx.translator_for(saved.user)
    return [
        DirectMessageAction(
            key=f"{root_key}:reply:{reply.message_id}",
            user_id=saved.user.external_id,
            message=Message(
                text=t(
                    "projects.community.replied",
                    user=ctx.caller.external_id,
                    question=quote_user(saved.text, limit=200),
                )
            ),
        )
    ]
