"""Buttons and forms for surfaces that only have text: the console and Matrix.

A message's buttons become numbered choices the person answers by typing the number; a form is
asked one field at a time, `.` cancelling it. Both surfaces use these two helpers, so a person
meets the same conversation in the terminal and in Element or Tchap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from handlers.i18n import Translator
from handlers.types import Form, FormField, Message

CANCEL = "."


@dataclass(frozen=True)
class Pick:
    """One thing a person can choose in a message: a button or an option of a choice list."""

    action_id: str
    value: str
    label: str


def picks(message: Message) -> list[Pick]:
    """Every button and option of `message`, in the order they are numbered."""
    found = [Pick(b.action_id, b.value, b.label) for b in message.buttons]
    for section in message.sections:
        found.extend(Pick(b.action_id, b.value, b.label) for b in section.buttons)
    for choice in message.choices:
        found.extend(Pick(choice.action_id, o.value, o.label) for o in choice.options)
    return found


def chosen(picked: list[Pick], text: str) -> Pick | None:
    """The pick a typed number names (`2`, ` 2 `), or None when `text` is not one of them."""
    typed = text.strip()
    if typed.isdigit() and 1 <= int(typed) <= len(picked):
        return picked[int(typed) - 1]
    return None


@dataclass
class FieldByField:
    """A form being filled in, one answer per field; `values` is what gets submitted."""

    form: Form
    values: dict[str, str] = field(default_factory=dict)
    position: int = 0

    @property
    def current(self) -> FormField | None:
        fields = self.form.fields
        return fields[self.position] if self.position < len(fields) else None

    def question(self, t: Translator) -> str:
        """The current field as a question: its label, its options and whether it may be empty."""
        current = self.current
        assert current is not None
        hint = f" ({', '.join(o.value for o in current.options)})" if current.options else ""
        mark = "" if current.required else t("console.optional")
        return f"{current.label}{hint}{mark}"

    def answer(self, text: str) -> bool:
        """Records the answer to the current field; False when the person cancelled."""
        current = self.current
        assert current is not None
        if text.strip() == CANCEL:
            return False
        self.values[current.name] = text.strip()
        self.position += 1
        return True
