"""People named in a command are Slack members the bot may not have met yet.

`/relais cohorte ajouter "Promo" @ana @ben` arrives as `<@U…>` tokens; the argument parser
only accepts people the store knows. Slack vouches for its members, so every member the text
names that `users.info` confirms (bots excepted) is handed to the runtime with the event, which
records the new ones in the event's own transaction.
"""

from __future__ import annotations

import re

from bot.adapters.slack.users import UserDirectory
from bot.ports import Person
from handlers.types import DirectMessage, Event, Mention, SlashCommand

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def mentioned(text: str) -> list[str]:
    """User ids mentioned in `text`, in order, without repeats."""
    return list(dict.fromkeys(_MENTION.findall(text)))


def people_named(users: UserDirectory, event: Event) -> list[Person]:
    if not isinstance(event, SlashCommand | Mention | DirectMessage):
        return []
    people = []
    for user_id in mentioned(event.text):
        profile = users.profile(user_id) if user_id != event.user_id else None
        if profile is not None and not profile.is_bot:
            people.append(
                Person(
                    user_id=user_id,
                    name=profile.name,
                    display_name=profile.display_name,
                    timezone=profile.timezone,
                )
            )
    return people
