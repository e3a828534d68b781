"""`relais run` with Mattermost configured: the starter wires the routes, the websocket, the
outbox port and the health check on the one HTTP server."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import requests

from bot.app import build
from bot.config import Settings
from tests.fakes.mattermost_server import FakeMattermost
from tests.mattermost_world import ACTION_SECRET, SLASH_TOKEN, fixture, wait_for
from tests.serving import running_app


def test_relais_run_serves_mattermost_end_to_end(tmp_path: Path) -> None:
    with FakeMattermost() as fake:
        bea = fake.add_user("bea")
        town = fake.add_channel("ville", members=["bea"])
        settings = Settings(
            _env_file=None,
            sample_data=False,
            database_url=f"sqlite:///{tmp_path / 'relais.db'}",
            http_host="127.0.0.1",
            http_port=0,
            mattermost_url=fake.base_url,
            mattermost_token=fake.token,
            mattermost_team=fake.team["name"],
            mattermost_slash_token=SLASH_TOKEN,
            action_secret=ACTION_SECRET,
            public_url="https://relais.exemple.fr",
        )
        app = build(settings)
        with running_app(app) as base:
            fake.wait_websocket_client()
            health = requests.get(base + "/healthz", timeout=5)
            form = fixture("slash_command_role") | {
                "channel_id": town["id"],
                "user_id": bea["id"],
                "user_name": "bea",
                "text": "moi",
                "token": SLASH_TOKEN,
            }
            command = requests.post(
                base + "/mattermost/command",
                data=urlencode(form),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Authorization": f"Token {SLASH_TOKEN}",
                },
                timeout=5,
            )
            mention = fake.user_posts("bea", town["id"], "@relais aide")
            wait_for(
                lambda: any(p["root_id"] == mention["id"] for p in fake.posts),
                what="the answer to the mention",
            )

    assert health.status_code == 200
    assert json.loads(health.text)["checks"]["mattermost"] is True
    assert command.status_code == 200
    assert command.headers["Content-Type"].split(";")[0] == "application/json"
    answer = command.json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Vous êtes @bea.")
    assert fake.ephemeral_posts == []
