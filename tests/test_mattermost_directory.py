"""Names typed in Mattermost resolved against the server, once, and failures left harmless."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.adapters.mattermost.api import DriverApi
from bot.adapters.mattermost.directory import Directory
from tests.fakes.mattermost_server import FakeMattermost


@pytest.fixture
def fake() -> Iterator[FakeMattermost]:
    with FakeMattermost() as server:
        yield server


@pytest.fixture
def directory(fake: FakeMattermost) -> Directory:
    return Directory(DriverApi.connect(fake.base_url, fake.token), team_id=fake.team["id"])


def test_people_and_channels_become_neutral_references(
    fake: FakeMattermost, directory: Directory
) -> None:
    bea = fake.add_user("bea", timezone="America/Cayenne")
    town = fake.add_channel("ville")

    text = directory.resolve_mentions(
        "role @bea. coach ~ville @nobody @all bea@exemple.fr ~nulle-part"
    )

    expected = f"role <@{bea['id']}>. coach <#{town['id']}|ville> @nobody @all"
    assert text == expected + " bea@exemple.fr ~nulle-part"
    assert directory.author(bea["id"]).timezone == "America/Cayenne"
    assert directory.username(bea["id"]) == "bea"
    directory.resolve_mentions("@bea ~ville")
    assert len(fake.calls_to("POST", "/api/v4/users/usernames")) == 1
    assert len(fake.calls_to("GET", f"/api/v4/teams/{fake.team['id']}/channels/name/ville")) == 1


def test_a_failing_server_leaves_text_and_facts_empty(
    fake: FakeMattermost, directory: Directory
) -> None:
    fake.add_user("bea")
    fake.fail_next("POST", r"/users/usernames$", status=503)
    fake.fail_next("POST", r"/users/ids$", status=503)

    assert directory.resolve_mentions("role @bea coach") == "role @bea coach"
    assert directory.author("someone").username is None
    assert directory.root_author("missingpost000000000000000") is None
