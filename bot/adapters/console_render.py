"""Neutral messages as terminal text: labelled destination, indented threads, `[b12]` buttons."""

from __future__ import annotations

import re
from pathlib import Path

from rich.markup import escape
from rich.text import Text

from bot.adapters.console_port import BOT_NAME, Shown
from handlers.i18n import Translator
from handlers.text import neutralise_mentions, neutralise_pieces
from handlers.types import Form, Message

_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w\\])_(?P<italic>.+?)_(?!\w)"
    r"|`(?P<code>[^`]+)`"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)"
    r"|<@(?P<mention>[^>|]+)(?:\|[^>]*)?>"
)


def markup(text: str) -> str:
    """Neutral markup to rich markup; everything else is escaped, so user text stays literal,
    and broadcast mentions are neutralised last, on the text as it reads on screen."""
    runs: list[tuple[str, str]] = []
    position = 0
    for match in _INLINE.finditer(text):
        runs.append((text[position : match.start()], "{}"))
        position = match.end()
        if match["bold"] is not None:
            runs.append((match["bold"], "[bold]{}[/bold]"))
        elif match["italic"] is not None:
            runs.append((match["italic"], "[italic]{}[/italic]"))
        elif match["code"] is not None:
            runs.append((match["code"], "[cyan]{}[/cyan]"))
        elif match["label"] is not None:
            runs.append((match["label"], "[underline]{}[/underline]"))
            runs.append((f" ({match['url']})", "{}"))
        else:
            runs.append(("@" + match["mention"], "[bold magenta]{}[/bold magenta]"))
    runs.append((text[position:], "{}"))
    shown = neutralise_pieces([run for run, _ in runs])
    return "".join(style.format(escape(run)) for run, (_, style) in zip(shown, runs, strict=True))


def _plain(text: str) -> str:
    """Text shown as it is (titles, labels, names), with broadcast mentions neutralised."""
    return escape(neutralise_mentions(text))


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
    return f"{ref} {_plain(target)} · [bold]{_plain(message.author)}[/bold]"


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
        lines.extend(indent + "  " + line for line in message_lines(content, t))
        for file in content.files:
            files_dir.mkdir(parents=True, exist_ok=True)
            path = files_dir / file.filename
            path.write_bytes(file.content)
            lines.append(
                indent + "  " + _plain(t("console.file", title=file.title, path=str(path)))
            )
    if shown.buttons:
        lines.append(
            indent
            + "  "
            + "  ".join(
                f"[bold yellow]\\[b{b.id}][/bold yellow] {_plain(b.label)}" for b in shown.buttons
            )
        )
    return Text.from_markup("\n".join(lines))


def message_lines(message: Message, t: Translator) -> list[str]:
    """The message as terminal markup, its fields punctuated in its own language (`t`: the
    default one's)."""
    t = Translator(message.lang) if message.lang else t
    lines = [markup(line) for line in message.text.splitlines()]
    for section in message.sections:
        if section.title:
            lines.append("")
            lines.append(f"[bold]{_plain(section.title)}[/bold]")
        lines.extend(markup(line) for line in section.body.splitlines())
        lines.extend(
            f"[dim]{_plain(t('common.field', name=name))}[/dim] {markup(value)}"
            for name, value in section.fields
        )
    return lines
