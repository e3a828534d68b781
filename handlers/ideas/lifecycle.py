"""Status changes by the committee: always with a public answer, always announced.

From the review list's buttons (a form asks for the answer) or by command:
`/relais idee 12 statut retenue "Nous l'expérimentons en 2027."`.
"""

from __future__ import annotations

from handlers.args import UsageError, is_row_id
from handlers.context import Context
from handlers.ideas.common import (
    check_text,
    command_name,
    find_idea,
    live_idea,
    registry,
    require_committee,
)
from handlers.ideas.notify import announce
from handlers.ideas.statuses import TYPED, allowed_after, label, parse_status
from handlers.text import mention, quote_user
from handlers.types import (
    Action,
    ButtonPress,
    DirectMessageAction,
    Form,
    FormField,
    FormSubmission,
    Message,
    OpenForm,
)
from store import audit
from store.ideas import records
from store.models import Idea, User
from store.models.ideas import ABANDONED, IN_REVIEW, MERGED, NOT_RETAINED, RETAINED, WITHDRAWN

ANSWER_LIMIT = 2000
DECIDE_PREFIX = "ideas:decide:"
_DEAD_ENDS = (MERGED, WITHDRAWN, NOT_RETAINED, ABANDONED)


def successor(ctx: Context, idea: Idea, number: int | None, *, option: str) -> Idea:
    """The idea another one is merged into or withdrawn for: alive, and not itself."""
    if number is None:
        raise UsageError("ideas.status.needs_target", option=option)
    kept = find_idea(ctx, number)
    if kept.id == idea.id:
        raise UsageError("ideas.status.same_idea")
    if kept.hidden or kept.status in _DEAD_ENDS:
        raise UsageError(
            "ideas.status.bad_target", number=kept.id, status=label(ctx.t, kept.status)
        )
    return kept


def change_status(
    ctx: Context,
    idea: Idea,
    target: str,
    answer: str | None,
    *,
    rapporteur: User | None = None,
    into: int | None = None,
) -> list[Action]:
    require_committee(ctx)
    if target not in allowed_after(idea.status):
        possible = ", ".join(f"`{TYPED[s]}`" for s in allowed_after(idea.status))
        raise UsageError(
            "ideas.status.not_allowed" if possible else "ideas.status.final",
            number=idea.id,
            current=label(ctx.t, idea.status),
            target=label(ctx.t, target),
            possible=possible,
        )
    text = check_text(ctx, "reponse", answer, limit=ANSWER_LIMIT)
    if target == MERGED:
        idea.successor_id = successor(ctx, idea, into, option="--dans").id
    extra: list[Action] = []
    if target == IN_REVIEW:
        chosen = rapporteur or ctx.caller
        idea.rapporteur_id = chosen.id
        if chosen.id != ctx.caller.id:
            extra.append(_rapporteur_message(ctx, idea, chosen))
    previous = idea.status
    change = records.record_status_change(
        ctx.session, idea=idea, actor=ctx.caller, to_status=target, answer=text, now=ctx.now()
    )
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action="idea.status",
        target=f"idea:{idea.id}",
        detail=f"{previous}->{target}",
        now=ctx.now(),
    )
    done = ctx.say("ideas.status.done", number=idea.id, status=label(ctx.t, target))
    return [*announce(ctx, idea, change), *extra, *done]


def _rapporteur_message(ctx: Context, idea: Idea, rapporteur: User) -> DirectMessageAction:
    t = ctx.translator_for(rapporteur)
    return DirectMessageAction(
        key=f"ideas:{idea.id}:rapporteur:{rapporteur.id}:{idea.card_version}",
        user_id=rapporteur.external_id,
        message=Message(
            text=t(
                "ideas.status.rapporteur",
                number=idea.id,
                title=quote_user(idea.title),
                by=mention(ctx.caller.external_id),
                command=command_name(ctx.settings),
            )
        ),
    )


def status_verb(
    ctx: Context, number: int, rest: str, *, rapporteur: User | None, into: int | None
) -> list[Action]:
    """`idee <n> statut <état> "réponse"`; `non retenue` may be typed as two words."""
    require_committee(ctx)
    words = rest.split()
    if not words:
        raise UsageError("ideas.status.usage", command=command_name(ctx.settings), number=number)
    target, used = None, 1
    if len(words) > 1:
        target, used = parse_status(" ".join(words[:2])), 2
    if target is None:
        target, used = parse_status(words[0]), 1
    if target is None:
        raise UsageError(
            "ideas.status.unknown",
            word=words[0][:40],
            known=", ".join(f"`{w}`" for w in TYPED.values()),
        )
    idea = live_idea(ctx, number)
    return change_status(
        ctx, idea, target, " ".join(words[used:]), rapporteur=rapporteur, into=into
    )


def decide_verb(ctx: Context, number: int, answer: str, *, retain: bool) -> list[Action]:
    """`idee 12 retenir "réponse"` / `idee 12 refuser "réponse"`: the decision in one step,
    from a published idea or one under review."""
    require_committee(ctx)
    idea = live_idea(ctx, number)
    return change_status(ctx, idea, RETAINED if retain else NOT_RETAINED, answer)


def status_form(ctx: Context, idea: Idea, target: str) -> Form:
    fields = [
        FormField(
            name="reponse",
            label=ctx.t("ideas.field.reponse"),
            kind="textarea",
            max_length=ANSWER_LIMIT,
            hint=ctx.t("ideas.hint.reponse"),
        )
    ]
    if target == MERGED:
        fields.append(FormField(name="dans", label=ctx.t("ideas.field.dans"), kind="number"))
    return Form(
        form_id="idea.status",
        title=ctx.t("ideas.form.status_title", status=label(ctx.t, target))[:24],
        fields=tuple(fields),
        submit_label=ctx.t("ideas.form.status_submit"),
        private_metadata=f"{idea.id}:{target}",
    )


@registry.button("idea.review", role="committee")
def press_review(ctx: Context, press: ButtonPress) -> list[Action]:
    """A decision button of the review list: the form for the public answer, or, where there
    are no forms, a direct message whose reply is the answer."""
    number, _, target = press.value.partition(":")
    if not is_row_id(number) or target not in TYPED:
        raise UsageError("core.error.unknown_action")
    idea = live_idea(ctx, int(number))
    if target not in allowed_after(idea.status):
        raise UsageError(
            "ideas.status.not_allowed",
            number=idea.id,
            current=label(ctx.t, idea.status),
            target=label(ctx.t, target),
            possible=", ".join(f"`{TYPED[s]}`" for s in allowed_after(idea.status)),
        )
    if ctx.capabilities.forms and press.trigger_id:
        return [
            OpenForm(
                user_id=press.user_id,
                channel_id=press.channel_id,
                form=status_form(ctx, idea, target),
                trigger_id=press.trigger_id,
            )
        ]
    return ask_in_direct_message(ctx, idea, target)


def ask_in_direct_message(ctx: Context, idea: Idea, target: str) -> list[Action]:
    """The question, in the caller's direct messages; their reply there is the answer."""
    key = f"{DECIDE_PREFIX}{idea.id}:{target}:u{ctx.caller.id}:{int(ctx.now().timestamp())}"
    question = ctx.t(
        "ideas.decide.merge_ask" if target == MERGED else "ideas.decide.ask",
        number=idea.id,
        title=quote_user(idea.title, limit=80),
        status=label(ctx.t, target),
    )
    return [
        DirectMessageAction(
            key=key, user_id=ctx.caller.external_id, message=Message(text=question)
        ),
        *ctx.say("ideas.decide.asked", number=idea.id),
    ]


@registry.form("idea.status", role="committee")
def submit_status(ctx: Context, submission: FormSubmission) -> list[Action]:
    number, _, target = submission.private_metadata.partition(":")
    if not is_row_id(number) or target not in TYPED:
        raise UsageError("core.error.unknown_action")
    into_raw = submission.values.get("dans", "").strip().lstrip("#")
    if into_raw and not is_row_id(into_raw):
        raise UsageError(
            "core.error.not_a_number", name=ctx.t("ideas.field.dans"), value=into_raw[:20]
        )
    idea = live_idea(ctx, int(number))
    return change_status(
        ctx,
        idea,
        target,
        submission.values.get("reponse"),
        into=int(into_raw) if into_raw else None,
    )
