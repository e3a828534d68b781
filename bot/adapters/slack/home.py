"""The App Home tab: published with `views.publish` each time a member opens it, from the
sections every feature provides (`handlers.home`). Publishing twice is harmless, so this goes
straight to Slack rather than through the outbox."""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.adapters.slack.users import Profile, UserDirectory
from bot.adapters.slack.views import home_view
from bot.runtime import Runtime
from handlers.home import HomeContext, home_sections
from store import identity


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
        with self._runtime.sessions() as session, session.begin():
            ctx = self._context(session, workspace_id, user_id, profile)
            sections = home_sections(ctx, self._runtime.router.commands)
        more = ctx.t("slack.home.more", command=self._command)
        self._client.views_publish(user_id=user_id, view=home_view(sections, more_note=more))

    def _context(
        self, session: Session, workspace_id: str, user_id: str, profile: Profile
    ) -> HomeContext:
        now = self._runtime.clock.now()
        workspace = identity.ensure_workspace(
            session, platform="slack", external_id=workspace_id, now=now
        )
        caller = identity.ensure_user(
            session,
            workspace=workspace,
            external_id=user_id,
            now=now,
            username=profile.name,
            timezone=profile.timezone,
        )
        return HomeContext(
            session=session,
            clock=self._runtime.clock,
            workspace=workspace,
            caller=caller,
            roles=frozenset(identity.roles_of(session, caller)),
            locale=self._runtime.locale_of(caller),
            settings=self._runtime.features,
        )
