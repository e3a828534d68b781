"""Reporting an idea: a member says why (spam, offensive, off topic); the report goes to the
moderators' private channel, and enough distinct reports hide the idea at once."""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas.common import (
    command_name,
    live_idea,
    moderation_channel,
    public_t,
    registry,
    report_threshold,
)
from handlers.ideas.moderation import hide
from handlers.text import mention, quote_user
from handlers.types import (
    Action,
    Button,
    ButtonPress,
    Form,
    FormField,
    FormSubmission,
    Message,
    OpenForm,
    Option,
    Post,
)
from store import audit
from store.ideas import reports
from store.models import Idea
from store.models.ideas import REPORT_REASONS

DETAIL_LIMIT = 500


def _reportable(ctx: Context, number: int) -> Idea:
    idea = live_idea(ctx, number)
    if idea.author_id == ctx.caller.id:
        raise UsageError("ideas.report.own", number=idea.id, command=command_name(ctx.settings))
    return idea


def report_form(ctx: Context, idea: Idea) -> Form:
    return Form(
        form_id="idea.report",
        title=ctx.t("ideas.form.report_title"),
        fields=(
            FormField(
                name="motif",
                label=ctx.t("ideas.field.motif"),
                kind="select",
                options=tuple(
                    Option(value=r, label=ctx.t(f"ideas.report.reason.{r}")) for r in REPORT_REASONS
                ),
            ),
            FormField(
                name="precision",
                label=ctx.t("ideas.field.precision"),
                kind="textarea",
                required=False,
                max_length=DETAIL_LIMIT,
            ),
        ),
        submit_label=ctx.t("ideas.form.report_submit"),
        private_metadata=str(idea.id),
    )


@registry.button("idea.report")
def press_report(ctx: Context, press: ButtonPress) -> list[Action]:
    """Asks for a reason: a form where there are forms, reason buttons elsewhere."""
    if not is_row_id(press.value):
        raise UsageError("core.error.unknown_action")
    idea = _reportable(ctx, int(press.value))
    if ctx.capabilities.forms and press.trigger_id:
        return [
            OpenForm(
                user_id=press.user_id,
                channel_id=press.channel_id,
                form=report_form(ctx, idea),
                trigger_id=press.trigger_id,
            )
        ]
    choices = tuple(
        Button(
            action_id="idea.report.reason",
            label=ctx.t(f"ideas.report.reason.{reason}"),
            value=f"{idea.id}:{reason}",
        )
        for reason in REPORT_REASONS
    )
    return [ctx.reply(Message(text=ctx.t("ideas.report.choose", number=idea.id), buttons=choices))]


@registry.button("idea.report.reason")
def press_reason(ctx: Context, press: ButtonPress) -> list[Action]:
    number, _, reason = press.value.partition(":")
    if not is_row_id(number):
        raise UsageError("core.error.unknown_action")
    return report(ctx, int(number), reason, None)


@registry.form("idea.report")
def submit_report(ctx: Context, submission: FormSubmission) -> list[Action]:
    if not is_row_id(submission.private_metadata):
        raise UsageError("core.error.unknown_action")
    return report(
        ctx,
        int(submission.private_metadata),
        submission.values.get("motif", ""),
        submission.values.get("precision"),
    )


def report(ctx: Context, number: int, reason: str, detail: str | None) -> list[Action]:
    idea = _reportable(ctx, number)
    if reason not in REPORT_REASONS:
        raise UsageError(
            "ideas.report.bad_reason",
            reasons=", ".join(ctx.t(f"ideas.report.reason.{r}") for r in REPORT_REASONS),
        )
    note = (detail or "").strip()[:DETAIL_LIMIT] or None
    added = reports.add(
        ctx.session, idea=idea, reporter=ctx.caller, reason=reason, detail=note, now=ctx.now()
    )
    if added is None:
        raise UsageError("ideas.report.already", number=idea.id)
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.report",
        target=f"idea:{idea.id}",
        detail=reason,
        now=ctx.now(),
    )
    count, threshold = reports.open_count(ctx.session, idea), report_threshold(ctx.settings)
    t = public_t(ctx.settings)
    queued = Post(
        key=f"ideas:{idea.id}:report:{added.id}",
        channel_id=moderation_channel(ctx.settings),
        message=Message(
            text=t(
                "ideas.moderation.reported",
                number=idea.id,
                title=quote_user(idea.title),
                reason=t(f"ideas.report.reason.{reason}"),
                detail=quote_user(note) if note else t("common.not_given"),
                count=count,
                threshold=threshold,
                reporter=mention(ctx.caller.external_id),
            )
        ),
    )
    actions: list[Action] = [queued, *ctx.say("ideas.report.thanks", number=idea.id)]
    if count >= threshold:
        actions[1:1] = hide(ctx, idea)
    return actions
