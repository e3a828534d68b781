"""The few Mattermost REST calls Relais makes, behind a small interface.

`DriverApi` uses mattermostdriver (REST only: its websocket is not fit for production, see
`stream`) and turns failures into the outbox's vocabulary: network errors and 5xx are transient;
429 is transient too, and every later call waits until the window the `X-Ratelimit-Reset` /
`Retry-After` headers announce has passed; other 4xx are permanent.

Answers are decoded by media type: mattermostdriver 7.3.2 decodes JSON only when `Content-Type`
is exactly `application/json` and otherwise hands back the raw `requests.Response`, which is what
a reverse proxy adding `; charset=utf-8` produces.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast
from urllib.parse import urlsplit

import requests
from mattermostdriver import Driver
from mattermostdriver.exceptions import (
    ContentTooLarge,
    FeatureDisabled,
    InvalidOrMissingParameters,
    MethodNotAllowed,
    NoAccessTokenProvided,
    NotEnoughPermissions,
    ResourceNotFound,
)

from bot.ports import PermanentError, TransientError

log = logging.getLogger(__name__)
T = TypeVar("T")
REQUEST_TIMEOUT = 10.0
MAX_RATE_LIMIT_WAIT = 60.0


class MattermostApi(Protocol):
    def me(self) -> dict[str, Any]: ...

    def team_by_name(self, name: str) -> dict[str, Any]: ...

    def create_post(self, post: dict[str, Any]) -> dict[str, Any]: ...

    def create_ephemeral(self, user_id: str, post: dict[str, Any]) -> dict[str, Any]: ...

    def patch_post(self, post_id: str, changes: dict[str, Any]) -> dict[str, Any]: ...

    def get_post(self, post_id: str) -> dict[str, Any]: ...

    def channel_posts(
        self, channel_id: str, *, since: int | None = None, per_page: int = 60
    ) -> dict[str, Any]: ...

    def channel(self, channel_id: str) -> dict[str, Any]: ...

    def channel_by_name(self, team_id: str, name: str) -> dict[str, Any]: ...

    def channels_of(self, user_id: str, team_id: str) -> list[dict[str, Any]]: ...

    def direct_channel(self, user_a: str, user_b: str) -> dict[str, Any]: ...

    def users_by_usernames(self, usernames: list[str]) -> list[dict[str, Any]]: ...

    def users_by_ids(self, user_ids: list[str]) -> list[dict[str, Any]]: ...

    def upload(self, channel_id: str, filename: str, content: bytes, mime_type: str) -> str: ...

    def open_dialog(self, payload: dict[str, Any]) -> None: ...

    def roles_by_names(self, names: list[str]) -> list[dict[str, Any]]: ...

    def client_config(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ServerAddress:
    """MATTERMOST_URL split the way the driver and the websocket want it."""

    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> ServerAddress:
        parts = urlsplit(url.rstrip("/"))
        scheme = parts.scheme or "https"
        port = parts.port or (443 if scheme == "https" else 80)
        return cls(scheme, parts.hostname or "", port, parts.path.rstrip("/"))

    @property
    def websocket_url(self) -> str:
        ws = "wss" if self.scheme == "https" else "ws"
        return f"{ws}://{self.host}:{self.port}{self.path}/api/v4/websocket"

    def driver_options(self, token: str) -> dict[str, Any]:
        return {
            "url": self.host,
            "port": self.port,
            "scheme": self.scheme,
            "basepath": f"{self.path}/api/v4",
            "token": token,
            "request_timeout": REQUEST_TIMEOUT,
        }


def rate_limit_wait(headers: Any, *, now: float | None = None) -> float:
    """Seconds to wait after a 429, from `Retry-After` and `X-Ratelimit-Reset` (the longer)."""
    waits = []
    for name in ("Retry-After", "X-Ratelimit-Reset"):
        try:
            value = float(headers.get(name, ""))
        except (TypeError, ValueError):
            continue
        if value > 1_000_000_000:  # an epoch rather than a delay
            value -= now if now is not None else time.time()
        waits.append(value)
    return min(max([*waits, 1.0]), MAX_RATE_LIMIT_WAIT)


class DriverApi:
    def __init__(self, driver: Driver) -> None:
        self._driver = driver
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    @classmethod
    def connect(cls, url: str, token: str) -> DriverApi:
        driver = Driver(ServerAddress.parse(url).driver_options(token))
        driver.client.token = token  # what `login()` does, without its request
        return cls(driver)

    def _call(self, call: Callable[[], T]) -> T:
        self._wait_for_rate_limit()
        try:
            return cast(T, _decoded(call()))
        except requests.HTTPError as error:
            raise self._translate(error) from None
        except (requests.ConnectionError, requests.Timeout) as error:
            raise TransientError(f"mattermost unreachable: {type(error).__name__}") from None

    def _wait_for_rate_limit(self) -> None:
        with self._lock:
            pause = self._blocked_until - time.monotonic()
        if pause > 0:
            time.sleep(pause)

    def _translate(self, error: requests.HTTPError) -> Exception:
        response = error.response
        status = response.status_code if response is not None else _status_of(error)
        if status == 429 and response is not None:
            wait = rate_limit_wait(response.headers)
            with self._lock:
                self._blocked_until = max(self._blocked_until, time.monotonic() + wait)
            log.warning("mattermost rate limit", extra={"wait": wait})
            return TransientError("mattermost rate limit", retry_after=wait)
        if status is None or (status >= 500 and status != 501):
            return TransientError(f"mattermost error {status}")
        return PermanentError(f"mattermost refused ({status}): {str(error)[:200]}")

    # ------------------------------------------------------------ calls

    def me(self) -> dict[str, Any]:
        return self._call(lambda: self._driver.users.get_user("me"))

    def team_by_name(self, name: str) -> dict[str, Any]:
        return self._call(lambda: self._driver.teams.get_team_by_name(name))

    def create_post(self, post: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda: self._driver.posts.create_post(post))

    def create_ephemeral(self, user_id: str, post: dict[str, Any]) -> dict[str, Any]:
        body = {"user_id": user_id, "post": post}
        return self._call(lambda: self._driver.posts.create_ephemeral_post(body))

    def patch_post(self, post_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        return self._call(lambda: self._driver.posts.patch_post(post_id, changes))

    def get_post(self, post_id: str) -> dict[str, Any]:
        return self._call(lambda: self._driver.posts.get_post(post_id))

    def channel_posts(
        self, channel_id: str, *, since: int | None = None, per_page: int = 60
    ) -> dict[str, Any]:
        params: dict[str, Any] = {"since": since} if since is not None else {"per_page": per_page}
        return self._call(
            lambda: self._driver.posts.get_posts_for_channel(channel_id, params=params)
        )

    def channel(self, channel_id: str) -> dict[str, Any]:
        return self._call(lambda: self._driver.channels.get_channel(channel_id))

    def channel_by_name(self, team_id: str, name: str) -> dict[str, Any]:
        return self._call(lambda: self._driver.channels.get_channel_by_name(team_id, name))

    def channels_of(self, user_id: str, team_id: str) -> list[dict[str, Any]]:
        return self._call(lambda: self._driver.channels.get_channels_for_user(user_id, team_id))

    def direct_channel(self, user_a: str, user_b: str) -> dict[str, Any]:
        return self._call(
            lambda: self._driver.channels.create_direct_message_channel([user_a, user_b])
        )

    def users_by_usernames(self, usernames: list[str]) -> list[dict[str, Any]]:
        return self._call(lambda: self._driver.users.get_users_by_usernames(usernames))

    def users_by_ids(self, user_ids: list[str]) -> list[dict[str, Any]]:
        return self._call(lambda: self._driver.users.get_users_by_ids(user_ids))

    def upload(self, channel_id: str, filename: str, content: bytes, mime_type: str) -> str:
        files = {"files": (filename, content, mime_type)}
        answer = self._call(lambda: self._driver.files.upload_file(channel_id, files))
        return str(answer["file_infos"][0]["id"])

    def open_dialog(self, payload: dict[str, Any]) -> None:
        self._call(lambda: self._driver.integration_actions.open_dialog(payload))

    def roles_by_names(self, names: list[str]) -> list[dict[str, Any]]:
        """`POST /roles/names` (the driver's own helper sends a GET without the names)."""
        return self._call(lambda: self._driver.client.post("/roles/names", options=names))

    def client_config(self) -> dict[str, Any]:
        """`GET /config/client?format=old` (501 without `format=old`): where the server
        publishes the key that signs trigger ids."""
        return self._call(
            lambda: self._driver.system.get_client_configuration(params={"format": "old"})
        )


def _decoded(answer: Any) -> Any:
    """The JSON of an answer the driver left raw because its type carried parameters."""
    if not isinstance(answer, requests.Response):
        return answer
    media_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise PermanentError(f"mattermost answered {media_type or 'no content type'}, not JSON")
    try:
        return answer.json()
    except ValueError:
        raise PermanentError("mattermost answered invalid JSON") from None


_DRIVER_ERRORS = (
    (InvalidOrMissingParameters, 400),
    (NoAccessTokenProvided, 401),
    (NotEnoughPermissions, 403),
    (ResourceNotFound, 404),
    (MethodNotAllowed, 405),
    (ContentTooLarge, 413),
    (FeatureDisabled, 501),
)


def _status_of(error: requests.HTTPError) -> int | None:
    """mattermostdriver raises its own HTTPError subclasses, without the response, for 4xx."""
    return next((status for kind, status in _DRIVER_ERRORS if isinstance(error, kind)), None)
