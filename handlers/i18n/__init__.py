"""Message catalogs: every user-facing string, French first, English on request.

Catalogs are gettext `.po` files under `locales/<lang>/`, one file per feature so that features
can be added without touching each other's strings. Message ids are stable keys
(`core.help.title`); plural messages use `msgid_plural` = key + `.plural`. The `.po` files are
compiled in memory at first use, so there is no build step.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES: tuple[str, ...] = ("fr", "en")
DEFAULT_LOCALE = "fr"
_ROOT = Path(__file__).parent / "locales"


def normalise_locale(value: str | None) -> str | None:
    """`fr_FR`, `en-GB`, `EN` → `fr`/`en`; anything else → None."""
    if not value:
        return None
    short = value.replace("-", "_").split("_")[0].lower()
    return short if short in LOCALES else None


def load_catalog(locale: str) -> Catalog:
    """All `.po` files of one locale merged into one catalog."""
    merged = Catalog(locale=locale)
    for path in sorted((_ROOT / locale).glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id:
                    merged[message.id] = message
    return merged


@cache
def translations(locale: str) -> gettext.GNUTranslations:
    buffer = io.BytesIO()
    write_mo(buffer, load_catalog(locale))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """Looks up keys in one locale; a missing key shows itself rather than failing."""

    def __init__(self, locale: str) -> None:
        self.locale = normalise_locale(locale) or DEFAULT_LOCALE
        self._catalog = translations(self.locale)

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self._catalog.gettext(key)
        return text.format(**params) if params else text

    def plural(self, key: str, count: int, /, **params: Any) -> str:
        text = self._catalog.ngettext(key, key + ".plural", count)
        return text.format(count=count, **params)
