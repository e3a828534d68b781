"""Forms as Slack modals and App Home sections as a home view, within the view limits: 24
characters for titles and buttons, 100 blocks, 3,000 characters of private metadata, 250 kB."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    InputInteractiveElement,
    MarkdownTextObject,
    NumberInputElement,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.adapters.slack.metadata import FormOrigin, encode_form_origin
from bot.adapters.slack.render import ActionIds, clip, options, section_blocks
from handlers.types import Form, FormField, Section

log = logging.getLogger(__name__)
VIEW_TITLE = 24
VIEW_BLOCKS = 100
VIEW_BYTES = 250_000
INPUT_LABEL = 2000
INPUT_MAX_LENGTH = 3000


class ViewTooLarge(ValueError):
    """A view Slack would refuse whatever we cut (far above 250 kB)."""


def form_view(form: Form, *, origin: FormOrigin, close_label: str) -> dict[str, Any]:
    """A modal whose `callback_id` is the form id; answers come back as `view_submission`."""
    fields = form.fields[:VIEW_BLOCKS]
    if len(form.fields) > VIEW_BLOCKS:
        log.warning("form cut to the view limit", extra={"form_id": form.form_id})
    view = View(
        type="modal",
        callback_id=form.form_id,
        title=PlainTextObject(text=clip(form.title, VIEW_TITLE) or "Relais"),
        submit=PlainTextObject(text=clip(form.submit_label, VIEW_TITLE) or "OK"),
        close=PlainTextObject(text=clip(close_label, VIEW_TITLE)),
        private_metadata=encode_form_origin(
            FormOrigin(origin.channel_id, origin.thread_id, form.private_metadata)
        ),
        blocks=[_input(field) for field in fields],
    )
    return _checked(view)


def home_view(sections: Sequence[Section], *, more_note: str) -> dict[str, Any]:
    """The App Home tab; what passes 100 blocks is replaced by `more_note`."""
    ids = ActionIds()
    blocks: list[Block] = []
    for section in sections:
        blocks.extend(section_blocks(section, ids))
    if len(blocks) > VIEW_BLOCKS:
        note = ContextBlock(elements=[MarkdownTextObject(text=more_note)])
        blocks = [*blocks[: VIEW_BLOCKS - 1], note]
    return _checked(View(type="home", blocks=blocks))


def _input(field: FormField) -> InputBlock:
    hint = PlainTextObject(text=clip(field.hint, INPUT_LABEL)) if field.hint else None
    return InputBlock(
        block_id=field.name,
        label=PlainTextObject(text=clip(field.label, INPUT_LABEL) or field.name),
        element=_element(field),
        optional=not field.required,
        hint=hint,
    )


def _element(field: FormField) -> InputInteractiveElement:
    if field.kind == "select":
        choices = options(field.options)
        initial = next((o for o in choices if o.value == field.initial), None)
        return StaticSelectElement(action_id=field.name, options=choices, initial_option=initial)
    if field.kind == "date":
        return DatePickerElement(action_id=field.name, initial_date=_iso_date(field.initial))
    if field.kind == "number":
        number = field.initial if field.initial and field.initial.lstrip("-").isdigit() else None
        return NumberInputElement(
            action_id=field.name, is_decimal_allowed=False, initial_value=number
        )
    limit = min(field.max_length or INPUT_MAX_LENGTH, INPUT_MAX_LENGTH)
    return PlainTextInputElement(
        action_id=field.name,
        multiline=field.kind == "textarea" or None,
        max_length=limit,
        initial_value=field.initial[:limit] if field.initial else None,
    )


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def _checked(view: View) -> dict[str, Any]:
    payload: dict[str, Any] = view.to_dict()
    if len(json.dumps(payload, ensure_ascii=False).encode()) > VIEW_BYTES:
        raise ViewTooLarge("view larger than 250 kB")
    return payload
