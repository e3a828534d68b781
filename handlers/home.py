"""The member's home page (Slack's App Home tab), gathered from every feature.

Features declare `@registry.home(order=…)` providers that return neutral `Section`s about the
member (their cohorts and next check-in, open co-development sessions, their ideas); this module
adds the greeting and quick actions and puts them in order. Platforms only render the result.
"""

from __future__ import annotations

import logging

from handlers import help, profile
from handlers.context import Context, MemberContext
from handlers.i18n import LOCALES
from handlers.registry import Registries, Registry
from handlers.text import mention
from handlers.types import Action, Button, ButtonPress, Section

log = logging.getLogger(__name__)
registry = Registry()


HomeContext = MemberContext
"""What a home provider receives: a member's context, without an event."""


def home_sections(ctx: HomeContext, registries: Registries) -> list[Section]:
    """Every provider's sections in order; a provider that fails is left out, not the page."""
    found: list[Section] = []
    for spec in registries.home_providers():
        try:
            with ctx.session.begin_nested():
                found.extend(spec.func(ctx))
        except Exception:
            log.exception("home provider failed", extra={"provider": spec.func.__name__})
    if len(found) <= 1:
        found.append(Section(body=ctx.t("home.empty")))
    return found


@registry.home(order=0)
def welcome(ctx: HomeContext) -> list[Section]:
    command = ctx.settings.command_name
    other = next(code for code in LOCALES if code != ctx.locale)
    buttons = (
        Button(action_id="home.help", label=ctx.t("home.button.help"), style="primary"),
        Button(action_id="home.me", label=ctx.t("home.button.me")),
        Button(action_id="core.language", label=ctx.t(f"core.language.name.{other}"), value=other),
    )
    body = ctx.t("home.welcome", user=mention(ctx.caller.external_id), command=command)
    return [Section(title=ctx.t("home.title"), body=body, buttons=buttons)]


@registry.button("home.help")
def press_help(ctx: Context, press: ButtonPress) -> list[Action]:
    return help.show_help(ctx, {"commande": None})


@registry.button("home.me")
def press_me(ctx: Context, press: ButtonPress) -> list[Action]:
    return profile.whoami(ctx, {})
