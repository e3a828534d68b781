"""Members answering a check-in: buttons, choice lists, a form, a thread reply, or one command.

Any answer can be changed until the window closes; an upcoming check-in can be answered early.
Answer texts are stored, never logged, and never echoed anywhere but to their author.
"""

from __future__ import annotations

import re

from handlers.args import UsageError, is_row_id
from handlers.checkins.dates import when
from handlers.checkins.feature import registry
from handlers.checkins.questions import (
    MOOD,
    SCALE,
    Question,
    answer_controls,
    label,
    text_questions,
)
from handlers.context import Context
from handlers.registry import Arg, Args
from handlers.types import (
    Action,
    ButtonPress,
    Form,
    FormField,
    FormSubmission,
    OpenForm,
    Option,
    ThreadReply,
)
from store import checkin_rounds
from store.models import CheckinRound
from store.models.checkins import ROUND_OPEN, ROUND_PLANNED

MAX_TEXT = 2000
_ROOT = re.compile(r"^checkin:(\d+):(\d+)(?::reminder)?$")
_NUMBERED = re.compile(r"^\s*(\d)\s*[:.)\-–]\s*(.+)$", re.DOTALL)


def _round(ctx: Context, round_id: int) -> CheckinRound:
    """The caller's own round, still open for answers."""
    round_ = ctx.session.get(CheckinRound, round_id)
    if round_ is None or round_.user_id != ctx.caller.id:
        raise UsageError("checkins.answer.not_yours")
    if round_.status not in (ROUND_OPEN, ROUND_PLANNED) or ctx.now() >= round_.closes_at:
        raise UsageError("checkins.answer.closed")
    return round_


def _ids(value: str, parts: int) -> list[str]:
    pieces = value.split(":")
    if len(pieces) != parts or not is_row_id(pieces[0]):
        raise UsageError("core.error.unknown_action")
    return pieces


def _score(raw: str) -> int:
    if not is_row_id(raw.strip()) or int(raw) not in SCALE:
        raise UsageError("checkins.answer.bad_score", value=raw[:10])
    return int(raw)


def _saved(ctx: Context, round_: CheckinRound, key: str = "checkins.answer.saved") -> list[Action]:
    return ctx.say(key, deadline=when(ctx.t, round_.closes_at, ctx.zone))


@registry.button("checkins.mood")
def press_mood(ctx: Context, press: ButtonPress) -> list[Action]:
    round_id, raw = _ids(press.value, 2)
    round_ = _round(ctx, int(round_id))
    checkin_rounds.save_answer(
        ctx.session, round_=round_, question=MOOD, score=_score(raw), now=ctx.now()
    )
    return _saved(ctx, round_)


@registry.button("checkins.rate")
def press_rate(ctx: Context, press: ButtonPress) -> list[Action]:
    round_id, key, raw = _ids(press.value, 3)
    round_ = _round(ctx, int(round_id))
    if not any(q["key"] == key and q["kind"] == "scale" for q in round_.occurrence.questions):
        raise UsageError("core.error.unknown_action")
    checkin_rounds.save_answer(
        ctx.session, round_=round_, question=key, score=_score(raw), now=ctx.now()
    )
    return _saved(ctx, round_)


@registry.button("checkins.early")
def answer_early(ctx: Context, press: ButtonPress) -> list[Action]:
    round_ = _round(ctx, int(_ids(press.value, 1)[0]))
    controls = answer_controls(
        ctx.t, round_.occurrence.questions, round_.id, command=_command_name(ctx)
    )
    intro = ctx.t("checkins.answer.early", deadline=when(ctx.t, round_.closes_at, ctx.zone))
    return [ctx.reply(controls.model_copy(update={"text": intro}))]


@registry.button("checkins.write")
def open_form(ctx: Context, press: ButtonPress) -> list[Action]:
    round_ = _round(ctx, int(_ids(press.value, 1)[0]))
    if not ctx.capabilities.forms:
        return ctx.say("checkins.answer.no_forms", command=_command_name(ctx))
    return [
        OpenForm(
            user_id=ctx.event.user_id,
            channel_id=ctx.event.channel_id,
            form=_form(ctx, round_),
            trigger_id=press.trigger_id,
        )
    ]


def _form(ctx: Context, round_: CheckinRound) -> Form:
    answers = checkin_rounds.answers_of(ctx.session, round_id=round_.id)
    fields = []
    for question in round_.occurrence.questions:
        previous = answers.get(question["key"])
        if question["kind"] == "scale":
            options = tuple(Option(value=str(n), label=ctx.t("checkins.scale", n=n)) for n in SCALE)
            initial = str(previous.score) if previous and previous.score else None
            fields.append(
                FormField(
                    name=question["key"],
                    label=label(ctx.t, question)[:48],
                    kind="select",
                    required=False,
                    options=options,
                    initial=initial,
                )
            )
        else:
            fields.append(
                FormField(
                    name=question["key"],
                    label=label(ctx.t, question)[:48],
                    kind="textarea",
                    required=False,
                    max_length=MAX_TEXT,
                    initial=previous.text if previous else None,
                    hint=label(ctx.t, question),
                )
            )
    return Form(
        form_id="checkins.answer",
        title=ctx.t("checkins.form.title"),
        fields=tuple(fields),
        submit_label=ctx.t("checkins.form.submit"),
        private_metadata=str(round_.id),
    )


@registry.form("checkins.answer")
def submit_form(ctx: Context, submission: FormSubmission) -> list[Action]:
    if not is_row_id(submission.private_metadata):
        raise UsageError("core.error.unknown_action")
    round_ = _round(ctx, int(submission.private_metadata))
    saved = 0
    for question in round_.occurrence.questions:
        raw = submission.values.get(question["key"], "").strip()
        if not raw:
            continue
        if question["kind"] == "scale":
            checkin_rounds.save_answer(
                ctx.session,
                round_=round_,
                question=question["key"],
                score=_score(raw),
                now=ctx.now(),
            )
        else:
            checkin_rounds.save_answer(
                ctx.session,
                round_=round_,
                question=question["key"],
                text=raw[:MAX_TEXT],
                now=ctx.now(),
            )
        saved += 1
    if not saved:
        raise UsageError("checkins.answer.empty")
    return _saved(ctx, round_)


@registry.thread("checkin:")
def reply_in_thread(ctx: Context, reply: ThreadReply, root_key: str) -> list[Action]:
    """A reply under the check-in message: `4` is the mood, `2: …` answers written question 2,
    anything else the first written question not answered yet."""
    match = _ROOT.match(root_key)
    if match is None or int(match.group(2)) != ctx.caller.id:
        return []
    found = checkin_rounds.round_of(
        ctx.session, occurrence_id=int(match.group(1)), user_id=ctx.caller.id
    )
    if found is None:
        return []
    round_ = _round(ctx, found.id)
    text = reply.text.strip()
    if re.fullmatch(r"[1-5]", text):
        checkin_rounds.save_answer(
            ctx.session, round_=round_, question=MOOD, score=int(text), now=ctx.now()
        )
        return _saved(ctx, round_)
    question, answer = _target_question(ctx, round_, text)
    checkin_rounds.save_answer(
        ctx.session, round_=round_, question=question["key"], text=answer[:MAX_TEXT], now=ctx.now()
    )
    return ctx.say(
        "checkins.answer.text_saved",
        question=label(ctx.t, question),
        deadline=when(ctx.t, round_.closes_at, ctx.zone),
    )


def _target_question(ctx: Context, round_: CheckinRound, text: str) -> tuple[Question, str]:
    texts = text_questions(round_.occurrence.questions)
    if not texts:
        raise UsageError("checkins.answer.no_text_question")
    numbered = _NUMBERED.match(text)
    if numbered:
        index = int(numbered.group(1))
        if not 1 <= index <= len(texts):
            raise UsageError("checkins.answer.bad_number", count=len(texts))
        return texts[index - 1], numbered.group(2).strip()
    answered = checkin_rounds.answers_of(ctx.session, round_id=round_.id)
    for question in texts:
        if not (answered.get(question["key"]) and answered[question["key"]].text):
            return question, text
    raise UsageError("checkins.answer.which_question", count=len(texts))


@registry.command(
    "checkin repondre",
    aliases=("checkin answer",),
    help="checkins.help.repondre",
    args=(
        Arg("note", kind="int"),
        Arg("reponses", kind="rest", required=False),
        Arg("cohorte", kind="text", option=True, required=False, aliases=("cohort",)),
    ),
)
def answer_inline(ctx: Context, args: Args) -> list[Action]:
    """`/relais checkin repondre 4 ce qui m'aide | ce qui me freine`: the whole answer at once."""
    score = _score(str(args["note"]))
    rounds = checkin_rounds.answerable_rounds(ctx.session, user=ctx.caller, now=ctx.now())
    if args["cohorte"]:
        wanted = args["cohorte"].strip().casefold()
        rounds = [r for r in rounds if r.occurrence.schedule.cohort.name.casefold() == wanted]
    if not rounds:
        raise UsageError("checkins.answer.nothing_open")
    cohorts = {r.occurrence.cohort_id for r in rounds}
    if len(cohorts) > 1:
        raise UsageError("checkins.answer.which_cohort")
    round_ = rounds[0]
    checkin_rounds.save_answer(
        ctx.session, round_=round_, question=MOOD, score=score, now=ctx.now()
    )
    texts = [part.strip() for part in (args["reponses"] or "").split("|")]
    questions = text_questions(round_.occurrence.questions)
    if len([t for t in texts if t]) > len(questions):
        raise UsageError("checkins.answer.too_many_texts", count=len(questions))
    for question, answer in zip(questions, texts, strict=False):
        if answer:
            checkin_rounds.save_answer(
                ctx.session,
                round_=round_,
                question=question["key"],
                text=answer[:MAX_TEXT],
                now=ctx.now(),
            )
    return _saved(ctx, round_)


def _command_name(ctx: Context) -> str:
    return ctx.settings.command_name
