"""What a check-in asks, and the direct message that asks it.

Questions are snapshotted on each occurrence (`{"key", "kind", "label_key" | "label"}`), so a
later change of template never changes what past answers meant. The mood scale is answered with
buttons, other scales with choice lists, texts in the message's thread, a form, or inline.
"""

from __future__ import annotations

from typing import Any

from handlers.i18n import Translator
from handlers.text import quote_user
from handlers.types import Button, Choice, Message, Option, Section

Question = dict[str, Any]
MOOD = "mood"
SCALE = range(1, 6)
MOOD_ICONS = {1: "⛈️", 2: "🌧️", 3: "⛅", 4: "🌤️", 5: "☀️"}
SGMAP = ("sens", "performance", "liens", "responsabiliser", "communiquer")
TEMPLATES = ("meteo", "sgmap")
MAX_CUSTOM = 5

_MOOD: Question = {"key": MOOD, "kind": "scale", "label_key": "checkins.q.mood"}


def template_questions(template: str, custom: list[str]) -> list[Question]:
    """The météo (mood, what helps, what hinders) or the SGMAP leadership fundamentals, then the
    staff's own questions."""
    if template == "sgmap":
        questions = [_MOOD]
        questions += [
            {"key": key, "kind": "scale", "label_key": f"checkins.q.sgmap.{key}"} for key in SGMAP
        ]
        questions.append(
            {"key": "exemple", "kind": "text", "label_key": "checkins.q.sgmap.example"}
        )
    else:
        questions = [
            _MOOD,
            {"key": "aide", "kind": "text", "label_key": "checkins.q.helps"},
            {"key": "frein", "kind": "text", "label_key": "checkins.q.hinders"},
        ]
    questions += [
        {"key": f"q{index}", "kind": "text", "label": label}
        for index, label in enumerate(custom, start=1)
    ]
    return questions


def label(t: Translator, question: Question) -> str:
    if "label" in question:
        return quote_user(str(question["label"]), limit=200)
    return t(str(question["label_key"]))


def text_questions(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q["kind"] == "text"]


def other_scales(questions: list[Question]) -> list[Question]:
    return [q for q in questions if q["kind"] == "scale" and q["key"] != MOOD]


def answer_controls(
    t: Translator, questions: list[Question], round_id: int, *, command: str
) -> Message:
    """Buttons, choice lists and the numbered text questions, without the heading."""
    buttons = [
        Button(action_id="checkins.mood", label=f"{MOOD_ICONS[n]} {n}", value=f"{round_id}:{n}")
        for n in SCALE
    ]
    buttons.append(
        Button(action_id="checkins.write", label=t("checkins.dm.write"), value=str(round_id))
    )
    choices = [
        Choice(
            action_id="checkins.rate",
            placeholder=label(t, question),
            options=tuple(
                Option(value=f"{round_id}:{question['key']}:{n}", label=t("checkins.scale", n=n))
                for n in SCALE
            ),
        )
        for question in other_scales(questions)
    ]
    texts = text_questions(questions)
    numbered = "\n".join(f"{i}. {label(t, q)}" for i, q in enumerate(texts, start=1))
    sections = (
        (
            Section(
                title=t("checkins.dm.texts_title"),
                body=numbered + "\n" + t("checkins.dm.how", command=command),
            ),
        )
        if texts
        else ()
    )
    return Message(text="", buttons=tuple(buttons), choices=tuple(choices), sections=sections)


def checkin_message(
    t: Translator,
    *,
    cohort_name: str,
    nominative: bool,
    questions: list[Question],
    round_id: int,
    deadline: str,
    command: str,
    reminder: bool = False,
) -> Message:
    heading = [
        t("checkins.dm.title", cohort=quote_user(cohort_name, limit=120)),
        t("checkins.dm.reminder" if reminder else "checkins.dm.intro", deadline=deadline),
        t("checkins.dm.mood_prompt"),
    ]
    if other_scales(questions):
        heading.append(t("checkins.dm.scales_prompt"))
    heading.append(t("checkins.dm.nominative" if nominative else "checkins.dm.anonymous"))
    controls = answer_controls(t, questions, round_id, command=command)
    return controls.model_copy(update={"text": "\n".join(heading)})
