"""The App Home tab: published with `views.publish` each time a member opens it, from the
sections the runtime gathers from every feature. Publishing twice is harmless and an older
page queued behind a newer one would be wrong, so this goes straight to Slack rather than
through the outbox."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.adapters.slack.users import Profile, UserDirectory
from bot.adapters.slack.views import home_view
from bot.ports import Person, Runtime
from handlers.i18n import Translator


class HomePublisher:
    def __init__(
        self, *, runtime: Runtime, client: WebClient, users: UserDirectory, command_name: str
    ) -> None:
        self._runtime = runtime
        self._client = client
        self._users = users
        self._command = command_name

    def publish(self, *, workspace_id: str, user_id: str) -> None:
        profile = self._users.profile(user_id) or Profile()
        person = Person(user_id=user_id, name=profile.name, timezone=profile.timezone)
        home = self._runtime.home(platform="slack", workspace_id=workspace_id, person=person)
        more = Translator(home.locale)("slack.home.more", command=self._command)
        self._client.views_publish(user_id=user_id, view=home_view(home.sections, more_note=more))
