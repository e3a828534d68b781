"""FakeMattermost driven through mattermostdriver (REST) and websockets, the adapter's clients."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import (
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from bot.adapters.mattermost.triggers import verify
from tests.fakes.mattermost_server import FakeMattermost


@pytest.fixture
def fake() -> Iterator[FakeMattermost]:
    with FakeMattermost() as server:
        yield server


def make_driver(fake: FakeMattermost, token: str = "mm-bot-token") -> Driver:
    options = {
        "url": fake.host,
        "port": fake.port,
        "scheme": fake.scheme,
        "token": token,
        "basepath": "/api/v4",
    }
    return Driver(options)


@pytest.fixture
def driver(fake: FakeMattermost) -> Driver:
    bot = make_driver(fake)
    bot.login()
    return bot


async def login(fake: FakeMattermost, token: str = "mm-bot-token") -> ClientConnection:
    """Open the websocket and answer the authentication challenge, as the adapter does."""
    ws = await connect(fake.websocket_url)
    challenge = {"seq": 1, "action": "authentication_challenge", "data": {"token": token}}
    await ws.send(json.dumps(challenge))
    return ws


async def receive(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(await asyncio.wait_for(ws.recv(), timeout=5)))


def test_driver_login_post_and_read_back(fake: FakeMattermost, driver: Driver) -> None:
    channel = fake.add_channel("ville")

    created = driver.posts.create_post({"channel_id": channel["id"], "message": "Bonjour"})
    read = driver.posts.get_post(created["id"])

    assert driver.client.username == "relais"
    assert driver.client.userid == fake.bot["id"]
    assert read == created
    assert (read["message"], read["root_id"], read["user_id"]) == ("Bonjour", "", fake.bot["id"])
    assert read["create_at"] > 1_600_000_000_000
    assert fake.posts[0]["id"] == created["id"]
    call = fake.calls_to("POST", "/api/v4/posts")[0]
    assert call.status == 201
    assert call.body["message"] == "Bonjour"
    assert call.headers["Authorization"] == "Bearer mm-bot-token"


def test_bad_token_is_refused(fake: FakeMattermost) -> None:
    with pytest.raises(NoAccessTokenProvided):
        make_driver(fake, token="wrong").login()
    assert fake.calls[-1].status == 401


def test_users_teams_and_channels(fake: FakeMattermost, driver: Driver) -> None:
    alice = fake.add_user("alice", first_name="Alice", locale="fr")
    town = fake.add_channel("ville", "P", members=["alice"])
    team = driver.teams.get_team_by_name("equipe")

    assert driver.users.get_user(alice["id"])["username"] == "alice"
    assert driver.users.get_user_by_username("alice")["id"] == alice["id"]
    assert [u["id"] for u in driver.users.get_users_by_ids([alice["id"], "nope"])] == [alice["id"]]
    assert driver.users.get_users_by_usernames(["alice"])[0]["first_name"] == "Alice"
    assert driver.channels.get_channel_by_name(team["id"], "ville")["type"] == "P"
    assert driver.channels.get_channel(town["id"])["name"] == "ville"
    direct = driver.channels.create_direct_message_channel([fake.bot["id"], alice["id"]])
    assert direct["type"] == "D"
    assert direct == driver.channels.create_direct_message_channel([alice["id"], fake.bot["id"]])
    mine = driver.channels.get_channels_for_user(fake.bot["id"], team["id"])
    assert {c["id"] for c in mine} == {town["id"], direct["id"]}
    with pytest.raises(ResourceNotFound):
        driver.users.get_user_by_username("nobody")


def test_posts_threads_and_edits(fake: FakeMattermost, driver: Driver) -> None:
    fake.add_user("alice")
    town = fake.add_channel("ville", members=["alice"])
    root = fake.user_posts("alice", town["id"], "Une question ?")
    before_reply = root["create_at"]
    reply = driver.posts.create_post(
        {"channel_id": town["id"], "message": "Réponse", "root_id": root["id"]}
    )

    thread = driver.posts.get_thread(root["id"])
    since = driver.posts.get_posts_for_channel(town["id"], params={"since": before_reply})
    patched = driver.posts.patch_post(reply["id"], {"message": "Réponse corrigée"})
    updated = driver.posts.update_post(reply["id"], {**patched, "props": {"relais": 1}})
    driver.posts.pin_post_to_channel(reply["id"])

    assert thread["order"] == [reply["id"], root["id"]]
    assert since["order"] == [reply["id"]]
    assert patched["edit_at"] > 0
    assert updated["props"] == {"relais": 1}
    assert driver.posts.get_post(reply["id"])["is_pinned"]
    with pytest.raises(requests.HTTPError):  # the bot may not edit a human's post
        driver.posts.patch_post(root["id"], {"message": "piraté"})


def test_ephemeral_dialog_and_files(fake: FakeMattermost, driver: Driver) -> None:
    fake.bot["roles"] = "system_user system_admin"
    alice = fake.add_user("alice")
    town = fake.add_channel("ville")

    ephemeral = driver.posts.create_ephemeral_post(
        {"user_id": alice["id"], "post": {"channel_id": town["id"], "message": "psst"}}
    )
    dialog = {"trigger_id": "t1", "url": "http://bot/submit", "dialog": {"title": "Titre"}}
    driver.integration_actions.open_dialog(dialog)
    upload = driver.files.upload_file(town["id"], {"files": ("export.csv", b"a;b\n")})

    assert fake.ephemeral_posts[0]["id"] == ephemeral["id"]
    assert fake.posts == []
    assert fake.dialogs == [dialog]
    info = upload["file_infos"][0]
    assert (info["name"], info["extension"], info["size"]) == ("export.csv", "csv", 4)
    assert fake.files[info["id"]]["content"] == b"a;b\n"


def test_injected_rate_limit(fake: FakeMattermost, driver: Driver) -> None:
    town = fake.add_channel("ville")
    fake.fail_next("POST", r"^/api/v4/posts$", headers={"X-Ratelimit-Reset": "2"})

    with pytest.raises(requests.HTTPError) as caught:
        driver.posts.create_post({"channel_id": town["id"], "message": "x"})

    response = caught.value.response
    assert response is not None
    assert response.status_code == 429
    assert response.headers["X-Ratelimit-Reset"] == "2"
    assert driver.posts.create_post({"channel_id": town["id"], "message": "x"})["id"]
    assert [c.status for c in fake.calls_to("POST", "/api/v4/posts")] == [429, 201]


def test_websocket_hello_and_posted_events(fake: FakeMattermost, driver: Driver) -> None:
    alice = fake.add_user("alice")
    town = fake.add_channel("ville", members=["alice"])

    async def scenario() -> list[dict[str, Any]]:
        async with await login(fake) as ws:
            received = [await receive(ws), await receive(ws)]
            await asyncio.to_thread(fake.user_posts, "alice", town["id"], "Salut @relais")
            received.append(await receive(ws))
            message = {"channel_id": town["id"], "message": "Bonjour"}
            await asyncio.to_thread(driver.posts.create_post, message)
            received.append(await receive(ws))
            return received

    auth, hello, human, own = asyncio.run(scenario())

    assert auth == {"status": "OK", "seq_reply": 1}
    assert (hello["event"], hello["seq"]) == ("hello", 0)
    assert hello["data"]["server_version"]
    assert hello["broadcast"]["user_id"] == fake.bot["id"]
    assert (human["event"], human["seq"]) == ("posted", 1)
    post = json.loads(human["data"]["post"])
    assert (post["message"], post["user_id"]) == ("Salut @relais", alice["id"])
    assert human["data"]["channel_type"] == "O"
    assert human["data"]["channel_name"] == "ville"
    assert human["data"]["sender_name"] == "@alice"
    assert json.loads(human["data"]["mentions"]) == [fake.bot["id"]]
    assert human["broadcast"]["channel_id"] == town["id"]
    assert json.loads(own["data"]["post"])["user_id"] == fake.bot["id"]
    assert "mentions" not in own["data"]


def test_websocket_bad_token_is_closed_without_answer(fake: FakeMattermost) -> None:
    async def scenario() -> None:
        async with await login(fake, token="wrong") as ws:
            await ws.recv()

    with pytest.raises(ConnectionClosed):
        asyncio.run(scenario())


def test_drop_refuse_and_catch_up(fake: FakeMattermost, driver: Driver) -> None:
    fake.add_user("alice")
    town = fake.add_channel("ville", members=["alice"])
    last_seen = fake.user_posts("alice", town["id"], "avant")["create_at"]

    async def scenario() -> None:
        async with await login(fake) as ws:
            await receive(ws)
            await receive(ws)
            await asyncio.to_thread(fake.drop_websockets)
            with pytest.raises(ConnectionClosedError) as caught:
                await receive(ws)
            assert caught.value.rcvd is None  # no close frame: the client sees 1006
        fake.refuse_websockets(True)
        await asyncio.to_thread(fake.user_posts, "alice", town["id"], "pendant")
        with pytest.raises(InvalidStatus):
            await connect(fake.websocket_url)
        fake.refuse_websockets(False)
        async with await login(fake) as ws:
            await asyncio.to_thread(fake.wait_websocket_client, 5, 2)
            assert (await receive(ws))["seq_reply"] == 1
            assert (await receive(ws))["event"] == "hello"

    asyncio.run(scenario())

    missed = driver.posts.get_posts_for_channel(town["id"], params={"since": last_seen})
    assert [p["message"] for p in missed["posts"].values()] == ["pendant"]
    assert fake.websocket_logins == 2


def test_strict_ephemeral_posts_need_the_permission_only_admins_hold(
    fake: FakeMattermost, driver: Driver
) -> None:
    """`createEphemeralPost` (server/channels/api4/post.go) checks `create_post_ephemeral`,
    which `MakeDefaultRoles` (server/public/model/role.go) gives `system_admin` only."""
    alice = fake.add_user("alice")
    town = fake.add_channel("ville", members=["alice"])
    body = {"user_id": alice["id"], "post": {"channel_id": town["id"], "message": "psst"}}

    with pytest.raises(NotEnoughPermissions):
        driver.posts.create_ephemeral_post(body)
    refused = fake.calls[-1]
    roles = driver.client.post("/roles/names", options=["system_user", "system_admin"])
    fake.bot["roles"] = "system_user system_admin"
    driver.posts.create_ephemeral_post(body)

    assert refused.status == 403
    granted = {r["name"]: r["permissions"] for r in roles}
    assert "create_post_ephemeral" not in granted["system_user"]
    assert "create_post_ephemeral" in granted["system_admin"]
    assert [p["message"] for p in fake.ephemeral_posts] == ["psst"]


def test_strict_posts_need_channel_membership(fake: FakeMattermost, driver: Driver) -> None:
    elsewhere = fake.add_channel("ailleurs")
    with fake._lock:
        fake._store.members[elsewhere["id"]].discard(fake.bot["id"])

    with pytest.raises(NotEnoughPermissions):
        driver.posts.create_post({"channel_id": elsewhere["id"], "message": "Bonjour"})
    fake.bot["roles"] = "system_user system_post_all_public"
    driver.posts.create_post({"channel_id": elsewhere["id"], "message": "Bonjour"})
    assert [p["message"] for p in fake.posts] == ["Bonjour"]


def test_friendly_mode_grants_every_permission() -> None:
    with FakeMattermost(strict=False) as friendly:
        bot = make_driver(friendly)
        bot.login()
        alice = friendly.add_user("alice")
        town = friendly.add_channel("ville")
        bot.posts.create_ephemeral_post(
            {"user_id": alice["id"], "post": {"channel_id": town["id"], "message": "psst"}}
        )
        assert len(friendly.ephemeral_posts) == 1


def test_server_applies_answers_as_mattermost_does(fake: FakeMattermost) -> None:
    """A command's ephemeral answer and a button's `ephemeral_text` reach the caller, sent by
    the server (no permission needed); a non-200 answer shows nothing (`DoActionRequest`)."""
    alice = fake.add_user("alice")
    town = fake.add_channel("ville", members=["alice"])

    fake.answer_command(
        alice["id"],
        town["id"],
        200,
        {"text": "Aide", "extra_responses": [{"response_type": "ephemeral", "text": "Suite"}]},
    )
    fake.answer_action(alice["id"], town["id"], 200, {"ephemeral_text": "Bien reçu"})
    fake.answer_action(alice["id"], town["id"], 403, {"ephemeral_text": "Refusé"})
    fake.answer_dialog(200, {"errors": {"titre": "Le titre est vide."}})

    assert [p["message"] for p in fake.ephemeral_posts] == ["Aide", "Suite", "Bien reçu"]
    assert {p["sent_by"] for p in fake.ephemeral_posts} == {"server"}
    assert fake.dropped_answers == [("action", 403, {"ephemeral_text": "Refusé"})]
    assert fake.dialog_errors == [{"titre": "Le titre est vide."}]


def test_trigger_ids_are_signed_with_the_key_the_client_configuration_publishes(
    fake: FakeMattermost, driver: Driver
) -> None:
    """`GenerateTriggerId`'s shape (four `:`-separated parts, the last the base64 ASN.1
    signature of the first three and a colon), verifiable with `AsymmetricSigningPublicKey`."""
    alice = fake.add_user("alice")
    now = datetime.now(UTC)
    trigger = fake.trigger_id(alice["id"], at_ms=int(now.timestamp() * 1000))
    config = driver.system.get_client_configuration(params={"format": "old"})
    new_format = requests.get(
        f"{fake.base_url}/api/v4/config/client",
        headers={"Authorization": f"Bearer {fake.token}"},
        timeout=5,
    )

    client_id, user_id, millis, _ = base64.b64decode(trigger).decode().split(":")
    assert (user_id, len(client_id), millis.isdigit()) == (alice["id"], 26, True)
    checked = verify(
        trigger, public_key=config["AsymmetricSigningPublicKey"], user_id=alice["id"], now=now
    )
    assert checked.client_id == client_id
    assert new_format.status_code == 501
