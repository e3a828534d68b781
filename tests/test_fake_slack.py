"""FakeSlack driven through the real slack_sdk clients, so adapter tests can trust it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.client import BaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from tests.fakes.slack_server import FakeSlack

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Bonjour*"}}]
METADATA = {"event_type": "relais_digest", "event_payload": {"digest_id": 7}}


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        yield server


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


def test_post_message_is_answered_and_recorded(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(
        channel="C0GENERAL", text="Bonjour", blocks=BLOCKS, metadata=METADATA
    )
    second = client.chat_postMessage(channel="#general", text="Re", thread_ts=first["ts"])

    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C0GENERAL"
    assert first["message"]["blocks"] == BLOCKS
    assert first["message"]["metadata"] == METADATA
    assert second["message"]["thread_ts"] == first["ts"]
    call = fake.calls_to("chat.postMessage")[0]
    assert call.args["blocks"] == BLOCKS
    assert call.headers["Authorization"] == "Bearer xoxb-test"
    assert [m["text"] for m in fake.messages("C0GENERAL")] == ["Bonjour", "Re"]


def test_history_and_replies_return_metadata_only_when_asked(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.add_user("U1", "alice")
    root = client.chat_postMessage(channel="C0GENERAL", text="Question", metadata=METADATA)["ts"]
    fake.add_message("C0GENERAL", "U1", "Réponse", thread_ts=root)

    plain = client.conversations_history(channel="C0GENERAL")["messages"]
    full = client.conversations_history(channel="C0GENERAL", include_all_metadata=True)
    thread = client.conversations_replies(channel="C0GENERAL", ts=root, include_all_metadata=True)

    assert [m["text"] for m in plain] == ["Question"]
    assert "metadata" not in plain[0]
    assert full["messages"][0]["metadata"] == METADATA
    assert full["messages"][0]["reply_count"] == 1
    assert [m["text"] for m in thread["messages"]] == ["Question", "Réponse"]


def test_injected_429_is_a_slack_api_error_with_retry_after(
    fake: FakeSlack, client: WebClient
) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=3)

    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C0GENERAL", text="x")

    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "3"
    assert caught.value.response["error"] == "ratelimited"
    assert fake.ratelimited_count == 1
    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"]


def test_rate_limit_retry_handler_makes_the_call_succeed(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", retry_after=0)
    client = WebClient(
        token="xoxb-test",
        base_url=fake.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )

    assert client.chat_postMessage(channel="C0GENERAL", text="x")["ok"]
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


@pytest.mark.parametrize(
    ("status", "error", "http_status"),
    [(503, None, 503), (500, None, 500), (None, "channel_not_found", 200)],
)
def test_injected_errors(
    client: WebClient, fake: FakeSlack, status: int | None, error: str | None, http_status: int
) -> None:
    fake.fail_next("chat.update", status=status, error=error, times=2)

    for _attempt in range(2):
        with pytest.raises(SlackApiError) as caught:
            client.chat_update(channel="C0GENERAL", ts="1.000001", text="x")
        assert caught.value.response.status_code == http_status

    expected = error or {503: "service_unavailable", 500: "fatal_error"}[http_status]
    assert caught.value.response["error"] == expected
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C0GENERAL", ts="1.000001", text="x")


def test_missing_required_arguments_are_rejected(client: WebClient) -> None:
    for method, args in [
        ("chat.postMessage", {"channel": "C0GENERAL"}),
        ("chat.postMessage", {"text": "no channel"}),
        ("reactions.add", {"channel": "C0GENERAL", "timestamp": "1.1"}),
        ("users.info", {}),
    ]:
        with pytest.raises(SlackApiError, match="invalid_arguments"):
            client.api_call(method, json=args)


def test_unknown_method_and_bad_tokens(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("chat.teleport")
    with pytest.raises(SlackApiError, match="invalid_auth"):
        WebClient(token="xoxb-wrong", base_url=fake.base_url).auth_test()
    with pytest.raises(SlackApiError, match="not_allowed_token_type"):
        client.apps_connections_open(app_token="xoxb-test")


def test_per_channel_rate_limit() -> None:
    with FakeSlack(per_channel_per_second=1.0) as fake:
        fake.add_channel("C2", "autre")
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        client.chat_postMessage(channel="C0GENERAL", text="1")
        client.chat_postMessage(channel="C2", text="other channel is fine")
        with pytest.raises(SlackApiError) as caught:
            client.chat_postMessage(channel="C0GENERAL", text="2")

    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "1"
    assert fake.ratelimited_count == 1


def test_workspace_rate_limit() -> None:
    with FakeSlack(workspace_per_minute=2) as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        for _ in range(2):
            client.chat_postMessage(channel="C0GENERAL", text="ok")
        with pytest.raises(SlackApiError) as caught:
            client.chat_postMessage(channel="C0GENERAL", text="too many")

    assert 1 <= int(caught.value.response.headers["Retry-After"]) <= 60


def test_users_and_conversations(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "alice", real_name="Alice Martin", display_name="alice.m", tz_offset=7200)
    fake.add_channel("G1", "prive", is_private=True)

    auth = client.auth_test()
    user = client.users_info(user="U1", include_locale=True)["user"]
    dm = client.conversations_open(users="U1")["channel"]["id"]

    assert (auth["user_id"], auth["team_id"], auth["bot_id"]) == (
        fake.bot_user_id,
        fake.team_id,
        fake.bot_id,
    )
    assert (user["real_name"], user["tz_offset"], user["locale"]) == ("Alice Martin", 7200, "fr-FR")
    assert user["profile"]["display_name"] == "alice.m"
    assert "locale" not in client.users_info(user="U1")["user"]
    assert dm.startswith("D")
    assert client.conversations_open(users="U1")["channel"]["id"] == dm
    assert client.conversations_info(channel=dm)["channel"]["is_im"]
    private = client.conversations_info(channel="G1")["channel"]
    assert (private["is_private"], private["name"]) == (True, "prive")
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.users_info(user="U404")


def test_message_lifecycle(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "alice")
    ts = client.chat_postMessage(channel="C0GENERAL", text="v1")["ts"]

    assert client.chat_update(channel="C0GENERAL", ts=ts, text="v2")["message"]["text"] == "v2"
    assert client.chat_postEphemeral(channel="C0GENERAL", user="U1", text="psst")["message_ts"]
    link = client.chat_getPermalink(channel="C0GENERAL", message_ts=ts)["permalink"]
    assert link.endswith("/archives/C0GENERAL/p" + ts.replace(".", ""))
    client.pins_add(channel="C0GENERAL", timestamp=ts)
    client.reactions_add(channel="C0GENERAL", timestamp=ts, name="eyes")
    stored = fake.messages()[0]
    assert stored["pinned_to"] == ["C0GENERAL"]
    assert stored["reactions"][0]["name"] == "eyes"
    client.chat_delete(channel="C0GENERAL", ts=ts)
    assert fake.messages() == []


def test_views(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U1", "alice")
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Titre"}, "blocks": []}

    view = client.views_open(trigger_id="123.456", view=modal)["view"]
    updated = client.views_update(view_id=view["id"], view={**modal, "blocks": BLOCKS})["view"]
    home = client.views_publish(user_id="U1", view={"type": "home", "blocks": BLOCKS})["view"]

    assert updated["id"] == view["id"]
    assert fake.views[view["id"]]["blocks"] == BLOCKS
    assert home["type"] == "home"
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V404", view=modal)


def test_files_upload_v2(fake: FakeSlack, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C0GENERAL", content="a;b\n1;2\n", filename="export.csv", title="Export"
    )

    stored = fake.files[result["file"]["id"]]
    assert stored["content"] == b"a;b\n1;2\n"
    assert (stored["title"], stored["channels"]) == ("Export", ["C0GENERAL"])


def test_concurrent_posts_get_unique_timestamps(fake: FakeSlack) -> None:
    stamps: list[str] = []

    def post() -> None:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        for i in range(10):
            stamps.append(client.chat_postMessage(channel="C0GENERAL", text=str(i))["ts"])

    threads = [threading.Thread(target=post) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(stamps)) == 80
    assert len(fake.calls_to("chat.postMessage")) == 80


def test_socket_mode_envelope_and_ack(fake: FakeSlack) -> None:
    def on_request(client: BaseSocketModeClient, request: SocketModeRequest) -> None:
        response = SocketModeResponse(request.envelope_id, payload={"text": "reçu"})
        client.send_socket_mode_response(response)

    web = WebClient(token="xoxb-test", base_url=fake.base_url)
    socket = SocketModeClient(app_token="xapp-test", web_client=web)
    socket.socket_mode_request_listeners.append(on_request)
    try:
        socket.connect()
        fake.wait_socket_client(timeout=5)
        envelope_id = fake.socket_send(
            {
                "type": "slash_commands",
                "payload": {"command": "/relais", "text": "aide", "user_id": "U1"},
                "accepts_response_payload": True,
            }
        )
        ack = fake.wait_ack(envelope_id, timeout=5)
    finally:
        # Closing from the server side first spares the client's 3 s blocking receive.
        socket.auto_reconnect_enabled = False
        fake.stop()
        socket.close()

    assert ack == {"envelope_id": envelope_id, "payload": {"text": "reçu"}}
    assert fake.calls_to("apps.connections.open")[0].headers["Authorization"] == "Bearer xapp-test"


def test_strict_conversation_methods_need_the_scope_of_the_conversation_kind() -> None:
    """The spec lists `channels:read`, `groups:read`, `im:read`, `mpim:read` for
    conversations.info: a token without `groups:read` is refused on a private channel only."""
    with FakeSlack(scopes=frozenset({"channels:read", "chat:write"})) as strict:
        strict.add_channel("C0SECRET", "secret", is_private=True)
        client = WebClient(token=strict.bot_token, base_url=strict.base_url)
        public = client.conversations_info(channel="C0GENERAL")
        with pytest.raises(SlackApiError) as refused:
            client.conversations_info(channel="C0SECRET")
    assert public["channel"]["is_private"] is False
    assert public.headers["x-oauth-scopes"] == "channels:read,chat:write"
    assert refused.value.response["error"] == "missing_scope"
    assert refused.value.response["needed"] == "groups:read"


def test_friendly_mode_ignores_scopes() -> None:
    with FakeSlack(strict=False, scopes=frozenset()) as friendly:
        friendly.add_channel("C0SECRET", "secret", is_private=True)
        client = WebClient(token=friendly.bot_token, base_url=friendly.base_url)
        assert client.conversations_info(channel="C0SECRET")["channel"]["is_private"] is True
