"""The weekly digest: new ideas, decisions and the most supported ideas, per campaign channel.

`build_digest` is what both the scheduler job and `relais idees digest` call; each post is
keyed by campaign and ISO week, so running it twice in a week posts once.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.context import JobContext
from handlers.i18n import Translator
from handlers.ideas.common import command_name, registry
from handlers.ideas.statuses import label
from handlers.text import quote_user
from handlers.types import Action, Message, Post, Section
from store import due
from store.ideas import campaigns, figures, records
from store.models import IdeaCampaign, Workspace
from store.models.ideas import OPEN_TO_SUPPORT

JOB_KIND = "ideas.digest"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = time(9, 0)
_ZONE = "Europe/Paris"
_TOP = 3


def schedule_digest(session: Session, *, workspace: Workspace, now: datetime) -> None:
    """Plans the workspace's next digest (Monday 9:00, Paris time); planning twice is harmless."""
    local = now.astimezone(ZoneInfo(_ZONE))
    days = (DIGEST_WEEKDAY - local.weekday()) % 7
    moment = datetime.combine(local.date() + timedelta(days=days), DIGEST_TIME, tzinfo=local.tzinfo)
    if moment <= local:
        moment += timedelta(days=7)
    due.schedule(
        session,
        key=f"{JOB_KIND}:{workspace.id}:{moment.date().isoformat()}",
        kind=JOB_KIND,
        workspace=workspace,
        due_at=moment,
        now=now,
    )


def build_digest(
    session: Session, *, workspace: Workspace, now: datetime, t: Translator, command: str = "relais"
) -> list[Action]:
    """One post per open campaign that had news in the last seven days."""
    since = now - timedelta(days=7)
    year, week, _ = now.isocalendar()
    actions: list[Action] = []
    for campaign in campaigns.open_ones(session, workspace=workspace):
        message = _digest(session, campaign, since=since, t=t, command=command)
        if message is not None:
            actions.append(
                Post(
                    key=f"ideas:digest:{campaign.id}:{year}-W{week:02d}",
                    channel_id=campaign.channel_id,
                    message=message,
                )
            )
    return actions


def weekly_digests(
    session: Session, *, now: datetime, t: Translator, command: str
) -> list[tuple[Workspace, list[Action]]]:
    """`relais idees digest`: every workspace with an open campaign, and its digest posts."""
    found = []
    for workspace_id in sorted({c.workspace_id for c in campaigns.open_ones(session)}):
        workspace = session.get_one(Workspace, workspace_id)
        found.append(
            (workspace, build_digest(session, workspace=workspace, now=now, t=t, command=command))
        )
    return found


def _digest(
    session: Session, campaign: IdeaCampaign, *, since: datetime, t: Translator, command: str
) -> Message | None:
    new = figures.published_since(session, campaign=campaign, since=since)
    decided = figures.decided_since(session, campaign=campaign, since=since)
    if not new and not decided:
        return None
    sections = []
    if new:
        sections.append(
            Section(
                title=t.plural("ideas.digest.new", len(new)),
                body="\n".join(
                    t("ideas.digest.line", number=idea.id, title=quote_user(idea.title, limit=100))
                    for idea in new
                ),
            )
        )
    if decided:
        sections.append(
            Section(
                title=t("ideas.digest.decided"),
                body="\n".join(
                    t(
                        "ideas.digest.decision",
                        number=idea.id,
                        title=quote_user(idea.title, limit=100),
                        status=label(t, change.to_status),
                    )
                    for idea, change in decided
                ),
            )
        )
    top = [
        (idea, n)
        for idea, n in records.listing(
            session,
            workspace=session.get_one(Workspace, campaign.workspace_id),
            campaign=campaign,
            statuses=OPEN_TO_SUPPORT,
        )
        if n > 0
    ][:_TOP]
    if top:
        sections.append(
            Section(
                title=t("ideas.digest.top"),
                body="\n".join(
                    t.plural(
                        "ideas.digest.top_line",
                        n,
                        number=idea.id,
                        title=quote_user(idea.title, limit=100),
                    )
                    for idea, n in top
                ),
            )
        )
    return Message(
        text=t("ideas.digest.title", campaign=quote_user(campaign.title), command=command),
        sections=tuple(sections),
    )


@registry.job(JOB_KIND)
def digest_job(ctx: JobContext, payload: dict[str, object]) -> list[Action]:
    """The weekly run: this week's digest, and the next one planned."""
    actions = build_digest(
        ctx.session,
        workspace=ctx.workspace,
        now=ctx.now(),
        t=Translator(ctx.default_locale),
        command=command_name(ctx.settings),
    )
    schedule_digest(ctx.session, workspace=ctx.workspace, now=ctx.now())
    return actions
