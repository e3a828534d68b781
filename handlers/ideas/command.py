"""`/relais idee`: propose an idea, or act on one by its number.

    /relais idee                                   → the form
    /relais idee "Titre" --probleme … --proposition … --gain … --perimetre …
    /relais idee 12                                → the card, privately
    /relais idee 12 retenir "réponse publique"  (or refuser; statut <état> for the others)
    /relais idee 12 modifier | retirer "raison" [--au-profit-de 7] | note "…" | notes
    /relais idee 12 soutenir | suivre

One command carries every option so that the console and scripts can type everything the
forms and buttons do; the verb after the number says which part of the feature answers.
"""

from __future__ import annotations

import re

from handlers.args import UsageError
from handlers.context import Context
from handlers.ideas import card, committee, editing, lifecycle, proposing, supports
from handlers.ideas.common import command_name, find_idea, registry
from handlers.ideas.statuses import label
from handlers.registry import Arg, ArgKind, Args
from handlers.text import quote_user
from handlers.types import Action, Message, Section
from store.ideas import records

_NUMBER = re.compile(r"#?\d{1,9}")
_VERBS = {
    "statut": "status",
    "retenir": "retain",
    "retain": "retain",
    "refuser": "decline",
    "decliner": "decline",
    "décliner": "decline",
    "decline": "decline",
    "status": "status",
    "modifier": "edit",
    "edit": "edit",
    "retirer": "withdraw",
    "withdraw": "withdraw",
    "note": "note",
    "notes": "notes",
    "soutenir": "support",
    "support": "support",
    "suivre": "follow",
    "follow": "follow",
    "voir": "show",
    "show": "show",
}
_SHOWN_VERBS = "retenir, refuser, statut, modifier, retirer, note, notes, soutenir, suivre"


def _option(name: str, kind: ArgKind = "text", *aliases: str) -> Arg:
    return Arg(name, kind=kind, option=True, required=False, aliases=aliases)


@registry.command(
    "idee",
    aliases=("idea",),
    help="ideas.help.idee",
    args=(
        Arg("titre", kind="text", required=False),
        Arg("suite", kind="rest", required=False),
        _option("probleme", "text", "problem"),
        _option("proposition", "text", "proposal"),
        _option("gain", "text"),
        _option("perimetre", "text", "scope"),
        _option("campagne", "word", "campaign"),
        _option("rapporteur", "user"),
        _option("dans", "int", "into"),
        _option("au-profit-de", "int", "in-favour-of"),
    ),
    form=proposing.proposal_form,
)
def idea_command(ctx: Context, args: Args) -> list[Action]:
    first, rest = (args["titre"] or "").strip(), (args["suite"] or "").strip()
    if not _NUMBER.fullmatch(first):
        if rest:
            raise UsageError("core.error.too_many_arguments", extra=rest[:80])
        return proposing.propose(ctx, args)
    number = int(first.lstrip("#"))
    verb_word, _, tail = rest.partition(" ")
    verb = _VERBS.get(verb_word.lower(), "show" if not verb_word else "")
    tail = tail.strip()
    if verb == "status":
        return lifecycle.status_verb(
            ctx, number, tail, rapporteur=args["rapporteur"], into=args["dans"]
        )
    if verb in ("retain", "decline"):
        return lifecycle.decide_verb(ctx, number, tail, retain=verb == "retain")
    if verb == "edit":
        return editing.edit_verb(ctx, number, tail, args)
    if verb == "withdraw":
        return editing.withdraw_verb(ctx, number, tail, args["au-profit-de"])
    if verb == "note":
        return committee.note_verb(ctx, number, tail)
    if verb == "notes":
        return committee.notes_verb(ctx, number)
    if verb == "support":
        return supports.support(ctx, number)
    if verb == "follow":
        return supports.follow(ctx, number)
    if verb == "show" and not tail:
        return show(ctx, number)
    raise UsageError(
        "ideas.error.unknown_verb",
        verb=verb_word[:40],
        verbs=_SHOWN_VERBS,
        command=command_name(ctx.settings),
    )


def show(ctx: Context, number: int) -> list[Action]:
    """The card for the caller alone, with its history, and what the caller may do next."""
    idea = find_idea(ctx, number)
    shown = card.render(ctx.session, idea, ctx.t)
    history = [
        ctx.t(
            "ideas.show.change",
            date=change.created_at.astimezone(ctx.zone).strftime("%Y-%m-%d"),
            status=label(ctx.t, change.to_status),
        )
        for change in records.history(ctx.session, idea)
    ]
    sections = list(shown.sections)
    if history:
        sections.append(Section(title=ctx.t("ideas.show.history"), body="\n".join(history)))
    return [ctx.reply(Message(text=shown.text, sections=tuple(sections), buttons=shown.buttons))]


@registry.command(
    "idees",
    aliases=("ideas",),
    help="ideas.help.idees",
    args=(Arg("campagne", kind="int", required=False),),
)
def list_ideas(ctx: Context, args: Args) -> list[Action]:
    campaign = committee.campaign_or_all(ctx, args["campagne"])
    found = records.listing(ctx.session, workspace=ctx.workspace, campaign=campaign)
    if not found:
        return ctx.say("ideas.list.empty", command=command_name(ctx.settings))
    lines = [
        ctx.t.plural(
            "ideas.list.line",
            supports,
            number=idea.id,
            title=quote_user(idea.title, limit=80),
            status=label(ctx.t, idea.status),
        )
        for idea, supports in found[:25]
    ]
    title = ctx.t.plural("ideas.list.title", len(found), command=command_name(ctx.settings))
    return [ctx.reply(Message(text=title + "\n" + "\n".join(lines)))]
