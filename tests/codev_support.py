"""Shared steps of the co-development dialog tests: a coach, five members, a group channel."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from handlers.types import Button, Post, UpdatePost
from store.models import CodevContribution, CodevSession
from tests.chat import Chat
from tests.fakes.recording_port import Sent

COACH = "coralie"
MEMBERS = ("bea", "carl", "dina", "eric", "fanny")
CHANNEL = "C-codev"
GROUP = "Chefs de pôle Grand Est"


def one(sent: list[Sent], *, key_end: str) -> Sent:
    found = [s for s in sent if s.key.endswith(key_end)]
    assert len(found) == 1, f"expected one delivery ending {key_end!r} in {[s.key for s in sent]}"
    return found[0]


def to(sent: list[Sent], user: str) -> list[Sent]:
    return [s for s in sent if s.to_user == user or getattr(s.action, "user_id", None) == user]


def thread_posts(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if isinstance(s.action, Post) and s.action.thread_id]


def updates(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if isinstance(s.action, UpdatePost)]


def choice_button(sent: Sent, index: int) -> Button:
    """A choice-list option seen as the press it makes."""
    assert sent.message is not None
    choice = sent.message.choices[0]
    option = choice.options[index]
    return Button(action_id=choice.action_id, label=option.label, value=option.value)


@dataclass
class Group:
    """A group created by the coach in the group channel; `charter` is the posted charter."""

    chat: Chat
    charter: Sent
    members: tuple[str, ...] = MEMBERS
    root: Sent | None = None
    last_step: Sent | None = None
    seen: list[Sent] = field(default_factory=list)

    def coach(self, text: str) -> list[Sent]:
        return self.chat.command(COACH, text, channel=CHANNEL)

    def say(self, user: str, text: str) -> list[Sent]:
        assert self.root is not None and self.root.message_id is not None
        return self.chat.reply(user, self.root.message_id, text, channel=CHANNEL)

    def launch(self, client: str) -> list[Sent]:
        sent = self.coach(f"codev lancer --client @{client}")
        self.root = one(sent, key_end=":root")
        self.last_step = one(sent, key_end=":step:0")
        return sent

    def next(self) -> list[Sent]:
        sent = self.coach("codev suivant")
        steps = [s for s in sent if ":step:" in s.key]
        if steps:
            self.last_step = steps[0]
        return sent


def create_group(chat: Chat, members: tuple[str, ...] = MEMBERS, *, accept: bool = True) -> Group:
    for user in (COACH, *members):
        chat.command(user, "moi")
    chat.command("ada", f"role @{COACH} coach")
    mentions = " ".join(f"@{m}" for m in members)
    sent = chat.command(COACH, f'codev groupe creer "{GROUP}" {mentions}', channel=CHANNEL)
    charter = one(sent, key_end=":charter")
    if accept:
        for member in members:
            chat.press(member, charter.button("J'accepte la charte"), on=charter)
    return Group(chat=chat, charter=charter, members=members)


def count_contributions(chat: Chat) -> int:
    with chat.app.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(CodevContribution)) or 0)


def session_row(chat: Chat) -> CodevSession:
    with chat.app.sessions() as session:
        row = session.scalars(select(CodevSession).order_by(CodevSession.id.desc())).first()
        assert row is not None
        session.expunge(row)
        return row
