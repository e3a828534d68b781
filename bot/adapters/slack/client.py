"""The one `WebClient` the adapter uses: Slack's own retry handlers for dropped connections and
HTTP 429 (waiting `Retry-After`), with a short bound so a worker is never parked for a minute;
longer waits go back to the outbox as a `TransientError` carrying the delay."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

DEFAULT_API_URL = "https://slack.com/api/"
MAX_INLINE_WAIT = 5.0
TIMEOUT = 10


class ShortRateLimitRetry(RateLimitErrorRetryHandler):
    """Retries a 429 in place only when Slack asks to wait a few seconds at most."""

    def __init__(self, *, max_retry_count: int = 2, max_wait: float = MAX_INLINE_WAIT) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(self, **kwargs: Any) -> bool:
        response = kwargs.get("response")
        if not super()._can_retry(**kwargs) or response is None:
            return False
        return retry_after(response.headers) <= self.max_wait


def retry_after(headers: Any, default: float = 1.0) -> float:
    """`Retry-After` in seconds from a header mapping whose values may be lists."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return default
    return default


def api_url(configured: str | None) -> str:
    """The Web API base URL with its trailing slash (slack_sdk joins paths with `urljoin`)."""
    url = configured or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"


def make_client(*, token: str, base_url: str | None = None) -> WebClient:
    return WebClient(
        token=token,
        base_url=api_url(base_url),
        timeout=TIMEOUT,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2), ShortRateLimitRetry()],
    )
