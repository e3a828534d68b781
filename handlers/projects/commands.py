"""What members can ask about past projects in the chat.

    /relais projets lean à l'hôpital --region Hauts-de-France
    /relais projet lean-sante-chru-lille
    /relais contacts télémédecine
    /relais profil projet capri-gustave-roussy [--retirer]

and any free question sent to the bot (mention or direct message) is answered the same way.
Handing a question to the community lives in `community.py`.
"""

from __future__ import annotations

import re

from handlers.args import UsageError
from handlers.context import Context
from handlers.i18n import Translator
from handlers.projects import cards
from handlers.projects.answer import Answer, ask, similar
from handlers.projects.contacts import answer_contacts, asks_for_contacts
from handlers.projects.language import detect
from handlers.registry import Arg, Args, Registry
from handlers.text import quote_user
from handlers.types import Action, ButtonPress, Message
from store import project_members as members
from store import projects as store
from store.projects import Filters

registry = Registry()

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FILTERS = (
    Arg("theme", kind="text", option=True, required=False, aliases=("thème", "themes")),
    Arg("region", kind="text", option=True, required=False, aliases=("région",)),
    Arg("type", kind="text", option=True, required=False, aliases=("kind",)),
    Arg("organisation", kind="text", option=True, required=False, aliases=("org", "organization")),
    Arg("annee", kind="int", option=True, required=False, aliases=("année", "year")),
    Arg("depuis", kind="int", option=True, required=False, aliases=("from", "since")),
    Arg("jusqu-a", kind="int", option=True, required=False, aliases=("jusqu-à", "until", "to")),
)


@registry.command(
    "projets",
    aliases=("projects",),
    help="projects.help.projets",
    args=(Arg("question", kind="rest", required=False), *FILTERS),
)
def ask_command(ctx: Context, args: Args) -> list[Action]:
    filters = Filters(
        year_from=args["annee"] or args["depuis"],
        year_to=args["annee"] or args["jusqu-a"],
        organisation=args["organisation"],
        theme=args["theme"],
        region=args["region"],
        kind=args["type"],
    )
    if filters.year_from and filters.year_to and filters.year_from > filters.year_to:
        raise UsageError("projects.filters.bad_years")
    question = args["question"] or ""
    if not filters and asks_for_contacts(question):
        return answer_contacts(ctx, question)
    return answer(ctx, question, filters)


@registry.text("projects.ask")
def ask_text(ctx: Context, text: str) -> list[Action]:
    """Free questions (« qui a fait du lean à l'hôpital ? ») sent to the bot; « qui
    contacter… » gets people rather than projects."""
    if asks_for_contacts(text):
        return answer_contacts(ctx, text)
    return answer(ctx, text, Filters())


@registry.command(
    "qui",
    aliases=("who", "a qui", "à qui"),
    help="projects.help.contacts",
    args=(Arg("question", kind="rest", required=False),),
    hidden=True,
)
def who_command(ctx: Context, args: Args) -> list[Action]:
    """`/relais qui contacter pour …`, `/relais who should I contact about …`: the first word
    was taken for a command name; the question is put back together and read as a message."""
    rest = (args["question"] or "").strip()
    lead = "who" if detect(rest) == "en" else "qui"
    return ask_text(ctx, f"{lead} {rest}")


def answer(ctx: Context, question: str, filters: Filters) -> list[Action]:
    found = ask(ctx.session, question, filters=filters)
    t = Translator("en") if found.language == "en" else ctx.t
    if found.status == "empty":
        return [ctx.reply(t("projects.answer.empty"))]
    if found.status == "no_terms":
        return [ctx.reply(t("projects.answer.no_terms"))]
    return [ctx.reply(_answer_message(ctx, t, found))]


def _answer_message(ctx: Context, t: Translator, found: Answer) -> Message:
    """Confident: cards. Otherwise at most two leads and, where it can help, one offer to ask
    the community: not in the community channel itself, and not twice for the same question."""
    alumni = members.alumni(
        ctx.session, project_ids=[m.project.id for m in found.matches], workspace=ctx.workspace
    )
    if found.confident or not found.query:
        return cards.answer_message(t, found, alumni=alumni)
    question_id = None
    channel = ctx.settings.community_channel
    if channel and getattr(ctx.event, "channel_id", None) != channel:
        saved = members.earlier_question(
            ctx.session, workspace=ctx.workspace, user=ctx.caller, text=found.query
        ) or members.save_question(
            ctx.session, workspace=ctx.workspace, user=ctx.caller, text=found.query, now=ctx.now()
        )
        question_id = saved.id if saved.posted_at is None else None
    common = [] if found.matches else store.common_themes(ctx.session, limit=5)
    return cards.answer_message(
        t,
        found,
        alumni=alumni,
        suggestions=cards.suggestions_from(found.matches, common),
        community_question=question_id,
    )


@registry.command(
    "projet",
    aliases=("project",),
    help="projects.help.projet",
    args=(Arg("slug", kind="rest"),),
)
def show_command(ctx: Context, args: Args) -> list[Action]:
    """A slug shows the record; anything else is taken as a question (« projet de … »)."""
    text = args["slug"].strip()
    if not SLUG.match(text.lower()):
        return answer(ctx, text, Filters())
    return _show(ctx, text.lower())


def _show(ctx: Context, slug: str) -> list[Action]:
    project = store.by_slug(ctx.session, slug)
    if project is None:
        guess = ask(ctx.session, slug.replace("-", " "), limit=1)
        if guess.matches:
            return ctx.say(
                "projects.show.unknown_suggest",
                slug=slug[:80],
                suggestion=guess.matches[0].project.slug,
            )
        return ctx.say("projects.show.unknown", slug=slug[:80])
    alumni = members.alumni(ctx.session, project_ids=[project.id], workspace=ctx.workspace)
    votes = members.feedback_counts(ctx.session, project=project)
    message = cards.record_message(ctx.t, project, alumni=alumni.get(project.id, []), votes=votes)
    return [ctx.reply(message)]


@registry.command(
    "contacts",
    aliases=("contact",),
    help="projects.help.contacts",
    args=(Arg("sujet", kind="rest", required=False),),
)
def contacts_command(ctx: Context, args: Args) -> list[Action]:
    return answer_contacts(ctx, (args["sujet"] or "").strip())


@registry.command(
    "profil projet",
    aliases=("profile project",),
    help="projects.help.profil_projet",
    args=(
        Arg("slug", kind="word"),
        Arg("retirer", kind="flag", aliases=("remove",)),
        Arg("role", kind="text", option=True, required=False, aliases=("rôle",)),
        Arg("organisation", kind="text", option=True, required=False, aliases=("organization",)),
    ),
)
def declare_alumnus(ctx: Context, args: Args) -> list[Action]:
    """A member lists themselves as a contact for a project, with their role and organisation
    (`--role "cheffe de projet" --organisation "CHU de Nantes"`)."""
    slug = args["slug"].strip().lower()
    project = store.by_slug(ctx.session, slug)
    if project is None:
        return _show(ctx, slug)
    title = quote_user(project.title, limit=200)
    if args["retirer"]:
        removed = members.withdraw_alumnus(ctx.session, project=project, user=ctx.caller)
        return ctx.say(
            "projects.alumni.removed" if removed else "projects.alumni.not_listed", title=title
        )
    added = members.declare_alumnus(
        ctx.session,
        project=project,
        user=ctx.caller,
        now=ctx.now(),
        role=(args["role"] or "").strip()[:300] or None,
        organisation=(args["organisation"] or "").strip()[:300] or None,
    )
    key = "projects.alumni.added" if added else "projects.alumni.already"
    if args["role"] or args["organisation"]:
        key = "projects.alumni.added" if added else "projects.alumni.updated"
    return ctx.say(key, title=title)


# ------------------------------------------------------------------ buttons


@registry.button(cards.SHOW)
def show_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return _show(ctx, press.value)


@registry.button(cards.SIMILAR)
def similar_button(ctx: Context, press: ButtonPress) -> list[Action]:
    project = store.by_slug(ctx.session, press.value)
    if project is None:
        return ctx.say("projects.show.unknown", slug=press.value[:80])
    title = quote_user(project.title, limit=200)
    matches = similar(ctx.session, project)
    if not matches:
        return ctx.say("projects.similar.none", title=title)
    alumni = members.alumni(
        ctx.session, project_ids=[m.project.id for m in matches], workspace=ctx.workspace
    )
    sections = tuple(
        cards.card(ctx.t, i, m, alumni=alumni.get(m.project.id, []), question=project.title)
        for i, m in enumerate(matches, 1)
    )
    return [
        ctx.reply(Message(text=ctx.t("projects.similar.intro", title=title), sections=sections))
    ]


@registry.button(cards.USEFUL)
def useful_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return _feedback(ctx, press, useful=True)


@registry.button(cards.NOT_USEFUL)
def not_useful_button(ctx: Context, press: ButtonPress) -> list[Action]:
    return _feedback(ctx, press, useful=False)


def _feedback(ctx: Context, press: ButtonPress, *, useful: bool) -> list[Action]:
    slug, _, question = press.value.partition("|")
    project = store.by_slug(ctx.session, slug)
    if project is None:
        return ctx.say("projects.show.unknown", slug=slug[:80])
    members.record_feedback(
        ctx.session,
        project=project,
        user=ctx.caller,
        useful=useful,
        question=question,
        now=ctx.now(),
    )
    key = "projects.feedback.useful" if useful else "projects.feedback.not_useful"
    return ctx.say(key, title=quote_user(project.title, limit=200))
