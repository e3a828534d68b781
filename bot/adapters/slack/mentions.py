"""People named in a command are Slack members the bot may not have met yet.

`/relais cohorte ajouter "Promo" @ana @ben` arrives as `<@U…>` tokens; the argument parser
only accepts people the store knows. Slack vouches for its members, so before the command
runs, every member it mentions that `users.info` confirms (bots excepted) is recorded the way
the runtime records a caller: id, handle, display name, timezone.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy.exc import IntegrityError

from bot.adapters.slack.users import UserDirectory
from bot.runtime import Runtime
from handlers.types import DirectMessage, Event, Mention, SlashCommand
from store import identity

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def mentioned(text: str) -> list[str]:
    """User ids mentioned in `text`, in order, without repeats."""
    return list(dict.fromkeys(_MENTION.findall(text)))


def introduce_mentioned(runtime: Runtime, users: UserDirectory, event: Event) -> None:
    if not isinstance(event, SlashCommand | Mention | DirectMessage):
        return
    people = {}
    for user_id in mentioned(event.text):
        profile = users.profile(user_id) if user_id != event.user_id else None
        if profile is not None and not profile.is_bot:
            people[user_id] = profile
    if not people:
        return
    now = runtime.clock.now()
    try:
        with runtime.sessions() as session, session.begin():
            workspace = identity.ensure_workspace(
                session, platform="slack", external_id=event.workspace_id, now=now
            )
            for user_id, profile in people.items():
                if identity.find_user(session, workspace=workspace, external_id=user_id):
                    continue
                identity.ensure_user(
                    session,
                    workspace=workspace,
                    external_id=user_id,
                    now=now,
                    username=profile.name,
                    display_name=profile.display_name,
                    timezone=profile.timezone,
                )
    except IntegrityError:
        log.info("mentioned member recorded concurrently", extra={"event_id": event.event_id})
