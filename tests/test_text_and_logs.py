"""User text cannot ping a whole channel; logs never carry secrets."""

from __future__ import annotations

import json
import logging

import pytest

from bot.logs import NOISY, JsonFormatter, SecretFilter, configure
from handlers.text import disarm_links, quote_user


@pytest.mark.parametrize(
    "written",
    [
        "@channel réunion",
        "@HERE",
        "salut @all",
        "@everyone",
        "<!channel>",
        "<!here|here>",
        "<!subteam^S123|equipe>",
    ],
)
def test_broadcast_mentions_are_neutralised(written: str) -> None:
    safe = quote_user(written)
    for token in ("@channel", "@here", "@all", "@everyone", "<!channel", "<!here", "<!subteam"):
        assert token not in safe.lower()
    assert safe.replace("\u200b", "").lower().lstrip("<!") != ""


def test_ordinary_text_is_kept_and_bounded() -> None:
    assert quote_user("  écrire à l'équipe@ministere.fr ") == "écrire à l'équipe@ministere.fr"
    assert quote_user("x" * 50, limit=10) == "x" * 9 + "…"


def test_secrets_are_masked_in_json_logs() -> None:
    record = logging.LogRecord(
        "relais", logging.INFO, __file__, 1, "token xoxb-123456789 used", None, None
    )
    record.detail = "auth xoxb-123456789"
    SecretFilter(["xoxb-123456789"]).filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert "xoxb-123456789" not in json.dumps(line)
    assert line["event"] == "token *** used" and line["detail"] == "auth ***"


def test_plotting_libraries_stay_quiet_at_info(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    disabled = {name: logging.getLogger(name).disabled for name in NOISY}
    try:
        for name in NOISY:  # an earlier logging.config call may have disabled them
            logging.getLogger(name).disabled = False
        configure(fmt="text", level="INFO")
        logging.getLogger("matplotlib.font_manager").info("generated new fontManager")
        logging.getLogger("PIL.PngImagePlugin").info("STREAM b'IHDR'")
        logging.getLogger("relais.test").info("kept")
        logging.getLogger("matplotlib").warning("a real problem")
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        for name in NOISY:
            logging.getLogger(name).setLevel(logging.NOTSET)
            logging.getLogger(name).disabled = disabled[name]
    written = capsys.readouterr().err
    assert "fontManager" not in written and "IHDR" not in written
    assert "kept" in written and "a real problem" in written


def test_a_link_hidden_in_another_links_destination_is_disarmed() -> None:
    written = disarm_links(")](![i]( »")
    assert "](" not in written.replace("]\\(", "")
    assert disarm_links("[site](https://ok.fr)") == "[site](https://ok.fr)"
    assert disarm_links("[x](javascript:alert(1))") == "[x]\\(javascript:alert(1))"
