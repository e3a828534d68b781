"""Moderation: an idea hidden by reports waits for a moderator (staff), who restores it or
confirms the hiding from the private moderation channel. The author hears each decision, and
each step is written to the audit log."""

from __future__ import annotations

from collections import Counter

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.i18n import Translator
from handlers.ideas import card
from handlers.ideas.common import find_idea, moderation_channel, public_t, registry
from handlers.registry import Args
from handlers.text import mention, quote_user
from handlers.types import (
    Action,
    Button,
    ButtonPress,
    DirectMessageAction,
    Message,
    Post,
    Section,
    UpdatePost,
)
from store import audit
from store.ideas import reports
from store.models import Idea, IdeaReport, User
from store.models.ideas import MODERATION_CONFIRMED, MODERATION_PENDING, MODERATION_RESTORED


def reasons_text(t: Translator, found: list[IdeaReport]) -> str:
    counted = Counter(report.reason for report in found)
    return ", ".join(
        f"{t(f'ideas.report.reason.{reason}')} ×{n}"
        if n > 1
        else t(f"ideas.report.reason.{reason}")
        for reason, n in counted.most_common()
    )


def _decision_buttons(t: Translator, idea: Idea) -> tuple[Button, ...]:
    return (
        Button(
            action_id="idea.moderation.restore",
            label=t("ideas.button.restore", number=idea.id),
            value=str(idea.id),
            style="primary",
        ),
        Button(
            action_id="idea.moderation.confirm",
            label=t("ideas.button.confirm_hidden", number=idea.id),
            value=str(idea.id),
            style="danger",
        ),
    )


def hide(ctx: Context, idea: Idea) -> list[Action]:
    """Hides the idea until a moderator rules; the author hears why."""
    found = reports.open_reports(ctx.session, idea)
    idea.hidden = True
    idea.moderation = MODERATION_PENDING
    idea.updated_at = ctx.now()
    t = public_t(ctx.settings)
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=None,
        action="idea.hide",
        target=f"idea:{idea.id}",
        detail=",".join(r.reason for r in found),
        now=ctx.now(),
    )
    update = card.refresh(ctx.session, idea, ctx.settings)
    author = ctx.session.get_one(User, idea.author_id)
    author_t = ctx.translator_for(author)
    return [
        update,
        Post(
            key=f"ideas:{idea.id}:hidden:{idea.card_version}",
            channel_id=moderation_channel(ctx.settings),
            message=Message(
                text=t(
                    "ideas.moderation.hidden",
                    number=idea.id,
                    title=quote_user(idea.title),
                    count=len(found),
                    reasons=reasons_text(t, found),
                ),
                sections=(Section(body=quote_user(idea.proposal, limit=500)),),
                buttons=_decision_buttons(t, idea),
            ),
        ),
        DirectMessageAction(
            key=f"ideas:{idea.id}:hidden-author:{idea.card_version}",
            user_id=author.external_id,
            message=Message(
                text=author_t(
                    "ideas.moderation.author_hidden",
                    number=idea.id,
                    title=quote_user(idea.title),
                    reasons=reasons_text(author_t, found),
                )
            ),
        ),
    ]


def _pending(ctx: Context, value: str) -> Idea:
    if not is_row_id(value):
        raise UsageError("core.error.unknown_action")
    idea = find_idea(ctx, int(value))
    if idea.moderation != MODERATION_PENDING:
        raise UsageError("ideas.moderation.already_decided", number=idea.id)
    return idea


def _decided(ctx: Context, press: ButtonPress, idea: Idea, key: str) -> list[Action]:
    """Marks the queue message as handled, for the other moderators (only a channel post can
    be replaced; a private listing cannot)."""
    if not press.message_id or press.channel_id != moderation_channel(ctx.settings):
        return []
    t = public_t(ctx.settings)
    return [
        UpdatePost(
            key=f"ideas:{idea.id}:{key}:{idea.card_version}",
            channel_id=press.channel_id,
            message_id=press.message_id,
            message=Message(
                text=t(
                    f"ideas.moderation.{key}",
                    number=idea.id,
                    title=quote_user(idea.title),
                    by=mention(ctx.caller.external_id),
                )
            ),
        )
    ]


@registry.button("idea.moderation.restore", role="staff")
def press_restore(ctx: Context, press: ButtonPress) -> list[Action]:
    idea = _pending(ctx, press.value)
    idea.hidden = False
    idea.moderation = MODERATION_RESTORED
    idea.updated_at = ctx.now()
    reports.resolve(ctx.session, idea, resolution="dismissed")
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.restore",
        target=f"idea:{idea.id}",
        now=ctx.now(),
    )
    author = ctx.session.get_one(User, idea.author_id)
    update = card.refresh(ctx.session, idea, ctx.settings)
    told = DirectMessageAction(
        key=f"ideas:{idea.id}:restored-author:{idea.card_version}",
        user_id=author.external_id,
        message=Message(
            text=ctx.translator_for(author)(
                "ideas.moderation.author_restored", number=idea.id, title=quote_user(idea.title)
            )
        ),
    )
    return [
        update,
        told,
        *_decided(ctx, press, idea, "restored"),
        *ctx.say("ideas.moderation.restore_done", number=idea.id),
    ]


@registry.button("idea.moderation.confirm", role="staff")
def press_confirm(ctx: Context, press: ButtonPress) -> list[Action]:
    idea = _pending(ctx, press.value)
    idea.moderation = MODERATION_CONFIRMED
    idea.updated_at = ctx.now()
    found = reports.open_reports(ctx.session, idea)
    reports.resolve(ctx.session, idea, resolution="upheld")
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.confirm_hidden",
        target=f"idea:{idea.id}",
        now=ctx.now(),
    )
    author = ctx.session.get_one(User, idea.author_id)
    author_t = ctx.translator_for(author)
    told = DirectMessageAction(
        key=f"ideas:{idea.id}:confirmed-author:{idea.card_version}",
        user_id=author.external_id,
        message=Message(
            text=author_t(
                "ideas.moderation.author_confirmed",
                number=idea.id,
                title=quote_user(idea.title),
                reasons=reasons_text(author_t, found),
            )
        ),
    )
    return [
        told,
        *_decided(ctx, press, idea, "confirmed"),
        *ctx.say("ideas.moderation.confirm_done", number=idea.id),
    ]


@registry.command(
    "idees moderation", aliases=("ideas moderation",), help="ideas.help.moderation", role="staff"
)
def moderation_queue(ctx: Context, args: Args) -> list[Action]:
    waiting = reports.awaiting_decision(ctx.session, workspace=ctx.workspace)
    if not waiting:
        return ctx.say("ideas.moderation.empty")
    sections = tuple(
        Section(
            title=ctx.t(
                "ideas.review.item", number=idea.id, title=quote_user(idea.title, limit=80)
            ),
            body=reasons_text(ctx.t, reports.open_reports(ctx.session, idea)),
            buttons=_decision_buttons(ctx.t, idea),
        )
        for idea in waiting
    )
    return [
        ctx.reply(
            Message(text=ctx.t.plural("ideas.moderation.queue", len(waiting)), sections=sections)
        )
    ]
