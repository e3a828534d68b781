"""Neutral messages as terminal text: labelled destination, indented threads, `[b12]` buttons."""

from __future__ import annotations

import re
from pathlib import Path

from rich.markup import escape
from rich.text import Text

from bot.adapters.console_port import BOT_NAME, Shown
from handlers.i18n import Translator
from handlers.types import Form, Message

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w\\])_(?P<italic>.+?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|<@(?P<mention>[^>|]+)(?:\|[^>]*)?>"
)


def markup(text: str) -> str:
    """Neutral markup to rich markup; everything else is escaped, so user text stays literal."""
    out: list[str] = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(escape(text[position : match.start()]))
        position = match.end()
        if match["bold"] is not None:
            out.append(f"[bold]{escape(match['bold'])}[/bold]")
        elif match["italic"] is not None:
            out.append(f"[italic]{escape(match['italic'])}[/italic]")
        elif match["code"] is not None:
            out.append(f"[cyan]{escape(match['code'])}[/cyan]")
        elif match["label"] is not None:
            out.append(f"[underline]{escape(match['label'])}[/underline] ({escape(match['url'])})")
        else:
            out.append(f"[bold magenta]@{escape(match['mention'])}[/bold magenta]")
    out.append(escape(text[position:]))
    return "".join(out)


def label(shown: Shown, t: Translator) -> str:
    message = shown.message
    ref = f"[bold cyan]\\[t{message.id}][/bold cyan]"
    where = f"#{message.channel}" if not message.channel.startswith("@") else None
    if shown.kind == "dm" or (where is None and message.author == BOT_NAME):
        target = t("console.label.dm", user=message.channel[1:])
    elif message.thread_id:
        target = t("console.label.thread", channel=message.channel, thread=message.thread_id)
    else:
        target = where or message.channel
    if shown.kind == "ephemeral":
        target += " " + t("console.label.ephemeral", user=message.audience or "")
    if shown.updated:
        target += " " + t("console.label.updated")
    return f"{ref} {escape(target)} · [bold]{escape(message.author)}[/bold]"


def render(shown: Shown, t: Translator, *, files_dir: Path) -> Text:
    """The whole block printed for one delivered action."""
    message = shown.message
    indent = "    " if message.thread_id else ""
    lines = [indent + label(shown, t)]
    body = message.body
    if "form" in body:
        form = Form.model_validate(body["form"])
        lines.append(
            indent + "  " + markup(t("console.form", ref=f"f{message.id}", title=form.title))
        )
        fields = " ".join(f"{field.name}=…" for field in form.fields)
        lines.append(
            indent
            + "  "
            + escape(
                t(
                    "console.form_hint",
                    user=message.audience or "",
                    ref=f"f{message.id}",
                    fields=fields,
                )
            )
        )
    if "message" in body:
        content = Message.model_validate(body["message"])
        lines.extend(indent + "  " + line for line in _message_lines(content))
        for file in content.files:
            files_dir.mkdir(parents=True, exist_ok=True)
            path = files_dir / file.filename
            path.write_bytes(file.content)
            lines.append(
                indent + "  " + escape(t("console.file", title=file.title, path=str(path)))
            )
    if shown.buttons:
        lines.append(
            indent
            + "  "
            + "  ".join(
                f"[bold yellow]\\[b{b.id}][/bold yellow] {escape(b.label)}" for b in shown.buttons
            )
        )
    return Text.from_markup("\n".join(lines))


def _message_lines(message: Message) -> list[str]:
    lines = [markup(line) for line in message.text.splitlines()]
    for section in message.sections:
        if section.title:
            lines.append("")
            lines.append(f"[bold]{escape(section.title)}[/bold]")
        lines.extend(markup(line) for line in section.body.splitlines())
        lines.extend(
            f"[dim]{escape(name)} :[/dim] {markup(value)}" for name, value in section.fields
        )
    return lines
