"""Finding the command a member typed: the longest path or alias, accents and case aside, and
a command registered after the first lookup is found too (the folded paths are kept)."""

from __future__ import annotations

from handlers.context import Context
from handlers.registry import Args, Registries, Registry
from handlers.types import Action


def _nothing(ctx: Context, args: Args) -> list[Action]:
    return []


def test_longest_path_wins_and_late_commands_are_found() -> None:
    registry = Registry()
    registry.command("idées", help="core.help.aide")(_nothing)
    all_of_them = Registries(parts=(registry,))
    found = all_of_them.find_command(["IDEES", "cherche", "vélo"])
    assert found is not None and (found[0].name, found[1]) == ("idées", 1)
    registry.command("idées cherche", help="core.help.aide", aliases=("ideas search",))(_nothing)
    found = all_of_them.find_command(["idees", "Cherché", "vélo"])
    assert found is not None and (found[0].name, found[1]) == ("idées cherche", 2)
    found = all_of_them.find_command(["ideas", "search"])
    assert found is not None and found[0].name == "idées cherche"
