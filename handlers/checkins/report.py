"""`/relais cohorte bilan` and `/relais cohorte export`: how the cohort is doing, for staff and
the cohort's coach, within the cohort's confidentiality rule."""

from __future__ import annotations

from handlers.args import UsageError
from handlers.checkins.chart import draw
from handlers.checkins.cohorts import cohort_named
from handlers.checkins.dates import wall_clock
from handlers.checkins.export import export_cohort
from handlers.checkins.feature import registry
from handlers.checkins.figures import K_ANONYMITY, OccurrenceFigures, cohort_figures, trend
from handlers.checkins.questions import MOOD, label, text_questions
from handlers.context import Context
from handlers.exports import csv_attachment, send_to_caller
from handlers.registry import Arg, Args
from handlers.text import mention, quote_user
from handlers.types import Action, FileAttachment, Message, Section
from store import audit
from store import checkins as store
from store.models import Cohort

SHOWN_OCCURRENCES = 8
MAX_QUOTED = 300


def _allowed_cohort(ctx: Context, name: str) -> Cohort:
    cohort = cohort_named(ctx, name)
    if not ctx.has_role("staff") and cohort.coach_id != ctx.caller.id:
        raise UsageError("checkins.report.not_your_cohort", name=quote_user(cohort.name))
    return cohort


@registry.command(
    "cohorte bilan",
    aliases=("cohort report",),
    help="checkins.help.bilan",
    role="coach",
    args=(Arg("nom", kind="text"),),
)
def report(ctx: Context, args: Args) -> list[Action]:
    cohort = _allowed_cohort(ctx, args["nom"])
    figures = cohort_figures(ctx.session, cohort=cohort)
    members = len(store.members(ctx.session, cohort=cohort))
    privacy = "checkins.report.nominative" if cohort.nominative else "checkins.report.anonymous"
    heading = [
        ctx.t("checkins.report.title", name=quote_user(cohort.name), members=members),
        ctx.t(privacy, k=K_ANONYMITY),
    ]
    if not figures:
        return [ctx.reply("\n".join([*heading, ctx.t("checkins.report.empty")]))]
    change = trend(figures)
    if change is not None:
        direction = "up" if change > 0.1 else "down" if change < -0.1 else "flat"
        heading.append(ctx.t(f"checkins.report.trend_{direction}", change=f"{abs(change):.1f}"))
    shown = figures[-SHOWN_OCCURRENCES:]
    sections = [_section(ctx, figure) for figure in shown]
    if cohort.nominative:
        sections.append(_answers_section(ctx, shown[-1]))
    chart = draw(
        shown,
        title=cohort.name,
        rate_label=ctx.t("checkins.report.chart_rate"),
        mood_label=ctx.t("checkins.report.chart_mood"),
    )
    image = FileAttachment(
        filename=f"bilan-cohorte-{cohort.id}.png",
        title=ctx.t("checkins.report.chart_title", name=quote_user(cohort.name)),
        content=chart,
        mime_type="image/png",
    )
    _audit(ctx, "cohort.report", cohort)
    message = Message(text="\n".join(heading), sections=tuple(sections), files=(image,))
    return [ctx.reply(message)]


def _section(ctx: Context, figure: OccurrenceFigures) -> Section:
    lines = [
        ctx.t(
            "checkins.report.answers",
            answered=figure.answered,
            sent=figure.sent,
            rate=f"{100 * figure.rate:.0f}" if figure.rate is not None else "0",
        )
    ]
    if figure.open:
        lines.append(ctx.t("checkins.report.in_progress"))
    if figure.hidden and figure.answered >= K_ANONYMITY:
        lines.append(ctx.t("checkins.report.hidden_until_closed"))
    elif figure.hidden:
        lines.append(ctx.t("checkins.report.hidden", k=K_ANONYMITY))
    elif figure.mood is not None:
        lines.append(ctx.t("checkins.report.mood", mood=_number(ctx, figure.mood)))
        for question in figure.questions:
            key = str(question["key"])
            if question["kind"] == "scale" and key != MOOD and key in figure.averages:
                value = _number(ctx, figure.averages[key])
                lines.append(
                    ctx.t("checkins.report.scale", question=label(ctx.t, question), value=value)
                )
    if figure.expired:
        lines.append(ctx.t("checkins.report.expired", count=figure.expired))
    if figure.absent:
        lines.append(ctx.t("checkins.report.absent", count=figure.absent))
    return Section(title=wall_clock(ctx.t, figure.slot), body="\n".join(lines))


def _answers_section(ctx: Context, figure: OccurrenceFigures) -> Section:
    """Nominative cohorts only: who answered what, for the latest occurrence."""
    questions = text_questions(figure.questions)
    lines = []
    for round_, answers in figure.rounds:
        mood = answers.get(MOOD)
        parts = [mention(round_.user.external_id)]
        if mood and mood.score:
            parts.append(f"{mood.score}/5")
        for question in questions:
            answer = answers.get(str(question["key"]))
            if answer and answer.text:
                text = quote_user(answer.text, limit=MAX_QUOTED)
                parts.append(
                    ctx.t("checkins.report.quoted", question=label(ctx.t, question), text=text)
                )
        lines.append(" · ".join(parts))
    title = ctx.t("checkins.report.who_title", when=wall_clock(ctx.t, figure.slot))
    return Section(title=title, body="\n".join(lines) or ctx.t("common.nobody"))


def _number(ctx: Context, value: float) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if ctx.t.locale == "fr" else text


def _audit(ctx: Context, action: str, cohort: Cohort) -> None:
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action=action,
        target=f"cohort:{cohort.id}",
        now=ctx.now(),
    )


@registry.command(
    "cohorte export",
    aliases=("cohort export",),
    help="checkins.help.export",
    role="coach",
    args=(Arg("nom", kind="text"),),
)
def export(ctx: Context, args: Args) -> list[Action]:
    cohort = _allowed_cohort(ctx, args["nom"])
    content, count = export_cohort(
        ctx.session, ctx.t, workspace=ctx.workspace, cohort=cohort, actor=ctx.caller, now=ctx.now()
    )
    csv_file = csv_attachment(
        f"cohorte-{cohort.id}.csv",
        ctx.t("checkins.export.title", name=quote_user(cohort.name)),
        content,
    )
    text = ctx.t("checkins.export.done", name=quote_user(cohort.name), count=count)
    return send_to_caller(ctx, text, csv_file)
