"""Step 5: the client builds their action plan from the consultants' suggestions and their own
actions, each with an optional due date.

On platforms with forms, picking a suggestion (or «add my own action») opens a form; everywhere,
`/relais codev retenir N --echeance 15/01` and `/relais codev action « … » --echeance …`
do the same inline.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from handlers.args import UsageError, convert, is_row_id
from handlers.codev.access import GROUP_ARG, find_running, parse_ids, scope, scoped_reply
from handlers.codev.feature import registry
from handlers.codev.formatting import LABEL_LIMIT, action_line, clean, name, quoted
from handlers.codev.keys import session_prefix
from handlers.codev.method import CONSULTATION, SYNTHESIS
from handlers.context import Context
from handlers.i18n import Translator
from handlers.registry import Arg, Args
from handlers.types import (
    Action,
    Button,
    ButtonPress,
    Choice,
    DirectMessageAction,
    Form,
    FormField,
    FormSubmission,
    Message,
    OpenForm,
    Option,
    Section,
)
from store import codev, codev_content
from store.models import CodevContribution, CodevSession
from store.models.codev import RUNNING

ACTION_LIMIT = 500
MAX_OPTIONS = 100
FORM_ID = "codev.plan.action"
DUE_ARG = Arg("echeance", kind="date", option=True, required=False, aliases=("échéance", "due"))


def suggestions(session: Session, row: CodevSession) -> list[CodevContribution]:
    """What the consultants said in step 4, numbered from 1 in the order it was said."""
    consultants = {m.user_id for m in codev.participants(row.group)} - {row.client_id}
    return codev_content.contributions(session, row=row, step=CONSULTATION, authors=consultants)


def suggestions_message(ctx: Context, row: CodevSession) -> Action:
    """The client's private list of suggestions to pick from, sent when step 5 opens."""
    t = ctx.translator_for(row.client)
    found = suggestions(ctx.session, row)
    lines = [
        t("codev.plan.suggestion_line", number=n, name=name(c.author), text=quoted(c.text))
        for n, c in enumerate(found, 1)
    ]
    body = "\n".join(lines) or t("codev.plan.no_suggestions")
    options = tuple(
        Option(value=f"{row.id}:{c.id}", label=f"{n}. {quoted(c.text, LABEL_LIMIT)}")
        for n, c in enumerate(found[:MAX_OPTIONS], 1)
    )
    choices = (
        (
            Choice(
                action_id="codev.plan.retain", placeholder=t("codev.plan.retain"), options=options
            ),
        )
        if options
        else ()
    )
    add = Button(action_id="codev.plan.add", label=t("codev.plan.add"), value=str(row.id))
    return DirectMessageAction(
        user_id=row.client.external_id,
        message=Message(
            text=t("codev.plan.intro", number=row.number),
            sections=(Section(body=body), Section(body=t("codev.plan.inline"))),
            choices=choices,
            buttons=(add,),
        ),
        key=f"{session_prefix(row)}suggestions",
    )


def _client_session(ctx: Context, row: CodevSession) -> CodevSession:
    if row.client_id != ctx.caller.id:
        raise UsageError("codev.plan.client_only")
    if row.status != RUNNING:
        raise UsageError("codev.session.over")
    if row.step < SYNTHESIS:
        raise UsageError("codev.plan.not_yet")
    return row


def _add(
    ctx: Context,
    row: CodevSession,
    text: str,
    due_on: date | None,
    suggestion: CodevContribution | None,
) -> list[Action]:
    text = " ".join(clean(text).split())
    if not text:
        raise UsageError("codev.plan.empty")
    if len(text) > ACTION_LIMIT:
        raise UsageError("codev.plan.too_long", limit=ACTION_LIMIT)
    if due_on is not None and due_on < ctx.now().astimezone(ctx.zone).date():
        raise UsageError("codev.plan.past_due", form_field="echeance")
    same = next((a for a in row.actions if a.text.casefold() == text.casefold()), None)
    if same is not None:
        # The same form sent twice (a double click, a retry from a slow network): one action.
        if due_on is not None:
            same.due_on = due_on
        ctx.session.flush()
        return scoped_reply(ctx, row.group, plan_text(ctx.t, row))
    codev_content.add_action(
        ctx.session, row=row, text=text, due_on=due_on, suggestion=suggestion, now=ctx.now()
    )
    return scoped_reply(ctx, row.group, plan_text(ctx.t, row, added=True))


def plan_text(t: Translator, row: CodevSession, *, added: bool = False) -> str:
    lines = [t("codev.plan.added") if added else t("codev.plan.title", number=row.number)]
    lines.extend(action_line(t, action) for action in row.actions)
    if not row.actions:
        lines.append(t("codev.plan.empty_plan"))
    return "\n".join(lines)


@registry.command(
    "codev retenir",
    aliases=("codev keep",),
    help="codev.help.keep",
    args=(Arg("numero", kind="int"), DUE_ARG, GROUP_ARG),
)
def keep(ctx: Context, args: Args) -> list[Action]:
    row = _client_session(ctx, find_running(ctx, args["groupe"]))
    found = suggestions(ctx.session, row)
    number = args["numero"]
    if not 1 <= number <= len(found):
        raise UsageError("codev.plan.bad_number", number=number, count=len(found))
    chosen = found[number - 1]
    return _add(ctx, row, chosen.text, args["echeance"], chosen)


def _action_form(ctx: Context, args: Args) -> Form:
    return action_form(ctx.t, metadata="")


def action_form(t: Translator, *, metadata: str, initial: str | None = None) -> Form:
    return Form(
        form_id=FORM_ID,
        title=t("codev.plan.form_title"),
        submit_label=t("codev.plan.form_submit"),
        private_metadata=metadata,
        fields=(
            FormField(
                name="texte",
                label=t("codev.plan.form_text"),
                kind="textarea",
                max_length=ACTION_LIMIT,
                initial=initial,
                required=initial is None,
            ),
            FormField(
                name="echeance",
                label=t("codev.plan.form_due"),
                kind="date",
                required=False,
                hint=t("codev.plan.form_due_hint"),
            ),
        ),
    )


@registry.command(
    "codev action",
    help="codev.help.action",
    args=(Arg("texte", kind="rest"), DUE_ARG, GROUP_ARG),
    form=_action_form,
)
def add_action(ctx: Context, args: Args) -> list[Action]:
    row = _client_session(ctx, find_running(ctx, args["groupe"]))
    return _add(ctx, row, args["texte"], args["echeance"], None)


@registry.button("codev.plan.retain")
def retain_button(ctx: Context, press: ButtonPress) -> list[Action]:
    session_id, contribution_id = parse_ids(press.value, 2)
    row = _pressed_session(ctx, session_id)
    chosen = next((c for c in suggestions(ctx.session, row) if c.id == contribution_id), None)
    if chosen is None:
        raise UsageError("core.error.unknown_action")
    form = action_form(ctx.t, metadata=press.value, initial=chosen.text[:ACTION_LIMIT])
    return scope(ctx, row.group, [_open(ctx, press, form)])


@registry.button("codev.plan.add")
def add_button(ctx: Context, press: ButtonPress) -> list[Action]:
    [session_id] = parse_ids(press.value, 1)
    row = _pressed_session(ctx, session_id)
    return scope(ctx, row.group, [_open(ctx, press, action_form(ctx.t, metadata=str(row.id)))])


def _pressed_session(ctx: Context, session_id: int) -> CodevSession:
    row = ctx.session.get(CodevSession, session_id)
    if row is None:
        raise UsageError("codev.group.gone")
    return _client_session(ctx, row)


def _open(ctx: Context, press: ButtonPress, form: Form) -> Action:
    return OpenForm(
        user_id=press.user_id, channel_id=press.channel_id, form=form, trigger_id=press.trigger_id
    )


@registry.form(FORM_ID)
def submit_action(ctx: Context, submission: FormSubmission) -> list[Action]:
    ids = submission.private_metadata.split(":")
    if not 1 <= len(ids) <= 2 or not all(is_row_id(part) for part in ids):
        raise UsageError("core.error.unknown_action")
    row = _pressed_session(ctx, int(ids[0]))
    chosen = None
    if len(ids) == 2:
        chosen = next((c for c in suggestions(ctx.session, row) if c.id == int(ids[1])), None)
    text = submission.values.get("texte", "").strip() or (chosen.text if chosen else "")
    raw_due = submission.values.get("echeance", "").strip()
    try:
        due_on: date | None = convert(ctx, DUE_ARG, raw_due) if raw_due else None
    except UsageError as error:
        error.form_field = "echeance"
        raise
    return _add(ctx, row, text, due_on, chosen)


@registry.command("codev plan", help="codev.help.plan", args=(GROUP_ARG,))
def show_plan(ctx: Context, args: Args) -> list[Action]:
    """The caller's plan in the running session of their group, as its client."""
    row = _client_session(ctx, find_running(ctx, args["groupe"]))
    return scoped_reply(ctx, row.group, plan_text(ctx.t, row))
