"""Broadcasts' part of `/relais mes-donnees` and `/relais oubliez-moi`."""

from handlers.broadcasts.feature import registry
from store import broadcasts_personal

registry.personal_data(
    "broadcasts",
    export=broadcasts_personal.export,
    erase=broadcasts_personal.erase,
    stores={"broadcasts": ("author_id",), "broadcast_recipients": ("user_id",)},
)
