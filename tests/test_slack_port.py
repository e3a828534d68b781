"""The Slack port against the fake Web API, through slack_sdk: each action, errors, retries."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.adapters.slack.channels import ChannelDirectory
from bot.adapters.slack.client import make_client
from bot.adapters.slack.port import SlackPort
from bot.adapters.slack.response_urls import ResponseUrls
from bot.ports import PermanentError, TransientError
from handlers.i18n import Translator
from handlers.types import (
    Button,
    DirectMessageAction,
    Ephemeral,
    FileAttachment,
    Form,
    FormField,
    Message,
    OpenForm,
    Post,
    Section,
    UpdatePost,
)
from tests.slack_harness import SlackWorkspace, call_text, response_catcher

HELLO = Message(text="**Bonjour** & bienvenue", buttons=(Button(action_id="x", label="OK"),))


@pytest.fixture
def fake() -> Iterator[SlackWorkspace]:
    with SlackWorkspace() as server:
        yield server


@pytest.fixture
def urls() -> ResponseUrls:
    return ResponseUrls()


@pytest.fixture
def port(fake: SlackWorkspace, urls: ResponseUrls) -> SlackPort:
    client = make_client(token="xoxb-test", base_url=fake.base_url)
    return SlackPort(
        client=client,
        channels=ChannelDirectory(client),
        response_urls=urls,
        translator=Translator("fr"),
    )


def test_post_carries_blocks_fallback_and_its_key(fake: SlackWorkspace, port: SlackPort) -> None:
    delivered = port.deliver(
        Post(channel_id="C0GENERAL", message=HELLO), key="k1", workspace_id="T"
    )

    [call] = fake.calls_to("chat.postMessage")
    assert call.args["text"] == "*Bonjour* &amp; bienvenue"
    assert call.args["blocks"][1]["elements"][0]["action_id"] == "x"
    assert call.args["metadata"] == {
        "event_type": "relais_delivery",
        "event_payload": {"key": "k1"},
    }
    assert (delivered.channel_id, delivered.message_id) == ("C0GENERAL", fake.messages()[0]["ts"])


def test_channel_names_are_resolved_once(fake: SlackWorkspace, port: SlackPort) -> None:
    for name in ("idees", "#idees"):
        delivered = port.deliver(Post(channel_id=name, message=HELLO), key=name, workspace_id="T")
        assert delivered.channel_id == "C0IDEES"
    assert len(fake.calls_to("conversations.list")) == 1
    assert [c.args["channel"] for c in fake.calls_to("chat.postMessage")] == ["C0IDEES"] * 2
    with pytest.raises(PermanentError, match="channel_not_found"):
        port.deliver(Post(channel_id="inconnu", message=HELLO), key="k3", workspace_id="T")


def test_thread_reply(fake: SlackWorkspace, port: SlackPort) -> None:
    root = port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="root", workspace_id="T")
    port.deliver(
        Post(channel_id="C0GENERAL", message=HELLO, thread_id=root.message_id),
        key="reply",
        workspace_id="T",
    )
    assert fake.messages()[1]["thread_ts"] == root.message_id


def test_direct_messages_open_the_conversation_once(fake: SlackWorkspace, port: SlackPort) -> None:
    for key in ("dm1", "dm2"):
        delivered = port.deliver(
            DirectMessageAction(user_id="U0BEA", message=HELLO), key=key, workspace_id="T"
        )
    assert delivered.channel_id == "D0BEA"
    assert len(fake.calls_to("conversations.open")) == 1
    assert [m["channel"] for m in fake.messages()] == ["D0BEA", "D0BEA"]


def test_ephemeral(fake: SlackWorkspace, port: SlackPort) -> None:
    action = Ephemeral(channel_id="C0GENERAL", user_id="U0BEA", message=HELLO)
    delivered = port.deliver(action, key="e1", workspace_id="T")
    [call] = fake.calls_to("chat.postEphemeral")
    assert (call.args["channel"], call.args["user"]) == ("C0GENERAL", "U0BEA")
    assert delivered.message_id is None
    assert fake.messages() == []


def test_ephemeral_where_the_bot_cannot_post_uses_the_response_url(
    fake: SlackWorkspace, port: SlackPort, urls: ResponseUrls
) -> None:
    with response_catcher() as catcher:
        urls.remember(channel_id="D0TWOPEOPLE", user_id="U0BEA", url=catcher.url)
        action = Ephemeral(channel_id="D0TWOPEOPLE", user_id="U0BEA", message=HELLO)
        port.deliver(action, key="e2", workspace_id="T")
    [answer] = catcher.received
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "*Bonjour* &amp; bienvenue"
    assert answer["replace_original"] is False


def test_ephemeral_without_a_way_in_falls_back_to_a_direct_message(
    fake: SlackWorkspace, port: SlackPort
) -> None:
    action = Ephemeral(channel_id="C0NOTMEMBER", user_id="U0BEA", message=HELLO)
    delivered = port.deliver(action, key="e3", workspace_id="T")
    assert delivered.channel_id == "D0BEA"
    assert fake.messages()[0]["text"] == "*Bonjour* &amp; bienvenue"


def test_answer_to_a_press_in_the_app_home_is_a_direct_message(
    fake: SlackWorkspace, port: SlackPort
) -> None:
    action = Ephemeral(channel_id="U0BEA", user_id="U0BEA", message=HELLO)
    assert port.deliver(action, key="home", workspace_id="T").channel_id == "D0BEA"
    assert fake.calls_to("chat.postEphemeral") == []


def test_update(fake: SlackWorkspace, port: SlackPort) -> None:
    first = port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="p", workspace_id="T")
    assert first.message_id is not None
    port.deliver(
        UpdatePost(channel_id="C0GENERAL", message_id=first.message_id, message=Message(text="v2")),
        key="u",
        workspace_id="T",
    )
    assert fake.messages()[0]["text"] == "v2"


def test_update_of_an_ephemeral_message_goes_through_its_response_url(
    port: SlackPort, urls: ResponseUrls
) -> None:
    with response_catcher() as catcher:
        urls.remember(channel_id="C0GENERAL", user_id="U0BEA", url=catcher.url, message_ts="1.2")
        update = UpdatePost(channel_id="C0GENERAL", message_id="1.2", message=Message(text="Fait"))
        assert port.deliver(update, key="u", workspace_id="T").message_id == "1.2"
    assert catcher.received[0]["replace_original"] is True


FORM = Form(
    form_id="idea.report",
    title="Signaler",
    submit_label="Envoyer",
    fields=(FormField(name="details", label="Détails", kind="textarea"),),
    private_metadata="12",
)


def test_open_form(fake: SlackWorkspace, port: SlackPort) -> None:
    action = OpenForm(user_id="U0BEA", channel_id="C0IDEES", form=FORM, trigger_id="t.1")
    port.deliver(action, key="f", workspace_id="T")
    [view] = fake.views.values()
    assert (view["callback_id"], view["type"]) == ("idea.report", "modal")
    assert view["private_metadata"] == '{"c":"C0IDEES","t":null,"m":"12"}'
    assert view["close"]["text"] == "Annuler"


def test_form_whose_trigger_expired_tells_the_person(fake: SlackWorkspace, port: SlackPort) -> None:
    fake.fail_next("views.open", error="expired_trigger_id")
    action = OpenForm(user_id="U0BEA", channel_id="C0IDEES", form=FORM, trigger_id="t.old")
    port.deliver(action, key="f", workspace_id="T")
    assert fake.views == {}
    assert "n'a pas pu s'ouvrir à temps" in fake.answers()[0]


def test_short_rate_limit_is_waited_in_place(fake: SlackWorkspace, port: SlackPort) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="k", workspace_id="T")
    assert [c.status for c in fake.calls_to("chat.postMessage")] == [429, 200]


def test_long_rate_limit_goes_back_to_the_outbox(fake: SlackWorkspace, port: SlackPort) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=30)
    with pytest.raises(TransientError) as caught:
        port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="k", workspace_id="T")
    assert caught.value.retry_after == 30
    assert len(fake.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_transient(fake: SlackWorkspace, port: SlackPort, status: int) -> None:
    fake.fail_next("chat.postMessage", status=status)
    with pytest.raises(TransientError):
        port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="k", workspace_id="T")


def test_slack_refusals_are_permanent(fake: SlackWorkspace, port: SlackPort) -> None:
    fake.fail_next("chat.postMessage", error="is_archived")
    with pytest.raises(PermanentError, match="is_archived"):
        port.deliver(Post(channel_id="C0GENERAL", message=HELLO), key="k", workspace_id="T")


def test_find_delivered_recognises_the_key(fake: SlackWorkspace, port: SlackPort) -> None:
    post = Post(channel_id="idees", message=HELLO)
    sent = port.deliver(post, key="idea:12:root", workspace_id="T")
    fake.add_message("C0IDEES", "U0BEA", "plus récent")
    assert port.find_delivered(post, key="idea:12:root", workspace_id="T") == sent
    assert port.find_delivered(post, key="idea:13:root", workspace_id="T") is None
    reply = Post(channel_id="C0IDEES", message=HELLO, thread_id=sent.message_id)
    threaded = port.deliver(reply, key="idea:12:reply", workspace_id="T")
    assert port.find_delivered(reply, key="idea:12:reply", workspace_id="T") == threaded
    dm = DirectMessageAction(user_id="U0CARL", message=HELLO)
    assert port.find_delivered(dm, key="dm", workspace_id="T") is None


def test_long_message_continues_in_its_thread(fake: SlackWorkspace, port: SlackPort) -> None:
    sections = tuple(Section(title=f"Idée {n}", body="texte") for n in range(40))
    delivered = port.deliver(
        Post(channel_id="C0GENERAL", message=Message(text="Toutes les idées", sections=sections)),
        key="long",
        workspace_id="T",
    )
    first, *rest = fake.messages()
    assert len(first["blocks"]) == 50
    assert "voir la suite dans le fil" in call_text(fake.calls_to("chat.postMessage")[0])
    assert rest and all(m["thread_ts"] == delivered.message_id for m in rest)


def test_files_are_uploaded_with_the_message(fake: SlackWorkspace, port: SlackPort) -> None:
    chart = FileAttachment(
        filename="bilan.png", title="Bilan", content=b"\x89PNG", mime_type="image/png"
    )
    message = Message(text="Le bilan", files=(chart,))
    port.deliver(Post(channel_id="C0GENERAL", message=message), key="f", workspace_id="T")
    [stored] = fake.files.values()
    assert (stored["content"], stored["title"], stored["channels"]) == (
        b"\x89PNG",
        "Bilan",
        ["C0GENERAL"],
    )


def test_a_failed_upload_does_not_post_the_message_twice(
    fake: SlackWorkspace, port: SlackPort
) -> None:
    fake.fail_next("files.getUploadURLExternal", error="invalid_arguments")
    chart = FileAttachment(filename="bilan.png", title="Bilan", content=b"x")
    message = Message(text="Le bilan", files=(chart,))
    delivered = port.deliver(
        Post(channel_id="C0GENERAL", message=message), key="f", workspace_id="T"
    )
    assert delivered.message_id == fake.messages()[0]["ts"]
