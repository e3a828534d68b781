"""Co-development's part of `/relais mes-donnees` and `/relais oubliez-moi`."""

from handlers.codev.feature import registry
from store import codev_personal

registry.personal_data(
    "codev",
    export=codev_personal.export,
    erase=codev_personal.erase,
    stores={
        "codev_groups": ("coach_id",),
        "codev_members": ("user_id",),
        "codev_sessions": ("client_id", "started_by"),
        "codev_contributions": ("author_id",),
        "codev_ratings": ("user_id",),
        "codev_ready": ("user_id",),
    },
)
