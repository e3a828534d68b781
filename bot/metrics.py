"""Prometheus metrics served at `GET /metrics`: what operators watch on a ministry-wide run.

Counters and histograms live in this process; the outbox queue depth is read from the store at
scrape time, so every replica reports the same shared queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.http import Request, Response

REGISTRY = CollectorRegistry(auto_describe=True)

EVENTS = Counter(
    "relais_events_handled_total",
    "Events handled, by platform and kind.",
    ["platform", "kind"],
    registry=REGISTRY,
)
HANDLER_SECONDS = Histogram(
    "relais_handler_seconds",
    "Time to handle one event (dispatch and recording its actions).",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
    registry=REGISTRY,
)
DELIVERIES = Counter(
    "relais_deliveries_total",
    "Delivery attempts by outcome: sent, retried or failed.",
    ["platform", "outcome"],
    registry=REGISTRY,
)
RECONNECTS = Counter(
    "relais_websocket_reconnects_total",
    "Websocket reconnections to a chat platform.",
    ["platform"],
    registry=REGISTRY,
)


class QueueDepth(Collector):
    """Deliveries still pending or in flight, counted in the shared store at scrape time."""

    def __init__(self, depth: Callable[[], int]) -> None:
        self._depth = depth

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "relais_outbox_queue_depth", "Deliveries pending or in flight.", value=self._depth()
        )


def watch_queue(depth: Callable[[], int]) -> QueueDepth:
    collector = QueueDepth(depth)
    REGISTRY.register(collector)
    return collector


def metrics_route(_request: Request) -> Response:
    return Response(
        200,
        generate_latest(REGISTRY),
        {"Content-Type": "text/plain; version=0.0.4; charset=utf-8"},
    )
