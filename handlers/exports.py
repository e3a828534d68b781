"""Files asked for in the chat (exports, summaries) reach the asker in a direct message.

A private reply to a slash command cannot carry a file on Slack or Mattermost, and a direct
message keeps the file where the person finds it again; the console prints the file's path.
"""

from __future__ import annotations

from handlers.context import Context
from handlers.types import Action, DirectMessage, DirectMessageAction, FileAttachment, Message


def send_to_caller(ctx: Context, text: str, attachment: FileAttachment) -> list[Action]:
    """The file in the caller's direct messages, and a short note where they asked."""
    message = Message(text=text, files=(attachment,))
    if isinstance(ctx.event, DirectMessage):
        return [ctx.reply(message)]
    return [
        DirectMessageAction(user_id=ctx.caller.external_id, message=message),
        *ctx.say("exports.sent_privately", file=attachment.filename),
    ]


def csv_attachment(filename: str, title: str, content: bytes) -> FileAttachment:
    return FileAttachment(filename=filename, title=title, content=content, mime_type="text/csv")
