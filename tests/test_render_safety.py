"""No text a member writes can make the bot ping a whole channel or post a non-web link, on
any platform (Slack, Mattermost, console, Matrix): every renderer neutralises mentions and
links as its last step (issue 20, item 1).

The oracles are independent of the renderers: a CommonMark parser (markdown-it, told to accept
every scheme) lists the links Mattermost would draw; Slack's links are its `<…>` tokens; the
console's text is what rich prints.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.text import Text

from bot.adapters.console_render import markup
from bot.adapters.matrix.render import content as matrix_content
from bot.adapters.mattermost.render import ActionSigning, markdown
from bot.adapters.mattermost.render import render_message as mattermost_message
from bot.adapters.mattermost.signing import Signer, key_binding
from bot.adapters.slack.render import render_message as slack_message
from handlers.text import quote_user
from handlers.types import Button, Message, Section

PING = re.compile(r"(?i)@(channel|here|all|everyone|room)(?![a-z0-9])")
WEB = re.compile(r"(?i)^(https?://|mailto:)")
SLACK_TOKEN = re.compile(r"<([^>]*)>")
NAMES = {"U1": "bea", "U2": "al"}
SIGNING = ActionSigning(
    signer=Signer("s" * 32),
    url="https://relais.exemple.fr/mattermost/actions",
    binding=key_binding("k1"),
    now=datetime(2026, 12, 7, 8, 0, tzinfo=UTC),
)
FRAGMENTS = st.sampled_from(
    [
        "@", "<@c>", "<@U1>", "<@U2>", "<@", ">", "hannel", "channel", "here", "all", "l",
        "everyone", "room", "CHANNEL", "_", ".", "<!", "!", "<!here>", "<!channel|x>", "**",
        "`", "[", "]", "(", ")", "](", "javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x",
        "https://ok.fr", "mailto:a@b.fr", "<", "vbscript:x", "\n", " ", ":", "&#106;", "\\",
        "#C0123ABCD", "<#C1|general>", "![i](", "\u200b", "é",
    ]
)  # fmt: skip
USER_TEXT = st.one_of(
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=4)), max_size=14).map("".join),
    st.text(max_size=60),
)
COMMONMARK = MarkdownIt("commonmark")
COMMONMARK.validateLink = lambda url: True  # type: ignore[method-assign]


def names(user_id: str) -> str | None:
    return NAMES.get(user_id)


def message_of(text: str) -> Message:
    """The user's text everywhere a feature may put it: raw (as some features echo it), quoted,
    as a title, a field and a button label."""
    quoted = quote_user(text)
    return Message(
        text=f"{text}\n« {quoted} »",
        sections=(Section(title=text, body=quoted, fields=((text, text),)),),
        buttons=(Button(label=text[:70] or "x", action_id="a", value="v"),),
    )


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("integration", "url", "action_id", "value"):
                yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def mrkdwn(value: Any) -> Iterator[str]:
    """Slack parses `<…>` tokens in mrkdwn objects only (plain_text is shown as written)."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value["text"]
        for item in value.values():
            yield from mrkdwn(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from mrkdwn(item)


def markdown_links(text: str) -> list[str]:
    def walk(tokens: list[Token]) -> Iterator[str]:
        for token in tokens:
            for name in ("href", "src"):
                if token.attrGet(name) is not None:
                    yield str(token.attrGet(name))
            yield from walk(token.children or [])

    return list(walk(COMMONMARK.parse(text)))


def test_the_reported_vector_and_its_variants() -> None:
    for written in ("<@c>hannel", "<@c>HANNEL.", "<@a>ll", "<@U2>l", "<@h>ere!", "<@r>oom"):
        assert not PING.search(markdown(f"@relais lean {written}", username=names))
        assert not PING.search(Text.from_markup(markup(written)).plain)
    assert "@\u200bc" in markdown("<@c>", username=names)
    assert markdown("[x](javascript:alert(1))", username=names) == "[x]\\(javascript:alert(1))"
    assert markdown("[site](https://ok.fr)", username=names) == "[site](https://ok.fr)"


@settings(max_examples=400, deadline=None)
@given(text=USER_TEXT)
def test_mattermost_posts_never_ping_everyone_nor_link_elsewhere(text: str) -> None:
    post = mattermost_message(message_of(text), username=names, signing=SIGNING)
    shown = list(strings(post.chunks)) + list(strings(post.attachments))
    for piece in shown:
        assert not PING.search(piece), (text, piece)
    for piece in post.chunks + [a.get("text", "") for a in post.attachments]:
        assert all(WEB.match(link) for link in markdown_links(piece)), (text, piece)


@settings(max_examples=400, deadline=None)
@given(text=USER_TEXT)
def test_slack_messages_never_ping_everyone_nor_link_elsewhere(text: str) -> None:
    rendered = slack_message(message_of(text), more_note="suite")
    for piece in strings(list(rendered.chunks)):
        assert not PING.search(piece), (text, piece)
    for piece in [rendered.text, *mrkdwn(list(rendered.chunks))]:
        assert not PING.search(piece), (text, piece)
        for token in SLACK_TOKEN.findall(piece):
            assert token.startswith(("@U", "#C")) or WEB.match(token), (text, piece)


@settings(max_examples=400, deadline=None)
@given(text=USER_TEXT)
def test_the_console_never_shows_a_broadcast_mention(text: str) -> None:
    for line in message_of(text).text.splitlines():
        shown = markup(line)
        assert "[link" not in shown
        assert not PING.search(Text.from_markup(shown).plain), (text, shown)


HREF = re.compile(r'href="([^"]*)"')
TAG = re.compile(r"<[^>]*>")


def test_matrix_styling_inside_a_broadcast_word_does_not_rebuild_it() -> None:
    for written in ("@**channel**", "@**room", "@_here_", "@`all`", "@**room** !"):
        body = matrix_content(message_of(written).text, command="relais")
        shown = html.unescape(TAG.sub("", body["formatted_body"]))
        assert not PING.search(body["body"]) and not PING.search(shown), (written, body)


@settings(max_examples=400, deadline=None)
@given(text=USER_TEXT)
def test_matrix_messages_never_ping_the_room_nor_link_elsewhere(text: str) -> None:
    body = matrix_content(text, command="relais")
    shown = html.unescape(TAG.sub("", body["formatted_body"]))
    for piece in (body["body"], shown):
        assert not PING.search(piece), (text, piece)
    assert all(WEB.match(html.unescape(url)) for url in HREF.findall(body["formatted_body"]))
