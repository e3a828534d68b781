"""`/relais idees stats [campagne]`: the figures of a campaign (or all), with a chart.

The answer is posted in the channel, since a chart is a file and files need a real post.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.ideas.chart import status_chart
from handlers.ideas.committee import campaign_or_all
from handlers.ideas.common import registry
from handlers.ideas.statuses import label
from handlers.registry import Arg, Args
from handlers.text import quote_user
from handlers.types import Action, FileAttachment, Message, Section
from store.ideas import figures
from store.models.ideas import STATUSES


@registry.command(
    "idees stats",
    aliases=("ideas stats",),
    help="ideas.help.stats",
    args=(Arg("campagne", kind="int", required=False),),
)
def stats(ctx: Context, args: Args) -> list[Action]:
    campaign = campaign_or_all(ctx, args["campagne"])
    counted = figures.figures(ctx.session, workspace=ctx.workspace, campaign=campaign)
    scope = quote_user(campaign.title) if campaign else ctx.t("ideas.stats.everything")
    fields = (
        (ctx.t("ideas.stats.proposals"), str(counted.proposals)),
        (ctx.t("ideas.stats.comments"), str(counted.comments)),
        (ctx.t("ideas.stats.supports"), str(counted.supports)),
        (ctx.t("ideas.stats.participants"), str(counted.participants)),
        (ctx.t("ideas.stats.retained"), str(counted.retained)),
        (ctx.t("ideas.stats.implemented"), str(counted.implemented)),
    )
    message = Message(
        text=ctx.t("ideas.stats.title", scope=scope), sections=(Section(fields=fields),)
    )
    if counted.proposals:
        bars = [(label(ctx.t, status), counted.by_status.get(status, 0)) for status in STATUSES]
        chart = status_chart(bars, title=ctx.t("ideas.stats.chart_title", scope=scope))
        message = message.model_copy(
            update={
                "files": (
                    FileAttachment(
                        filename="idees-par-statut.png",
                        title=ctx.t("ideas.stats.chart_title", scope=scope),
                        content=chart,
                        mime_type="image/png",
                    ),
                )
            }
        )
    return [ctx.reply(message, public=True)]
