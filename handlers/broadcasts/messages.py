"""The message recipients see: who sends it, the text, and the « Lu ✅ » button when asked."""

from __future__ import annotations

from handlers.i18n import Translator
from handlers.text import mention, quote_user
from handlers.types import Button, Message
from store.models import Broadcast

MAX_TEXT = 4000


def recipient_message(t: Translator, broadcast: Broadcast, *, reminder: bool = False) -> Message:
    author = (
        mention(broadcast.author.external_id) if broadcast.author else t("broadcasts.message.staff")
    )
    heading = t(
        "broadcasts.message.reminder" if reminder else "broadcasts.message.header", author=author
    )
    buttons: tuple[Button, ...] = ()
    if broadcast.acknowledge:
        buttons = (
            Button(
                action_id="broadcasts.ack",
                label=t("broadcasts.message.ack"),
                value=str(broadcast.id),
                style="primary",
            ),
        )
    return Message(
        text=f"{heading}\n\n{quote_user(broadcast.text, limit=MAX_TEXT)}", buttons=buttons
    )
