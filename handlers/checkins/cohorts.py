"""Staff managing cohorts: create, add and remove members, list, archive."""

from __future__ import annotations

from handlers.args import UsageError
from handlers.checkins import planning
from handlers.checkins.feature import registry
from handlers.context import Context
from handlers.i18n import Translator
from handlers.registry import Arg, Args
from handlers.text import mention, quote_user
from handlers.types import Action, DirectMessageAction, Message, Section
from store import audit
from store import checkins as store
from store.models import Cohort, User
from store.models.checkins import CALENDAR_ALSACE_MOSELLE, CALENDAR_FRANCE

MAX_NAME = 120


def cohort_named(ctx: Context, name: str) -> Cohort:
    """The active cohort of that name, or a usage error listing the known ones."""
    cohort = store.find_cohort(ctx.session, workspace=ctx.workspace, name=name)
    if cohort is None:
        known = ", ".join(
            f"« {c.name} »" for c in store.active_cohorts(ctx.session, workspace=ctx.workspace)
        )
        raise UsageError(
            "checkins.cohort.unknown",
            name=quote_user(name, limit=60),
            known=known or ctx.t("common.none"),
        )
    return cohort


def _audit(ctx: Context, action: str, cohort: Cohort, detail: str | None = None) -> None:
    audit.record(
        ctx.session,
        workspace=ctx.workspace,
        actor=ctx.caller,
        action=action,
        target=f"cohort:{cohort.id}",
        detail=detail,
        now=ctx.now(),
    )


@registry.command(
    "cohorte creer",
    aliases=("cohorte créer", "cohort create"),
    help="checkins.help.creer",
    role="staff",
    args=(
        Arg("nom", kind="text"),
        Arg("coach", kind="user", option=True, required=False),
        Arg("nominative", kind="flag"),
        Arg("alsace-moselle", kind="flag", aliases=("alsace",)),
        Arg("alerte", kind="int", option=True, required=False, aliases=("alert",)),
    ),
)
def create(ctx: Context, args: Args) -> list[Action]:
    name = " ".join(args["nom"].split())
    if not name or len(name) > MAX_NAME:
        raise UsageError("checkins.cohort.bad_name", limit=MAX_NAME)
    if store.find_cohort(ctx.session, workspace=ctx.workspace, name=name):
        raise UsageError("checkins.cohort.exists", name=quote_user(name))
    alert = args["alerte"]
    if alert is not None and not 1 <= alert <= 20:
        raise UsageError("checkins.cohort.bad_alert")
    cohort = store.create_cohort(
        ctx.session,
        workspace=ctx.workspace,
        name=name,
        now=ctx.now(),
        created_by=ctx.caller,
        coach=args["coach"],
        nominative=args["nominative"],
        calendar=CALENDAR_ALSACE_MOSELLE if args["alsace-moselle"] else CALENDAR_FRANCE,
        missed_alert=alert,
    )
    _audit(ctx, "cohort.create", cohort)
    return ctx.say(
        "checkins.cohort.created",
        name=quote_user(cohort.name),
        settings=describe(ctx, cohort),
        command=_command(ctx),
    )


def describe(ctx: Context, cohort: Cohort) -> str:
    parts = [
        ctx.t("checkins.cohort.nominative" if cohort.nominative else "checkins.cohort.anonymous")
    ]
    if cohort.coach is not None:
        parts.append(ctx.t("checkins.cohort.coach", coach=mention(cohort.coach.external_id)))
    if cohort.calendar == CALENDAR_ALSACE_MOSELLE:
        parts.append(ctx.t("checkins.cohort.alsace"))
    if cohort.missed_alert:
        parts.append(ctx.t("checkins.cohort.alert", count=cohort.missed_alert))
    return " · ".join(parts)


@registry.command(
    "cohorte ajouter",
    aliases=("cohort add",),
    help="checkins.help.ajouter",
    role="staff",
    args=(Arg("nom", kind="text"), Arg("personnes", kind="users")),
)
def add(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["nom"])
    added, already = add_members(ctx, cohort, args["personnes"])
    command = _command(ctx)
    actions = [welcome(ctx.translator_for(u), cohort, u, command=command) for u in added]
    reply = ctx.t.plural(
        "checkins.cohort.added",
        len(added),
        name=quote_user(cohort.name),
        people=_people(ctx.t, added),
    )
    if already:
        reply += "\n" + ctx.t("checkins.cohort.already", people=_people(ctx.t, already))
    return [ctx.reply(reply), *actions]


def add_members(ctx: Context, cohort: Cohort, users: list[User]) -> tuple[list[User], list[User]]:
    added, already = [], []
    for user in dict.fromkeys(users):
        if store.add_member(ctx.session, cohort=cohort, user=user, now=ctx.now()):
            planning.join(
                ctx.session, cohort=cohort, user=user, workspace=ctx.workspace, now=ctx.now()
            )
            added.append(user)
        else:
            already.append(user)
    if added:
        _audit(ctx, "cohort.add", cohort, detail=",".join(u.external_id for u in added))
    return added, already


def welcome(t: Translator, cohort: Cohort, user: User, *, command: str) -> DirectMessageAction:
    """New members are told which cohort they joined and who will see their answers."""
    privacy = t("checkins.dm.nominative" if cohort.nominative else "checkins.dm.anonymous")
    text = t(
        "checkins.cohort.welcome", name=quote_user(cohort.name), privacy=privacy, command=command
    )
    return DirectMessageAction(user_id=user.external_id, message=Message(text=text))


def _people(t: Translator, users: list[User]) -> str:
    return ", ".join(mention(u.external_id) for u in users) or t("common.nobody")


@registry.command(
    "cohorte retirer",
    aliases=("cohort remove",),
    help="checkins.help.retirer",
    role="staff",
    args=(Arg("nom", kind="text"), Arg("personnes", kind="users")),
)
def remove(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["nom"])
    removed, absent = [], []
    for user in dict.fromkeys(args["personnes"]):
        if store.remove_member(ctx.session, cohort=cohort, user=user, now=ctx.now()):
            planning.leave(ctx.session, cohort=cohort, user_id=user.id)
            removed.append(user)
        else:
            absent.append(user)
    if removed:
        _audit(ctx, "cohort.remove", cohort, detail=",".join(u.external_id for u in removed))
    reply = ctx.t.plural(
        "checkins.cohort.removed",
        len(removed),
        name=quote_user(cohort.name),
        people=_people(ctx.t, removed),
    )
    if absent:
        reply += "\n" + ctx.t("checkins.cohort.not_members", people=_people(ctx.t, absent))
    return [ctx.reply(reply)]


@registry.command(
    "cohorte liste", aliases=("cohort list",), help="checkins.help.liste", role="coach"
)
def list_cohorts(ctx: Context, args: Args) -> list[Action]:
    cohorts = store.active_cohorts(ctx.session, workspace=ctx.workspace)
    if not cohorts:
        return ctx.say("checkins.cohort.none", command=_command(ctx))
    counts = store.member_counts(ctx.session, cohorts=cohorts)
    sections = []
    for cohort in cohorts:
        schedule = store.active_schedule(ctx.session, cohort=cohort)
        fields = [
            (ctx.t("checkins.cohort.members_label"), str(counts.get(cohort.id, 0))),
            (
                ctx.t("checkins.cohort.schedule_label"),
                quote_user(schedule.phrase) if schedule else ctx.t("checkins.cohort.no_schedule"),
            ),
        ]
        sections.append(
            Section(title=quote_user(cohort.name), body=describe(ctx, cohort), fields=tuple(fields))
        )
    return [ctx.reply(Message(text=ctx.t("checkins.cohort.list_title"), sections=tuple(sections)))]


@registry.command(
    "cohorte membres",
    aliases=("cohort members",),
    help="checkins.help.membres",
    role="coach",
    args=(Arg("nom", kind="text"),),
)
def list_members(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["nom"])
    people = store.members(ctx.session, cohort=cohort)
    lines = [f"- {mention(u.external_id)} · {u.timezone or 'Europe/Paris'}" for u in people]
    title = ctx.t.plural("checkins.cohort.members_title", len(people), name=quote_user(cohort.name))
    return [ctx.reply("\n".join([title, *lines]))]


@registry.command(
    "cohorte archiver",
    aliases=("cohort archive",),
    help="checkins.help.archiver",
    role="staff",
    args=(Arg("nom", kind="text"),),
)
def archive(ctx: Context, args: Args) -> list[Action]:
    cohort = cohort_named(ctx, args["nom"])
    schedule = store.active_schedule(ctx.session, cohort=cohort)
    if schedule is not None:
        planning.stop(ctx.session, schedule=schedule, cohort=cohort, now=ctx.now())
    cohort.archived_at = ctx.now()
    _audit(ctx, "cohort.archive", cohort)
    return ctx.say("checkins.cohort.archived", name=quote_user(cohort.name))


def _command(ctx: Context) -> str:
    return ctx.settings.command_name
