"""MattermostPort against FakeMattermost through mattermostdriver: every action, errors, crashes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.adapters.mattermost.api import DriverApi, ServerAddress, rate_limit_wait
from bot.adapters.mattermost.directory import Directory
from bot.adapters.mattermost.port import MattermostPort
from bot.adapters.mattermost.signing import Signer
from bot.ports import PermanentError, TransientError
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
    UpdatePost,
)
from tests.fakes.mattermost_server import FakeMattermost

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
SIGNER = Signer("s" * 32)


@pytest.fixture
def fake() -> Iterator[FakeMattermost]:
    with FakeMattermost() as server:
        yield server


@pytest.fixture
def api(fake: FakeMattermost) -> DriverApi:
    return DriverApi.connect(fake.base_url, fake.token)


def make_port(
    fake: FakeMattermost, api: DriverApi, *, ephemeral_allowed: bool = False
) -> MattermostPort:
    return MattermostPort(
        api=api,
        directory=Directory(api, team_id=fake.team["id"]),
        signer=SIGNER,
        bot_id=fake.bot["id"],
        public_url="https://relais.exemple.fr/",
        now=lambda: NOW,
        ephemeral_allowed=ephemeral_allowed,
    )


@pytest.fixture
def port(fake: FakeMattermost, api: DriverApi) -> MattermostPort:
    return make_port(fake, api)


@pytest.fixture
def admin_port(fake: FakeMattermost, api: DriverApi) -> MattermostPort:
    """A bot account created with the System Admin role: it may post ephemeral messages."""
    fake.bot["roles"] = "system_user system_admin"
    return make_port(fake, api, ephemeral_allowed=True)


def test_post_carries_its_key_markdown_and_signed_buttons(
    fake: FakeMattermost, port: MattermostPort
) -> None:
    bea = fake.add_user("bea")
    town = fake.add_channel("ville", members=["bea"])
    message = Message(
        text=f"Bienvenue <@{bea['id']}> !",
        buttons=(Button(action_id="core.language", label="English", value="en"),),
    )

    delivered = port.deliver(
        Post(channel_id=town["id"], message=message), key="k1", workspace_id="equipe"
    )

    [post] = fake.posts
    assert delivered.message_id == post["id"] and delivered.channel_id == town["id"]
    assert post["message"] == "Bienvenue @bea !"
    assert post["props"]["relais_key"] == "k1"
    [action] = post["props"]["attachments"][0]["actions"]
    assert action["integration"]["url"] == "https://relais.exemple.fr/mattermost/actions"
    assert SIGNER.verify_action(action["integration"]["context"], now=NOW).binding == "k:k1"


def test_reply_aimed_at_a_reply_lands_under_the_root(
    fake: FakeMattermost, port: MattermostPort
) -> None:
    fake.add_user("bea")
    town = fake.add_channel("ville", members=["bea"])
    root = fake.user_posts("bea", town["id"], "Une question")
    reply = fake.user_posts("bea", town["id"], "Précision", root_id=root["id"])
    fake.fail_next(
        "POST", r"^/api/v4/posts$", status=400
    )  # what Mattermost says to a reply of a reply

    port.deliver(
        Post(channel_id=town["id"], message=Message(text="Réponse"), thread_id=reply["id"]),
        key="k2",
        workspace_id="equipe",
    )

    assert fake.posts[-1]["root_id"] == root["id"]
    assert fake.posts[-1]["message"] == "Réponse"


def test_channels_named_by_features_are_found_by_name(
    fake: FakeMattermost, port: MattermostPort
) -> None:
    ideas = fake.add_channel("idees")

    first = port.deliver(
        Post(channel_id="idees", message=Message(text="Une idée")), key="n1", workspace_id="equipe"
    )
    second = port.deliver(
        Post(channel_id="#idees", message=Message(text="Une autre")),
        key="n2",
        workspace_id="equipe",
    )

    assert first.channel_id == second.channel_id == ideas["id"]
    assert [p["channel_id"] for p in fake.posts] == [ideas["id"], ideas["id"]]
    assert len(fake.calls_to("GET", f"/api/v4/teams/{fake.team['id']}/channels/name/idees")) == 1


def test_long_message_continues_in_further_posts(
    fake: FakeMattermost, port: MattermostPort
) -> None:
    town = fake.add_channel("ville")
    text = "\n".join(f"Ligne {i} " + "x" * 90 for i in range(300))

    delivered = port.deliver(
        Post(channel_id=town["id"], message=Message(text=text)), key="long", workspace_id="equipe"
    )

    posts = fake.posts
    assert len(posts) == 2 and all(len(p["message"]) <= 16_383 for p in posts)
    assert delivered.message_id == posts[0]["id"]
    assert "".join(p["message"] for p in posts).count("Ligne") == 300


def test_direct_message_ephemeral_update_and_files(
    fake: FakeMattermost, admin_port: MattermostPort
) -> None:
    port = admin_port
    bea = fake.add_user("bea")
    town = fake.add_channel("ville", members=["bea"])

    dm = port.deliver(
        DirectMessageAction(user_id=bea["id"], message=Message(text="Psst")),
        key="dm",
        workspace_id="equipe",
    )
    eph = port.deliver(
        Ephemeral(
            channel_id=town["id"], user_id=bea["id"], message=Message(text="Rien que pour vous")
        ),
        key="e",
        workspace_id="equipe",
    )
    chart = FileAttachment(
        filename="bilan.csv", title="Bilan", content=b"a;b\n1;2\n", mime_type="text/csv"
    )
    posted = port.deliver(
        Post(channel_id=town["id"], message=Message(text="Le bilan", files=(chart,))),
        key="f",
        workspace_id="equipe",
    )
    port.deliver(
        UpdatePost(
            channel_id=town["id"],
            message_id=posted.message_id,
            message=Message(text="Le bilan (corrigé)"),
        ),
        key="u",
        workspace_id="equipe",
    )

    direct = fake.direct_channel("bea")
    assert dm.channel_id == direct["id"]
    assert fake.posts[0]["channel_id"] == direct["id"] and fake.posts[0]["message"] == "Psst"
    [ephemeral] = fake.ephemeral_posts
    assert (ephemeral["target_user_id"], ephemeral["message"], ephemeral["id"]) == (
        bea["id"],
        "Rien que pour vous",
        eph.message_id,
    )
    [upload] = fake.files.values()
    assert (upload["name"], upload["content"]) == ("bilan.csv", b"a;b\n1;2\n")
    bilan = fake.posts[-1]
    assert bilan["file_ids"] == [upload["id"]]
    assert bilan["message"] == "Le bilan (corrigé)" and bilan["edit_at"] > 0


def test_files_of_an_ephemeral_message_go_by_direct_message(
    fake: FakeMattermost, admin_port: MattermostPort
) -> None:
    port = admin_port
    bea = fake.add_user("bea")
    town = fake.add_channel("ville", members=["bea"])
    export = FileAttachment(filename="export.csv", title="Export de la cohorte", content=b"x;y\n")
    message = Message(text="Voici l'export", files=(export,))

    port.deliver(
        Ephemeral(channel_id=town["id"], user_id=bea["id"], message=message),
        key="x",
        workspace_id="equipe",
    )

    assert fake.ephemeral_posts[0]["message"] == "Voici l'export"
    [direct] = fake.posts
    assert direct["channel_id"] == fake.direct_channel("bea")["id"]
    assert direct["message"] == "Export de la cohorte"
    assert [fake.files[i]["content"] for i in direct["file_ids"]] == [b"x;y\n"]


def test_private_reply_of_an_ordinary_bot_goes_by_direct_message(
    fake: FakeMattermost, api: DriverApi
) -> None:
    """Issue 14, point 1: with no request waiting, an ordinary bot (no
    `create_post_ephemeral`) sends a direct message; a bot that thought it held the
    permission and gets 403 falls back the same way. Nothing is lost."""
    bea = fake.add_user("bea")
    town = fake.add_channel("ville", members=["bea"])
    menu = Message(text="Rien que pour vous", buttons=(Button(action_id="a", label="OK"),))
    private = Ephemeral(channel_id=town["id"], user_id=bea["id"], message=menu)

    plain = make_port(fake, api).deliver(private, key="e1", workspace_id="equipe")
    revoked = make_port(fake, api, ephemeral_allowed=True)
    after_403 = revoked.deliver(private, key="e2", workspace_id="equipe")

    direct = fake.direct_channel("bea")["id"]
    assert plain.channel_id == after_403.channel_id == direct
    assert [p["message"] for p in fake.posts] == ["Rien que pour vous"] * 2
    assert fake.ephemeral_posts == []
    assert [c.status for c in fake.calls_to("POST", "/api/v4/posts/ephemeral")] == [403]
    context = fake.posts[0]["props"]["attachments"][0]["actions"][0]["integration"]["context"]
    assert SIGNER.verify_action(context, now=NOW).user_id == bea["id"]


def test_form_opens_a_dialog_posting_back_to_us(fake: FakeMattermost, port: MattermostPort) -> None:
    form = Form(
        form_id="cmd:fuseau",
        title="Fuseau horaire",
        submit_label="Enregistrer",
        fields=(FormField(name="zone", label="Fuseau"),),
    )
    action = OpenForm(user_id="U1", channel_id="C1", form=form, trigger_id="trig-1")

    port.deliver(action, key="form", workspace_id="equipe")

    [opened] = fake.dialogs
    assert (opened["trigger_id"], opened["url"]) == (
        "trig-1",
        "https://relais.exemple.fr/mattermost/dialogs",
    )
    assert opened["dialog"]["elements"][0]["name"] == "zone"
    assert SIGNER.verify_dialog(opened["dialog"]["state"], user_id="U1", now=NOW).form_id == (
        "cmd:fuseau"
    )
    with pytest.raises(PermanentError):
        port.deliver(
            action.model_copy(update={"trigger_id": None}), key="form2", workspace_id="equipe"
        )


def test_rate_limit_waits_as_the_headers_say(fake: FakeMattermost, port: MattermostPort) -> None:
    town = fake.add_channel("ville")
    fake.fail_next(
        "POST", r"^/api/v4/posts$", headers={"X-Ratelimit-Reset": "1", "Retry-After": "1"}
    )
    post = Post(channel_id=town["id"], message=Message(text="Bonjour"))

    with pytest.raises(TransientError) as caught:
        port.deliver(post, key="rl", workspace_id="equipe")
    port.deliver(post, key="rl", workspace_id="equipe")

    assert caught.value.retry_after == 1.0
    first, second = fake.calls_to("POST", "/api/v4/posts")
    assert (first.status, second.status) == (429, 201)
    assert second.at - first.at >= 0.9


def test_server_errors_are_transient_refusals_permanent(
    fake: FakeMattermost, port: MattermostPort
) -> None:
    town = fake.add_channel("ville")
    post = Post(channel_id=town["id"], message=Message(text="Bonjour"))
    fake.fail_next("POST", r"^/api/v4/posts$", status=503)
    with pytest.raises(TransientError):
        port.deliver(post, key="a", workspace_id="equipe")
    with pytest.raises(PermanentError):
        port.deliver(
            post.model_copy(update={"channel_id": "nochannel"}), key="b", workspace_id="equipe"
        )
    unreachable = DriverApi.connect("http://127.0.0.1:9", fake.token)
    with pytest.raises(TransientError):
        unreachable.me()


def test_find_delivered_after_a_crash(fake: FakeMattermost, port: MattermostPort) -> None:
    bea = fake.add_user("bea")
    town = fake.add_channel("ville")
    post = Post(channel_id=town["id"], message=Message(text="Bonjour"))
    dm = DirectMessageAction(user_id=bea["id"], message=Message(text="Psst"))
    assert port.find_delivered(post, key="k", workspace_id="equipe") is None

    sent = port.deliver(post, key="k", workspace_id="equipe")
    sent_dm = port.deliver(dm, key="d", workspace_id="equipe")

    assert port.find_delivered(post, key="k", workspace_id="equipe") == sent
    assert port.find_delivered(dm, key="d", workspace_id="equipe") == sent_dm
    assert port.find_delivered(post, key="other", workspace_id="equipe") is None


def test_rate_limit_headers() -> None:
    assert rate_limit_wait({"X-Ratelimit-Reset": "3", "Retry-After": "1"}) == 3.0
    assert rate_limit_wait({}) == 1.0
    assert rate_limit_wait({"X-Ratelimit-Reset": "1796630410"}, now=1796630400.0) == 10.0
    assert rate_limit_wait({"Retry-After": "3600"}) == 60.0


def test_server_address_from_mattermost_url() -> None:
    plain = ServerAddress.parse("https://chat.exemple.gouv.fr/")
    assert plain.websocket_url == "wss://chat.exemple.gouv.fr:443/api/v4/websocket"
    assert plain.driver_options("t")["basepath"] == "/api/v4"
    sub = ServerAddress.parse("http://intranet:8065/mattermost")
    assert (sub.port, sub.driver_options("t")["basepath"]) == (8065, "/mattermost/api/v4")
    assert sub.websocket_url == "ws://intranet:8065/mattermost/api/v4/websocket"
