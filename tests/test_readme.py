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


def test_the_real_server_checklist_names_every_slack_scope_and_the_mattermost_roles() -> None:
    from bot.adapters.slack.scopes import REQUIRED_SCOPES

    checklist = README.split("## Real server checklist", 1)[1].split("\n## ", 1)[0]
    assert [scope for scope in REQUIRED_SCOPES if f"`{scope}`" not in checklist] == []
    for words in ("`system_user`", "System Admin", "create_post_ephemeral", "direct message"):
        assert words in checklist
