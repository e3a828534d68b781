"""The cohort's CSV export: figures per occurrence, or every answer in a nominative cohort.

Written by the one CSV writer (`handlers.csvfile`): `;`, UTF-8 with BOM, formulas neutralised.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.checkins.figures import OccurrenceFigures, cohort_figures
from handlers.checkins.questions import Question, label
from handlers.csvfile import csv_bytes
from handlers.i18n import Translator
from store import audit
from store.models import CheckinAnswer, Cohort, User, Workspace


def export_cohort(
    session: Session,
    t: Translator,
    *,
    workspace: Workspace,
    cohort: Cohort,
    actor: User | None,
    now: datetime,
    detail: str | None = None,
) -> tuple[bytes, int]:
    """The cohort's CSV and how many occurrences it covers; the export is audited (it may
    carry answers)."""
    figures = cohort_figures(session, cohort=cohort)
    content = to_csv(t, figures, nominative=cohort.nominative)
    audit.record(
        session,
        workspace=workspace,
        actor=actor,
        action="cohort.export",
        target=f"cohort:{cohort.id}",
        detail=detail,
        now=now,
    )
    return content, len(figures)


def to_csv(t: Translator, figures: list[OccurrenceFigures], *, nominative: bool) -> bytes:
    questions = _questions(figures)
    rows: list[list[object]] = []
    if nominative:
        header = [t("checkins.csv.occurrence"), t("checkins.csv.member")]
        for figure in figures:
            for round_, answers in figure.rounds:
                values = [_value(q, answers) for q in questions]
                rows.append([figure.slot.isoformat(timespec="minutes"), round_.user.label, *values])
        return csv_bytes(header + [label(t, q) for q in questions], rows)
    scales = [q for q in questions if q["kind"] == "scale"]
    header = [
        t("checkins.csv.occurrence"),
        t("checkins.csv.sent"),
        t("checkins.csv.answered"),
        t("checkins.csv.rate"),
        t("checkins.csv.expired"),
        t("checkins.csv.absent"),
    ] + [label(t, q) for q in scales]
    for figure in figures:
        rate = f"{100 * figure.rate:.0f}" if figure.rate is not None else ""
        averages = [_number(t, figure.averages.get(str(q["key"]))) for q in scales]
        rows.append(
            [
                figure.slot.isoformat(timespec="minutes"),
                figure.sent,
                figure.answered,
                rate,
                figure.expired,
                figure.absent,
                *averages,
            ]
        )
    return csv_bytes(header, rows)


def _number(t: Translator, value: float | None) -> str:
    """Decimals as the reader's spreadsheet expects them (a comma in French)."""
    if value is None:
        return ""
    text = f"{value:.1f}"
    return text.replace(".", ",") if t.locale == "fr" else text


def _value(question: Question, answers: dict[str, CheckinAnswer]) -> object:
    answer = answers.get(question["key"])
    if answer is None:
        return ""
    return answer.score if question["kind"] == "scale" else answer.text


def _questions(figures: list[OccurrenceFigures]) -> list[Question]:
    """Every question asked across occurrences, in first-seen order."""
    seen: dict[str, Question] = {}
    for figure in figures:
        for question in figure.questions:
            seen.setdefault(question["key"], question)
    return list(seen.values())
