"""Co-development's part of `/relais mes-donnees` and `/relais oubliez-moi`."""

from handlers.codev.feature import registry
from store import codev_personal

registry.personal_data("codev", export=codev_personal.export, erase=codev_personal.erase)
