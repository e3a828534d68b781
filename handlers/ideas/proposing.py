"""Proposing an idea: the form, the checks, similar ideas first, then the card in the channel.

A submitted idea is first kept as a draft. When similar ideas exist, the author sees them and
chooses: support one of them instead, publish anyway, or drop the draft. Otherwise it is
published at once as the root message of its own thread.
"""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas import card, similar
from handlers.ideas.campaigns import target_campaign
from handlers.ideas.common import check_text, command_name, registry
from handlers.ideas.supports import support
from handlers.registry import Args
from handlers.text import quote_user
from handlers.types import (
    Action,
    Button,
    ButtonPress,
    Form,
    FormField,
    Message,
    OpenForm,
    Option,
    Section,
    TextEvent,
)
from store.ideas import campaigns, records
from store.models import Idea
from store.models.ideas import DRAFT, PUBLISHED

FIELDS: dict[str, int] = {
    "titre": 150,
    "probleme": 2000,
    "proposition": 2000,
    "gain": 1000,
    "perimetre": 200,
}
"""Each field of an idea and its longest accepted length."""
_TEXTAREAS = ("probleme", "proposition", "gain")


def proposal_form(ctx: Context, args: Args) -> Form:
    """The form shown by `/relais idee` without arguments, prefilled with what was typed."""
    fields = [
        FormField(
            name=name,
            label=ctx.t(f"ideas.field.{name}"),
            kind="textarea" if name in _TEXTAREAS else "text",
            max_length=limit,
            initial=(args.get(name) or None),
            hint=ctx.t(f"ideas.hint.{name}"),
        )
        for name, limit in FIELDS.items()
    ]
    choices = _campaign_options(ctx)
    if len(choices) > 1:
        fields.append(
            FormField(
                name="campagne",
                label=ctx.t("ideas.field.campagne"),
                kind="select",
                required=False,
                options=choices,
            )
        )
    return Form(
        form_id="cmd:idee",
        title=ctx.t("ideas.form.title"),
        fields=tuple(fields),
        submit_label=ctx.t("ideas.form.submit"),
    )


def _campaign_options(ctx: Context) -> tuple[Option, ...]:
    today = ctx.now().astimezone(ctx.zone).date()
    return tuple(
        Option(value=str(c.id), label=quote_user(c.title, limit=70))
        for c in campaigns.open_ones(ctx.session, workspace=ctx.workspace)
        if campaigns.accepts_ideas(c, today=today)
    )


def propose(ctx: Context, args: Args) -> list[Action]:
    """Checks every field, then keeps a draft and shows similar ideas, or publishes."""
    given = {name: str(args.get(name) or "").strip() for name in FIELDS}
    missing = [name for name, value in given.items() if not value]
    if missing and ctx.capabilities.forms and isinstance(ctx.event, TextEvent):
        form = proposal_form(ctx, given)
        return [
            OpenForm(
                user_id=ctx.event.user_id,
                channel_id=ctx.event.channel_id,
                form=form,
                trigger_id=getattr(ctx.event, "trigger_id", None),
            )
        ]
    if missing:
        raise UsageError(
            "ideas.propose.missing",
            fields=", ".join(ctx.t(f"ideas.field.{name}") for name in missing),
            command=command_name(ctx.settings),
            form_field=missing[0],
        )
    values = {
        name: check_text(ctx, name, given[name], limit=limit) for name, limit in FIELDS.items()
    }
    campaign = target_campaign(ctx, args.get("campagne"))
    draft = records.create(
        ctx.session,
        campaign=campaign,
        author=ctx.caller,
        title=values["titre"],
        problem=values["probleme"],
        proposal=values["proposition"],
        gain=values["gain"],
        scope=values["perimetre"],
        now=ctx.now(),
    )
    close = similar.find(ctx, draft)
    if close:
        return [ctx.reply(_similar_message(ctx, draft, close))]
    return publish(ctx, draft)


def _similar_message(ctx: Context, draft: Idea, close: list[similar.Similar]) -> Message:
    sections = tuple(
        Section(
            title=ctx.t(
                "ideas.similar.item", number=found.idea.id, title=quote_user(found.idea.title)
            ),
            body=quote_user(found.snippet, limit=200),
            fields=((ctx.t("ideas.card.supports"), str(found.supports)),),
            buttons=(
                Button(
                    action_id="idea.instead",
                    label=ctx.t("ideas.button.support_this", number=found.idea.id),
                    value=f"{draft.id}:{found.idea.id}",
                ),
            ),
        )
        for found in close
    )
    return Message(
        text=ctx.t("ideas.similar.intro", title=quote_user(draft.title)),
        sections=sections,
        buttons=(
            Button(
                action_id="idea.publish",
                label=ctx.t("ideas.button.publish_anyway"),
                value=str(draft.id),
                style="primary",
            ),
            Button(
                action_id="idea.discard", label=ctx.t("ideas.button.discard"), value=str(draft.id)
            ),
        ),
    )


def publish(ctx: Context, idea: Idea) -> list[Action]:
    now = ctx.now()
    idea.status = PUBLISHED
    idea.published_at = now
    idea.updated_at = now
    ctx.session.flush()
    similar.index(ctx, idea)
    return [
        card.root_post(ctx.session, idea, ctx.settings),
        ctx.reply(
            ctx.t(
                "ideas.propose.published",
                number=idea.id,
                title=quote_user(idea.title),
                channel=idea.campaign.channel_id,
                command=command_name(ctx.settings),
            )
        ),
    ]


def _own_draft(ctx: Context, value: str) -> Idea:
    draft = records.by_id(ctx.session, int(value)) if is_row_id(value) else None
    if (
        draft is None
        or draft.status != DRAFT
        or draft.author_id != ctx.caller.id
        or draft.workspace_id != ctx.workspace.id
    ):
        raise UsageError("ideas.draft.gone")
    return draft


@registry.button("idea.publish")
def press_publish(ctx: Context, press: ButtonPress) -> list[Action]:
    draft = _own_draft(ctx, press.value)
    target_campaign(ctx, draft.campaign_id)
    return publish(ctx, draft)


@registry.button("idea.discard")
def press_discard(ctx: Context, press: ButtonPress) -> list[Action]:
    draft = _own_draft(ctx, press.value)
    records.delete_draft(ctx.session, draft)
    return ctx.say("ideas.draft.discarded")


@registry.button("idea.instead")
def press_support_instead(ctx: Context, press: ButtonPress) -> list[Action]:
    """Supports the similar idea and drops the draft, in one step."""
    draft_value, _, target = press.value.partition(":")
    draft = _own_draft(ctx, draft_value)
    if not is_row_id(target):
        raise UsageError("core.error.unknown_action")
    records.delete_draft(ctx.session, draft)
    actions = support(ctx, int(target))
    return [*actions, *ctx.say("ideas.draft.replaced")]
