"""The cohort's CSV export: figures per occurrence, or every answer in a nominative cohort.

Cells that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`) are prefixed with `'`.
"""

from __future__ import annotations

import csv
import io

from handlers.checkins.figures import OccurrenceFigures
from handlers.checkins.questions import Question, label
from handlers.i18n import Translator
from store.models import CheckinAnswer

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def to_csv(t: Translator, figures: list[OccurrenceFigures], *, nominative: bool) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    questions = _questions(figures)
    if nominative:
        writer.writerow(
            [t("checkins.csv.occurrence"), t("checkins.csv.member")]
            + [label(t, q) for q in questions]
        )
        for figure in figures:
            for round_, answers in figure.rounds:
                values = [_value(q, answers) for q in questions]
                row = [figure.slot.isoformat(timespec="minutes"), round_.user.label, *values]
                writer.writerow([_cell(v) for v in row])
        return buffer.getvalue()
    scales = [q for q in questions if q["kind"] == "scale"]
    writer.writerow(
        [
            t("checkins.csv.occurrence"),
            t("checkins.csv.sent"),
            t("checkins.csv.answered"),
            t("checkins.csv.rate"),
            t("checkins.csv.expired"),
            t("checkins.csv.absent"),
            *[label(t, q) for q in scales],
        ]
    )
    for figure in figures:
        rate = f"{100 * figure.rate:.0f}" if figure.rate is not None else ""
        averages = [_number(t, figure.averages.get(str(q["key"]))) for q in scales]
        row = [
            figure.slot.isoformat(timespec="minutes"),
            figure.sent,
            figure.answered,
            rate,
            figure.expired,
            figure.absent,
            *averages,
        ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


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
