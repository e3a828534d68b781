"""The caller's own settings and the admins' role management."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.args import resolve_user
from handlers.context import Context
from handlers.i18n import LOCALES, Translator
from handlers.registry import Arg, Args, Registry
from handlers.roles import ROLES, role_named
from handlers.text import mention, quote_user
from handlers.types import Action, Button, ButtonPress, Message
from handlers.when import describe_moment, find_zone, place_of
from store import audit, identity

registry = Registry()


@registry.command(
    "langue",
    aliases=("language", "lang"),
    help="core.help.langue",
    args=(Arg("code", kind="choice", choices=LOCALES, required=False),),
)
def set_language(ctx: Context, args: Args) -> list[Action]:
    if args["code"] is None:
        buttons = tuple(
            Button(action_id="core.language", label=ctx.t(f"core.language.name.{code}"), value=code)
            for code in LOCALES
        )
        return [ctx.reply(Message(text=ctx.t("core.language.choose"), buttons=buttons))]
    return _choose_language(ctx, args["code"])


@registry.button("core.language")
def press_language(ctx: Context, press: ButtonPress) -> list[Action]:
    if press.value not in LOCALES:
        return ctx.say("core.error.unknown_action")
    return _choose_language(ctx, press.value)


def _choose_language(ctx: Context, code: str) -> list[Action]:
    ctx.caller.locale = code
    ctx.caller.locale_chosen = True
    ctx.session.flush()
    return [ctx.reply(Translator(code)("core.language.set"))]


@registry.command(
    "fuseau",
    aliases=("timezone",),
    help="core.help.fuseau",
    args=(Arg("zone", kind="rest"),),
)
def set_timezone(ctx: Context, args: Args) -> list[Action]:
    """`La Réunion`, `Guyane`, `métropole` or an IANA name; the answer shows the local time."""
    name = find_zone(args["zone"])
    if name is None:
        return ctx.say("core.timezone.invalid", zone=args["zone"][:60])
    ctx.caller.timezone = name
    ctx.caller.timezone_chosen = True
    ctx.session.flush()
    chosen = ZoneInfo(name)
    return ctx.say(
        "core.timezone.set",
        zone=name,
        place=place_of(ctx.t, chosen),
        now=describe_moment(ctx.t, ctx.now(), chosen),
    )


@registry.command(
    "role",
    help="core.help.role",
    role="admin",
    args=(
        Arg("personne", kind="word"),
        Arg("role", kind="rest"),
        Arg("retirer", kind="flag", aliases=("remove",)),
    ),
)
def change_role(ctx: Context, args: Args) -> list[Action]:
    """`role @bea comité`, `role @bea équipe programme --retirer`: French or English names,
    for anyone mentioned, even someone who has never written to the bot yet."""
    role = role_named(args["role"])
    if role is None:
        names = ", ".join(ctx.t(f"core.role.{r}") for r in ROLES)
        return ctx.say("core.role.unknown", value=quote_user(args["role"], limit=60), roles=names)
    user = resolve_user(ctx, args["personne"], placeholder=not args["retirer"])
    role_name = ctx.t(f"core.role.{role}")
    if args["retirer"]:
        if user.id == ctx.caller.id and role == "admin":
            return ctx.say("core.role.cannot_remove_own_admin")
        changed = identity.revoke_role(ctx.session, user=user, role=role)
        key = "core.role.removed" if changed else "core.role.not_held"
    else:
        changed = identity.grant_role(
            ctx.session, user=user, role=role, now=ctx.now(), by=ctx.caller
        )
        key = "core.role.granted" if changed else "core.role.already"
    if changed:
        audit.record(
            ctx.session,
            workspace=ctx.workspace,
            actor=ctx.caller,
            action="role.revoke" if args["retirer"] else "role.grant",
            target=user.external_id,
            detail=role,
            now=ctx.now(),
        )
    pending = identity.is_placeholder(user)
    who = quote_user(f"@{user.username}") if pending else mention(user.external_id)
    text = ctx.t(key, user=who, role=role_name)
    if pending and changed:
        text = "\n".join([text, ctx.t("core.role.pending", user=who)])
    return [ctx.reply(text)]


@registry.command("moi", aliases=("me", "whoami"), help="core.help.moi")
def whoami(ctx: Context, args: Args) -> list[Action]:
    roles = sorted(ctx.roles | {"member"}, key=ROLES.index)
    return ctx.say(
        "core.me",
        user=mention(ctx.caller.external_id),
        roles=", ".join(ctx.t(f"core.role.{r}") for r in roles),
        locale=ctx.locale,
        zone=ctx.caller.timezone or "Europe/Paris",
    )
