"""Our own signatures on what Mattermost echoes back to us unsigned.

Mattermost calls `/mattermost/actions` and `/mattermost/dialogs` with no signature and no token,
so anybody who can reach the bot could forge a button press. Every action `context` and every
dialog `state` therefore carries an HMAC (RELAIS_ACTION_SECRET) over what it binds: the action
id, its value (or the allowed options of a menu), the post it belongs to, the person it was shown
to when only one person sees it, a random nonce and an expiry. A call whose fields were changed,
or that names another post or another person, fails verification. The nonce is single-use per
person: the route records it with the event (`http.MattermostRoutes.action`). Who pressed is
not ours to sign: on a shared post the presser is vouched for by the server's signed
`trigger_id` (`triggers`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

ACTION_LIFETIME = timedelta(days=90)
PRIVATE_ACTION_LIFETIME = timedelta(days=7)
DIALOG_LIFETIME = timedelta(days=1)


class SignatureError(Exception):
    """The call was not issued by us, or was altered: it must change nothing."""


class Expired(Exception):
    """A genuine context, but too old to honour."""


@dataclass(frozen=True)
class VerifiedAction:
    action_id: str
    value: str
    binding: str
    thread_id: str | None
    nonce: str
    user_id: str | None = None


@dataclass(frozen=True)
class VerifiedDialog:
    form_id: str
    private_metadata: str
    nonce: str
    channel_id: str


def post_binding(post_id: str) -> str:
    """Binds a context to a post whose id is known (an update)."""
    return f"p:{post_id}"


def user_binding(user_id: str) -> str:
    """Binds a context to the one person who sees the message (ephemeral or direct)."""
    return f"u:{user_id}"


def key_binding(delivery_key: str) -> str:
    """Binds a context to the post a delivery creates; its id is only known afterwards."""
    return f"k:{delivery_key}"


class Signer:
    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()

    def _mac(self, fields: dict[str, Any]) -> str:
        canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hmac.new(self._secret, canonical.encode(), hashlib.sha256).hexdigest()

    def _seal(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {**fields, "s": self._mac(fields)}

    def _open(self, sealed: Any, now: datetime) -> dict[str, Any]:
        if not isinstance(sealed, dict) or not isinstance(sealed.get("s"), str):
            raise SignatureError("no signature")
        fields = {k: v for k, v in sealed.items() if k != "s"}
        if not hmac.compare_digest(self._mac(fields), sealed["s"]):
            raise SignatureError("bad signature")
        if not isinstance(fields.get("e"), int) or fields["e"] < now.timestamp():
            raise Expired()
        return fields

    # ------------------------------------------------------------ actions

    def action_context(
        self,
        *,
        action_id: str,
        binding: str,
        now: datetime,
        value: str = "",
        options: tuple[str, ...] | None = None,
        thread_id: str | None = None,
    ) -> dict[str, Any]:
        """The `integration.context` of one button (`value`) or menu (`options`); a context
        bound to one person (`user_binding`) lives a week, one on a shared post 90 days."""
        lifetime = PRIVATE_ACTION_LIFETIME if binding.startswith("u:") else ACTION_LIFETIME
        fields: dict[str, Any] = {
            "a": action_id,
            "b": binding,
            "n": secrets.token_hex(8),
            "e": int((now + lifetime).timestamp()),
        }
        if options is not None:
            fields["o"] = list(options)
        else:
            fields["v"] = value
        if thread_id:
            fields["t"] = thread_id
        return self._seal(fields)

    def verify_action(self, context: Any, *, now: datetime) -> VerifiedAction:
        """Checks the HMAC and expiry; for a menu, the chosen option must be one we offered."""
        if not isinstance(context, dict):
            raise SignatureError("no context")
        fields = self._open({k: v for k, v in context.items() if k != "selected_option"}, now)
        if "o" in fields:
            chosen = context.get("selected_option")
            if not isinstance(chosen, str) or chosen not in fields["o"]:
                raise SignatureError("option not offered")
            value = chosen
        else:
            value = str(fields.get("v", ""))
        binding = str(fields["b"])
        return VerifiedAction(
            action_id=str(fields["a"]),
            value=value,
            binding=binding,
            thread_id=fields.get("t"),
            nonce=str(fields["n"]),
            user_id=binding.removeprefix("u:") if binding.startswith("u:") else None,
        )

    # ------------------------------------------------------------ dialogs

    def dialog_state(
        self, *, form_id: str, private_metadata: str, user_id: str, channel_id: str, now: datetime
    ) -> str:
        """The dialog `state`: which form, for whom, opened where; echoed back on submission."""
        fields = {
            "f": form_id,
            "m": private_metadata,
            "u": user_id,
            "c": channel_id,
            "n": secrets.token_hex(8),
            "e": int((now + DIALOG_LIFETIME).timestamp()),
        }
        return json.dumps(self._seal(fields), separators=(",", ":"), ensure_ascii=False)

    def verify_dialog(self, state: str, *, user_id: str, now: datetime) -> VerifiedDialog:
        """Bound to the person, not to the channel: mobile and other views submit a dialog from
        another channel than the one it was opened in."""
        try:
            sealed = json.loads(state)
        except (TypeError, ValueError) as error:
            raise SignatureError("state is not JSON") from error
        fields = self._open(sealed, now)
        if fields.get("u") != user_id:
            raise SignatureError("dialog opened for someone else")
        return VerifiedDialog(
            form_id=str(fields["f"]),
            private_metadata=str(fields["m"]),
            nonce=str(fields["n"]),
            channel_id=str(fields.get("c") or ""),
        )
