"""The README documents every setting, and the two commands users type first."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings, env_name

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_configuration_table() -> None:
    missing = [env_name(f) for f in Settings.model_fields if f"| `{env_name(f)}` |" not in README]
    assert missing == []


def test_the_two_commands_are_shown() -> None:
    assert "make run" in README and "make test" in README
