"""What every part of the ideas feature shares: its registry, its settings, idea lookups.

Channel posts (the idea card, the digest, campaign announcements) speak the community's
default language whoever triggered them; replies and direct messages speak their reader's.
"""

from __future__ import annotations

from datetime import date

from handlers.args import UsageError
from handlers.context import Context, FeatureSettings
from handlers.i18n import Translator
from handlers.registry import Registry
from store.ideas import records
from store.models import Idea
from store.models.ideas import DRAFT

registry = Registry()


def ideas_channel(settings: FeatureSettings) -> str:
    """Where the permanent idea box posts."""
    return settings.ideas.channel


def moderation_channel(settings: FeatureSettings) -> str:
    return settings.ideas.moderation_channel


def report_threshold(settings: FeatureSettings) -> int:
    return settings.ideas.report_threshold


def command_name(settings: FeatureSettings) -> str:
    return settings.command_name


def public_t(settings: FeatureSettings) -> Translator:
    """The translator for messages everyone in a channel reads."""
    return Translator(settings.default_locale)


def today(ctx: Context) -> date:
    """The caller's calendar day: deadlines are days in people's own time zone."""
    return ctx.now().astimezone(ctx.zone).date()


def find_idea(ctx: Context, number: int) -> Idea:
    """A public idea of the caller's workspace, hidden or not; drafts stay private."""
    idea = records.get(ctx.session, workspace=ctx.workspace, number=number)
    if idea is None or (idea.status == DRAFT and idea.author_id != ctx.caller.id):
        raise UsageError(
            "ideas.error.unknown_idea", number=number, command=command_name(ctx.settings)
        )
    return idea


def live_idea(ctx: Context, number: int) -> Idea:
    """A public idea people may act on: not hidden by moderators."""
    idea = find_idea(ctx, number)
    if idea.status == DRAFT:
        raise UsageError(
            "ideas.error.unknown_idea", number=number, command=command_name(ctx.settings)
        )
    if idea.hidden:
        raise UsageError("ideas.error.hidden", number=idea.id)
    return idea


def require_committee(ctx: Context) -> None:
    if not ctx.has_role("committee"):
        raise UsageError("core.error.role_required", role=ctx.t("core.role.committee"))


def check_text(ctx: Context, field: str, value: str | None, *, limit: int) -> str:
    """A required free-text field: present, not blank, not too long."""
    text = (value or "").strip()
    label = ctx.t(f"ideas.field.{field}")
    if not text:
        raise UsageError("ideas.error.empty_field", field=label, form_field=field)
    if len(text) > limit:
        raise UsageError(
            "ideas.error.too_long", field=label, limit=limit, length=len(text), form_field=field
        )
    return text
