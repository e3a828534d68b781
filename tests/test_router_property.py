"""Whatever follows `/relais`, the router answers and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.chat import Chat

WORDS = st.sampled_from(
    [
        "aide",
        "help",
        "langue",
        "role",
        "fuseau",
        "moi",
        "--retirer",
        "@ada",
        "<@x>",
        '"',
        "«",
        "'",
        "--",
        "--x=",
        "#c",
    ]
)
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=8).map(" ".join),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=TEXT)
def test_any_text_gets_at_least_one_reply(chat: Chat, text: str) -> None:
    for user in ("bea", "ada"):
        replies = chat.command(user, text)
        assert replies, f"no reply to {text!r}"
        assert all(reply.text.strip() for reply in replies)
        shown = "".join(reply.text for reply in replies)
        assert "s'est mal passé" not in shown, f"handler crashed on {text!r}"
