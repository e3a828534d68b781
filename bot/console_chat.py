"""`relais chat`: the interactive terminal chat (history, colours, numbered buttons, forms)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from bot.adapters.console import ConsoleClient, ConsoleInputError, normalise_name
from bot.adapters.console_port import Shown
from bot.adapters.console_render import render
from bot.adapters.dialogue import FieldByField
from bot.app import App
from handlers.i18n import Translator
from handlers.types import Form

FILES_DIR = Path("relais-fichiers")
HISTORY = Path.home() / ".relais_history"


@dataclass
class ChatState:
    user: str
    channel: str
    thread: str | None = None
    buttons: list[int] = field(default_factory=list)

    def prompt(self) -> str:
        where = self.channel if self.channel.startswith("@") else f"#{self.channel}"
        if self.thread:
            where += f" › t{self.thread}"
        return f"{self.user} {where}> "


def chat_loop(app: App, *, user: str, channel: str) -> None:
    console = Console(highlight=False, soft_wrap=True)
    t = Translator(app.settings.default_locale)
    client = app.console(forms=True)
    state = ChatState(user=user, channel=channel.lstrip("#") or "general")

    def show(shown: Shown) -> None:
        console.print(render(shown, t, files_dir=FILES_DIR))
        if shown.buttons:
            state.buttons = [button.id for button in shown.buttons]
        client.collect_form(shown, state.user)

    app.console_port.show = show
    _enable_history()
    console.print(t("console.chat.welcome", user=user, command=app.settings.command_name))
    while True:
        try:
            line = input(state.prompt()).strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not line:
            continue
        if line in ("/quitter", "/quit", "/exit"):
            break
        try:
            if not _meta(line, state, console, t):
                _send(line, state, client)
            _fill_forms(client, state, console, t)
        except ConsoleInputError as error:
            console.print(f"[red]{error}[/red]")
    _save_history()


def _send(line: str, state: ChatState, client: ConsoleClient) -> None:
    if line.isdigit() and 1 <= int(line) <= len(state.buttons):
        client.press(state.user, f"b{state.buttons[int(line) - 1]}")
    elif line[:1] in "bB" and line[1:].isdigit():
        client.press(state.user, line)
    else:
        client.say(state.user, line, channel=state.channel, thread=state.thread)


def _meta(line: str, state: ChatState, console: Console, t: Translator) -> bool:
    """Console-only commands (`/canal`, `/mp`, `/fil`, `/sortir`, `/qui`); True when handled."""
    word, _, rest = line.partition(" ")
    rest = rest.strip()
    if word in ("/canal", "/channel") and rest:
        state.channel, state.thread = rest.lstrip("#"), None
    elif word in ("/mp", "/dm"):
        state.channel, state.thread = f"@{state.user}", None
    elif word in ("/fil", "/thread") and rest:
        state.thread = rest.lstrip("tT")
    elif word in ("/sortir", "/leave"):
        state.thread = None
    elif word in ("/qui", "/as") and rest:
        state.user = normalise_name(rest)
        if state.channel.startswith("@"):
            state.channel = f"@{state.user}"
    elif word in ("/console", "/aide-console"):
        console.print(t("console.chat.help"))
    else:
        return False
    return True


def _fill_forms(client: ConsoleClient, state: ChatState, console: Console, t: Translator) -> None:
    while client.pending_forms:
        number, form = client.pending_forms.pop(0)
        values = _ask(form, console, t)
        if values is None:
            console.print(t("console.form_cancelled"))
            continue
        client.submit(state.user, f"f{number}", values)


def _ask(form: Form, console: Console, t: Translator) -> dict[str, str] | None:
    console.print(f"[bold]{form.title}[/bold] — {t('console.form_intro')}")
    filling = FieldByField(form)
    while filling.current is not None:
        try:
            answer = input(f"  {filling.question(t)} : ")
        except (EOFError, KeyboardInterrupt):
            return None
        if not filling.answer(answer):
            return None
    return filling.values


def _enable_history() -> None:
    with contextlib.suppress(ImportError, OSError):
        import readline

        readline.read_history_file(HISTORY)


def _save_history() -> None:
    with contextlib.suppress(ImportError, OSError):
        import readline

        readline.write_history_file(HISTORY)
