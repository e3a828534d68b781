"""Mattermost's own signature on a button press: its `trigger_id`.

An interactive-button call carries no signature, and its `user_id` is the caller's word; but the
`trigger_id` the server generates for every press is signed with the server's asymmetric key
(ECDSA P-256 over SHA-256). `GenerateTriggerId` (`server/public/model/integration_action.go`)
builds it as base64(`clientTriggerId:userId:millis:` + base64(ASN.1 signature of that text)),
`DoPostActionWithCookie` (`server/channels/app/integration_action.go`) makes one for the
session's user before calling us, and `DecodeAndVerifyTriggerId` checks it the way `verify`
does here. The public key is in the client configuration (`GET /api/v4/config/client?format=old`,
`AsymmetricSigningPublicKey`: base64 DER, set by `regenerateClientConfig`).

So a press is the server's when its trigger is signed by that key, names the `user_id` of the
body, and is recent; the route also spends it, so that each trigger acts once.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import ec

# Mattermost honours a trigger for 3 s when it opens a dialog
# (`InteractiveDialogTriggerTimeoutMilliseconds`); a press reaches us within that, but our clock
# and the server's may differ by a few seconds, hence the margin, both ways.
TRIGGER_LIFETIME = timedelta(seconds=30)


class TriggerError(Exception):
    """Not a trigger the server signed for this person: the press must change nothing."""


class TriggerExpired(TriggerError):
    """Signed by the server, but not recent: a copy of an earlier call."""


@dataclass(frozen=True)
class Trigger:
    client_id: str  # the server's random id for this press (`clientTriggerId`): spent once
    user_id: str
    at: datetime


def verify(trigger_id: str, *, public_key: str, user_id: str, now: datetime) -> Trigger:
    """The press's trigger, checked as `DecodeAndVerifyTriggerId` does, plus its user. Raises
    ValueError when `public_key` is not a usable key (a configuration problem, not a forgery)."""
    try:
        decoded = base64.b64decode(trigger_id, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise TriggerError("trigger is not base64") from error
    parts = decoded.split(":")
    if len(parts) != 4:
        raise TriggerError("trigger has not four parts")
    client_id, signed_user, millis, signature = parts
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = server_key(public_key)
    try:
        der = base64.b64decode(signature, validate=True)
        key.verify(der, f"{client_id}:{signed_user}:{millis}:".encode(), ec.ECDSA(hashes.SHA256()))
    except (binascii.Error, ValueError, InvalidSignature) as error:
        raise TriggerError("trigger not signed by the server") from error
    if not hmac.compare_digest(signed_user.encode(), user_id.encode()):
        raise TriggerError("trigger issued to someone else")
    if not (millis.isascii() and millis.isdigit() and len(millis) <= 15):
        raise TriggerError("trigger time unreadable")
    at = datetime.fromtimestamp(int(millis) / 1000, tz=UTC)
    if abs(now - at) > TRIGGER_LIFETIME:
        raise TriggerExpired("trigger too old")
    return Trigger(client_id=client_id, user_id=signed_user, at=at)


@functools.lru_cache(maxsize=4)
def server_key(public_key: str) -> ec.EllipticCurvePublicKey:
    """The server's key from its client configuration (raises ValueError if unusable).
    `cryptography` (about 7 MB) is imported by the first button press, not at start."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    try:
        loaded = load_der_public_key(base64.b64decode(public_key, validate=True))
    except binascii.Error as error:
        raise ValueError("signing key is not base64") from error
    if not isinstance(loaded, ec.EllipticCurvePublicKey):
        raise ValueError("signing key is not an elliptic-curve key")
    return loaded
