"""The author's own changes: editing until the first support or comment, and withdrawing.

Once someone has supported or commented, the words they reacted to must stay as they were;
the author can still withdraw the idea, with a reason, possibly in favour of another one.
"""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas import card, similar
from handlers.ideas.common import check_text, command_name, live_idea, registry
from handlers.ideas.lifecycle import successor
from handlers.ideas.notify import announce
from handlers.ideas.proposing import FIELDS, proposal_form
from handlers.ideas.statuses import label
from handlers.registry import Args
from handlers.types import Action, FormSubmission, OpenForm, TextEvent
from store import audit
from store.ideas import participation, records
from store.models import Idea
from store.models.ideas import AWAITING_DECISION, PUBLISHED, WITHDRAWN

REASON_LIMIT = 1000
_COLUMNS = {
    "titre": "title",
    "probleme": "problem",
    "proposition": "proposal",
    "gain": "gain",
    "perimetre": "scope",
}


def _editable(ctx: Context, number: int) -> Idea:
    idea = live_idea(ctx, number)
    if idea.author_id != ctx.caller.id:
        raise UsageError("ideas.edit.not_author", number=idea.id)
    if idea.status != PUBLISHED:
        raise UsageError("ideas.edit.decided", number=idea.id, status=label(ctx.t, idea.status))
    if participation.support_count(ctx.session, idea) or participation.comment_count(
        ctx.session, idea, by_others_only=True
    ):
        raise UsageError("ideas.edit.locked", number=idea.id, command=command_name(ctx.settings))
    return idea


def _apply(ctx: Context, idea: Idea, changes: dict[str, str]) -> list[Action]:
    for name, value in changes.items():
        setattr(idea, _COLUMNS[name], check_text(ctx, name, value, limit=FIELDS[name]))
    idea.updated_at = ctx.now()
    ctx.session.flush()
    similar.index(ctx, idea)
    return [
        card.refresh(ctx.session, idea, ctx.settings),
        *ctx.say("ideas.edit.done", number=idea.id),
    ]


def edit_verb(ctx: Context, number: int, new_title: str, args: Args) -> list[Action]:
    """`idee <n> modifier ["nouveau titre"] [--probleme …]`; with nothing given, the form."""
    idea = _editable(ctx, number)
    changes = {name: args[name] for name in FIELDS if name != "titre" and args.get(name)}
    if new_title:
        changes["titre"] = new_title
    if changes:
        return _apply(ctx, idea, changes)
    if ctx.capabilities.forms and isinstance(ctx.event, TextEvent):
        current = {name: getattr(idea, column) for name, column in _COLUMNS.items()}
        form = proposal_form(ctx, current).model_copy(
            update={
                "form_id": "idea.edit",
                "private_metadata": str(idea.id),
                "title": ctx.t("ideas.form.edit_title"),
            }
        )
        form = form.model_copy(update={"fields": tuple(f for f in form.fields if f.name in FIELDS)})
        return [
            OpenForm(
                user_id=ctx.event.user_id,
                channel_id=ctx.event.channel_id,
                form=form,
                trigger_id=getattr(ctx.event, "trigger_id", None),
            )
        ]
    raise UsageError("ideas.edit.nothing", number=idea.id, command=command_name(ctx.settings))


@registry.form("idea.edit")
def submit_edit(ctx: Context, submission: FormSubmission) -> list[Action]:
    if not is_row_id(submission.private_metadata):
        raise UsageError("core.error.unknown_action")
    idea = _editable(ctx, int(submission.private_metadata))
    changes = {name: submission.values.get(name, "") for name in FIELDS}
    return _apply(ctx, idea, changes)


def withdraw_verb(ctx: Context, number: int, reason: str, in_favour_of: int | None) -> list[Action]:
    """`idee <n> retirer "raison" [--au-profit-de <m>]`: the author (or staff) withdraws."""
    idea = live_idea(ctx, number)
    if idea.author_id != ctx.caller.id and not ctx.has_role("staff"):
        raise UsageError("ideas.withdraw.not_author", number=idea.id)
    if idea.status not in AWAITING_DECISION:
        raise UsageError(
            "ideas.withdraw.too_late", number=idea.id, status=label(ctx.t, idea.status)
        )
    text = check_text(ctx, "raison", reason, limit=REASON_LIMIT)
    if in_favour_of is not None:
        idea.successor_id = successor(ctx, idea, in_favour_of, option="--au-profit-de").id
    previous = idea.status
    change = records.record_status_change(
        ctx.session, idea=idea, actor=ctx.caller, to_status=WITHDRAWN, answer=text, now=ctx.now()
    )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.status",
        target=f"idea:{idea.id}",
        detail=f"{previous}->{WITHDRAWN}",
        now=ctx.now(),
    )
    return [*announce(ctx, idea, change), *ctx.say("ideas.withdraw.done", number=idea.id)]
