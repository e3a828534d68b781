"""Neutral forms as Mattermost interactive dialogs, within the server's limits.

The server refuses a whole dialog when one label is too long, and it counts bytes, not
characters (an accented letter is two): titles and labels are cut to fit, and a label that had
to be cut is repeated in full in the help text.
"""

from __future__ import annotations

from typing import Any

from handlers.types import Form, FormField

TITLE_BYTES = 24
LABEL_BYTES = 24
HELP_BYTES = 150
TEXT_DEFAULT_BYTES = 150
TEXTAREA_DEFAULT_BYTES = 3000
DATE_PLACEHOLDER = "2026-12-31"


def fit(text: str, limit: int) -> str:
    """`text` cut on a character boundary so its UTF-8 form has at most `limit` bytes."""
    if len(text.encode()) <= limit:
        return text
    ellipsis = "…"
    budget = limit - len(ellipsis.encode())
    cut = text.encode()[:budget].decode(errors="ignore").rstrip()
    return cut + ellipsis


def render_dialog(form: Form, *, state: str) -> dict[str, Any]:
    """The `dialog` object of /actions/dialogs/open."""
    return {
        "callback_id": form.form_id,
        "title": fit(form.title, TITLE_BYTES),
        "introduction_text": form.title if len(form.title.encode()) > TITLE_BYTES else "",
        "elements": [_element(field) for field in form.fields],
        "submit_label": fit(form.submit_label, LABEL_BYTES),
        "notify_on_cancel": False,
        "state": state,
    }


def _element(field: FormField) -> dict[str, Any]:
    label = fit(field.label, LABEL_BYTES)
    help_parts = [field.label] if label != field.label else []
    if field.hint and field.hint != field.label:
        help_parts.append(field.hint)
    element: dict[str, Any] = {
        "display_name": label,
        "name": field.name,
        "optional": not field.required,
        "help_text": fit(" — ".join(help_parts), HELP_BYTES),
    }
    initial = field.initial or ""
    if field.kind == "select":
        values = {option.value for option in field.options}
        element.update(
            type="select",
            options=[{"text": o.label, "value": o.value} for o in field.options],
            default=initial if initial in values else "",
        )
    elif field.kind == "textarea":
        element.update(type="textarea", default=fit(initial, TEXTAREA_DEFAULT_BYTES))
    else:
        element.update(type="text", default=fit(initial, TEXT_DEFAULT_BYTES))
        if field.kind == "number":
            element["subtype"] = "number"
        if field.kind == "date":
            element["placeholder"] = DATE_PLACEHOLDER
    if field.max_length and element["type"] != "select":
        element["max_length"] = field.max_length
    return element
