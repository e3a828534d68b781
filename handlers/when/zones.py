"""Time zones by the names French public servants use: Paris, métropole, the overseas
departments and territories, their main towns, or an IANA name in any case."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

from handlers.when.parse import normalise

PARIS = "Europe/Paris"

# Normalised place name → IANA zone. Saint-Denis is left out: it is also a town near Paris.
PLACES: dict[str, str] = {
    **dict.fromkeys(
        ("paris", "metropole", "france", "france metropolitaine", "hexagone", "corse"), PARIS
    ),
    **dict.fromkeys(("guadeloupe", "pointe a pitre", "basse terre"), "America/Guadeloupe"),
    **dict.fromkeys(("martinique", "fort de france"), "America/Martinique"),
    **dict.fromkeys(("guyane", "guyane francaise", "french guiana", "cayenne"), "America/Cayenne"),
    **dict.fromkeys(("reunion", "ile de la reunion"), "Indian/Reunion"),
    **dict.fromkeys(("mayotte", "mamoudzou"), "Indian/Mayotte"),
    **dict.fromkeys(
        ("saint pierre et miquelon", "st pierre et miquelon", "spm", "miquelon"), "America/Miquelon"
    ),
    **dict.fromkeys(("saint barthelemy", "st barthelemy", "saint barth"), "America/St_Barthelemy"),
    **dict.fromkeys(("saint martin", "st martin"), "America/Marigot"),
    **dict.fromkeys(
        ("polynesie", "polynesie francaise", "french polynesia", "tahiti", "papeete"),
        "Pacific/Tahiti",
    ),
    **dict.fromkeys(("marquises", "iles marquises"), "Pacific/Marquesas"),
    **dict.fromkeys(("gambier", "iles gambier"), "Pacific/Gambier"),
    **dict.fromkeys(
        ("nouvelle caledonie", "new caledonia", "caledonie", "noumea"), "Pacific/Noumea"
    ),
    **dict.fromkeys(("wallis et futuna", "wallis", "futuna"), "Pacific/Wallis"),
    **dict.fromkeys(("taaf", "terres australes", "kerguelen"), "Indian/Kerguelen"),
}

# IANA zone → catalog key of its French (or English) place name, for the echo.
LABELS: dict[str, str] = {
    PARIS: "paris",
    "America/Guadeloupe": "guadeloupe",
    "America/Martinique": "martinique",
    "America/Cayenne": "guyane",
    "Indian/Reunion": "reunion",
    "Indian/Mayotte": "mayotte",
    "America/Miquelon": "miquelon",
    "America/St_Barthelemy": "barthelemy",
    "America/Marigot": "saint_martin",
    "Pacific/Tahiti": "polynesie",
    "Pacific/Marquesas": "marquises",
    "Pacific/Gambier": "gambier",
    "Pacific/Noumea": "caledonie",
    "Pacific/Wallis": "wallis",
    "Indian/Kerguelen": "taaf",
}


@cache
def _iana_by_lower() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def find_zone(text: str) -> str | None:
    """The IANA name for `La Réunion`, `heure de Paris`, `Guyane`, `europe/paris`…; else None."""
    raw = text.strip()
    iana = _iana_by_lower().get(raw.lower().replace(" ", "_"))
    if iana is not None:
        return iana
    cleaned = re.sub(r"[-'_/]", " ", normalise(raw))
    cleaned = re.sub(r"^(?:heure|fuseau|time|timezone)\s+(?:de|d|du)?\s*", "", cleaned)
    cleaned = re.sub(r"^(?:la|le|les|l|aux|a|en|the)\s+", "", cleaned)
    return PLACES.get(re.sub(r"\s+", " ", cleaned).strip())
