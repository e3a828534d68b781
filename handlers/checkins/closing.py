"""When the last answer window of a check-in closes, the cohort's coach and the programme
staff get its summary: response rate, averages (within the confidentiality rule), new themes
in the written answers, and who did not answer."""

from __future__ import annotations

from handlers.checkins.dates import wall_clock
from handlers.checkins.figures import K_ANONYMITY, figures_of
from handlers.checkins.questions import MOOD, label
from handlers.checkins.themes import new_themes
from handlers.context import JobContext
from handlers.i18n import Translator
from handlers.text import mention, quote_user
from handlers.types import Action, DirectMessageAction, Message
from store import checkin_rounds, identity
from store.models import CheckinAnswer, CheckinOccurrence, CheckinRound, User
from store.models.checkins import ROUND_CLOSED, ROUND_OPEN, ROUND_PLANNED

Rounds = list[tuple[CheckinRound, dict[str, CheckinAnswer]]]


def summary_if_last(ctx: JobContext, occurrence: CheckinOccurrence) -> list[Action]:
    """The summary, once, when no round of the occurrence is open or planned any more."""
    rounds = checkin_rounds.rounds_for_report(ctx.session, occurrence_ids=[occurrence.id])
    if any(r.status in (ROUND_OPEN, ROUND_PLANNED) for r, _ in rounds):
        return []
    cohort = occurrence.schedule.cohort
    readers = {
        u.id: u
        for role in ("staff", "admin")
        for u in identity.users_with_role(ctx.session, workspace=ctx.workspace, role=role)
    }
    if cohort.coach is not None:
        readers[cohort.coach.id] = cohort.coach
    earlier = [
        o.id
        for o in checkin_rounds.occurrences_of(ctx.session, cohort=cohort)
        if o.local_start < occurrence.local_start
    ]
    earlier_texts = _texts(checkin_rounds.rounds_for_report(ctx.session, occurrence_ids=earlier))
    return [
        DirectMessageAction(
            key=f"checkin:{occurrence.id}:summary:u{reader.id}",
            user_id=reader.external_id,
            message=Message(
                text=_text(ctx.translator_for(reader), occurrence, rounds, earlier_texts)
            ),
        )
        for reader in readers.values()
    ]


def _texts(rounds: Rounds) -> list[str]:
    return [a.text for _, answers in rounds for a in answers.values() if a.text]


def _text(t: Translator, occurrence: CheckinOccurrence, rounds: Rounds, earlier: list[str]) -> str:
    cohort = occurrence.schedule.cohort
    figures = figures_of(occurrence, rounds, nominative=cohort.nominative)
    rate = f"{100 * figures.rate:.0f}" if figures.rate is not None else "0"
    lines = [
        t(
            "checkins.close.title",
            cohort=quote_user(cohort.name, limit=120),
            when=wall_clock(t, figures.slot),
        ),
        t("checkins.report.answers", answered=figures.answered, sent=figures.sent, rate=rate),
    ]
    if figures.hidden:
        lines.append(t("checkins.report.hidden", k=K_ANONYMITY))
    else:
        for question in figures.questions:
            key = str(question["key"])
            if key in figures.averages:
                value = _number(t, figures.averages[key])
                name = t("checkins.report.chart_mood") if key == MOOD else label(t, question)
                lines.append(t("checkins.report.scale", question=name, value=value))
        themes = new_themes(_texts(rounds), earlier)
        if themes:
            lines.append(t("checkins.close.themes", themes=", ".join(themes)))
    silent = [r.user for r, _ in rounds if r.status == ROUND_CLOSED and r.answered_at is None]
    if silent:
        lines.append(t("checkins.close.silent", people=_people(silent)))
    else:
        lines.append(t("checkins.close.everyone"))
    return "\n".join(lines)


def _people(users: list[User]) -> str:
    return ", ".join(mention(u.external_id) for u in users)


def _number(t: Translator, value: float) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if t.locale == "fr" else text
