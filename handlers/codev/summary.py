"""The session's written record as the method has it: the problem as the client told it, the
question agreed in the contract, the consultants' hypotheses and suggestions, and the action
plan with its owner and dates. The client gets it at the end; the coach (or staff) can ask for
it as a file with `/relais codev synthese`, with the participants' ratings added.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from handlers.args import UsageError
from handlers.clock import zone
from handlers.codev.access import GROUP_ARG, find_group, scope
from handlers.codev.feature import registry
from handlers.codev.formatting import day, name, quoted
from handlers.codev.method import EXPOSE
from handlers.codev.plan import suggestions
from handlers.context import Context
from handlers.exports import send_to_caller
from handlers.i18n import Translator
from handlers.registry import Args
from handlers.types import Action, FileAttachment, Section
from store import codev, codev_content
from store.models import CodevAction, CodevContribution, CodevSession, User


def title(t: Translator, row: CodevSession, reader: User) -> str:
    return t(
        "codev.summary.title",
        number=row.number,
        group=quoted(row.group.name, 120),
        date=day(t, row.started_at.astimezone(zone(reader.timezone)).date()),
    )


def sections(session: Session, t: Translator, row: CodevSession) -> list[Section]:
    """Problem, question, hypotheses and suggestions by consultant, action plan."""
    told = codev_content.contributions(session, row=row, step=EXPOSE, authors={row.client_id})
    problem = "\n".join(t("codev.summary.line", text=quoted(c.text)) for c in told)
    found = [
        Section(title=t("codev.summary.problem"), body=problem or t("codev.summary.missing")),
        Section(
            title=t("codev.summary.request"),
            body=t("codev.quote", text=quoted(row.request))
            if row.request
            else t("codev.summary.no_request"),
        ),
    ]
    by_author: dict[int, tuple[User, list[CodevContribution]]] = {}
    for suggestion in suggestions(session, row):
        by_author.setdefault(suggestion.author_id, (suggestion.author, []))[1].append(suggestion)
    for author, said in by_author.values():
        body = "\n".join(t("codev.summary.line", text=quoted(s.text)) for s in said)
        found.append(Section(title=t("codev.summary.from", name=name(author)), body=body))
    if not by_author:
        found.append(
            Section(title=t("codev.summary.suggestions"), body=t("codev.plan.no_suggestions"))
        )
    plan = "\n".join(_plan_line(t, row, action) for action in row.actions)
    found.append(Section(title=t("codev.summary.plan"), body=plan or t("codev.plan.empty_plan")))
    return found


def _plan_line(t: Translator, row: CodevSession, action: CodevAction) -> str:
    due = day(t, action.due_on) if action.due_on else t("codev.summary.missing")
    return t("codev.summary.plan_line", text=quoted(action.text), owner=name(row.client), due=due)


def ratings_line(session: Session, t: Translator, row: CodevSession) -> str:
    scores = codev_content.ratings(session, row=row)
    if not scores:
        return t("codev.summary.no_ratings")
    average = f"{sum(scores) / len(scores):.1f}"
    shown = average.replace(".", ",") if t.locale == "fr" else average
    return t("codev.summary.ratings", average=shown, count=len(scores))


def markdown(heading: str, parts: list[Section]) -> str:
    """The record as a Markdown file: readable as text, rendered by most tools."""
    lines = [f"# {heading.strip('*')}", ""]
    for part in parts:
        lines.extend([f"## {part.title}", "", part.body, ""])
    return "\n".join(lines)


@registry.command(
    "codev synthese",
    aliases=("codev summary", "codev export"),
    help="codev.help.synthese",
    args=(GROUP_ARG,),
)
def export_summary(ctx: Context, args: Args) -> list[Action]:
    """The last finished session's record, with ratings, as a file in the coach's messages."""
    group = find_group(ctx, args["groupe"])
    if ctx.caller.id not in codev.facilitator_ids(group) and not ctx.has_role("staff"):
        raise UsageError("codev.summary.coach_only")
    row = codev.last_done_session(ctx.session, group=group)
    if row is None:
        raise UsageError("codev.summary.nothing")
    parts = sections(ctx.session, ctx.t, row)
    parts.append(
        Section(
            title=ctx.t("codev.summary.ratings_title"), body=ratings_line(ctx.session, ctx.t, row)
        )
    )
    heading = title(ctx.t, row, ctx.caller)
    attachment = FileAttachment(
        filename=f"synthese-codev-{group.id}-{row.number}.md",
        title=heading.strip("*"),
        content=markdown(heading, parts).encode("utf-8"),
        mime_type="text/markdown",
    )
    return scope(ctx, group, send_to_caller(ctx, heading, attachment))
