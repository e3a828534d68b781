"""A broadcast larger than many minutes of the platform's budget is spread, never dropped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.app import App
from bot.ports import Delivered, TransientError
from handlers.clock import FakeClock
from handlers.types import Action
from tests.chat import Chat, texts
from tests.checkins_support import STAFF, cohort, tick_at
from tests.fakes.recording_port import RecordingPort

MEMBERS = [f"m{index}" for index in range(30)]
PER_MINUTE = 3  # ten minutes of budget for thirty messages: beyond the outbox's 8 attempts


@dataclass
class BudgetPort(RecordingPort):
    """Like Slack's workspace limit: `per_minute` messages per rolling minute, then 429s."""

    clock: FakeClock | None = None
    per_minute: int = PER_MINUTE
    recent: list[datetime] = field(default_factory=list)
    refused: int = 0

    def deliver(self, action: Action, *, key: str, workspace_id: str) -> Delivered:
        assert self.clock is not None
        now = self.clock.now()
        self.recent = [at for at in self.recent if now - at < timedelta(minutes=1)]
        if len(self.recent) >= self.per_minute:
            self.refused += 1
            wait = 60 - (now - self.recent[0]).total_seconds()
            raise TransientError("slack ratelimited", retry_after=max(1.0, wait))
        self.recent.append(now)
        return super().deliver(action, key=key, workspace_id=workspace_id)


def test_rate_limited_fan_out_is_spread_over_minutes_and_never_dropped(
    app: App, chat: Chat, clock: FakeClock
) -> None:
    cohort(chat, "Grande cohorte", MEMBERS)
    budget = BudgetPort(clock=clock)
    app.outbox.ports["test"] = chat.port = budget
    [shown] = chat.command(STAFF, 'diffuser "Grande cohorte" "Bonjour à toutes et à tous"')
    chat.press(STAFF, shown.button("Envoyer"), on=shown)
    for _ in range(12):
        tick_at(app, clock, budget, clock.now() + timedelta(seconds=61))
    received = Counter(s.to_user for s in budget.sent if s.key.startswith("broadcast:"))
    assert received == dict.fromkeys(MEMBERS, 1)
    assert budget.refused <= 12, "one refused attempt per minute of waiting, not a storm"
    report = texts(chat.command(STAFF, "diffusion liste"))
    assert "Envoyée" in report
