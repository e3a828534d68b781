"""`/relais aide`: what the caller may do, grouped by feature, in their language."""

from __future__ import annotations

from handlers.context import CommandEntry, Context
from handlers.registry import Arg, Args, Registry
from handlers.types import Action, Message, Section

registry = Registry()


@registry.command(
    "aide",
    aliases=("help",),
    help="core.help.aide",
    args=(Arg("commande", kind="rest", required=False),),
)
def show_help(ctx: Context, args: Args) -> list[Action]:
    visible = [s for s in ctx.commands.commands() if not s.hidden and ctx.has_role(s.role)]
    topic = (args["commande"] or "").lower().split()
    if topic:
        chosen = [s for s in visible if _matches(s, topic)]
        if not chosen:
            return ctx.say("core.help.no_such_topic", topic=" ".join(topic)[:40])
        return [ctx.reply(Message(text=_lines(ctx, chosen)))]
    groups: dict[str, list[CommandEntry]] = {}
    for spec in visible:
        groups.setdefault(spec.path[0], []).append(spec)
    sections = tuple(Section(body=_lines(ctx, specs)) for _, specs in sorted(groups.items()))
    intro = ctx.t("core.help.intro", command=ctx.settings.command_name)
    count = ctx.t.plural("core.help.count", len(visible))
    return [ctx.reply(Message(text=f"{intro}\n{count}", sections=sections))]


def _matches(spec: CommandEntry, topic: list[str]) -> bool:
    return any(list(path[: len(topic)]) == topic for path in (spec.path, *spec.aliases))


def _lines(ctx: Context, specs: list[CommandEntry]) -> str:
    name = ctx.settings.command_name
    return "\n".join(
        f"`/{name} {_shown_name(ctx, spec)}` — {ctx.t(spec.help_key)}" for spec in specs
    )


def _shown_name(ctx: Context, spec: CommandEntry) -> str:
    """English speakers see the English alias when there is one."""
    if ctx.locale == "en" and spec.aliases:
        return " ".join(spec.aliases[0])
    return spec.name
