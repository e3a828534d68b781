"""Filters a manager writes inside the question: a year or period, a place, a kind of office.

    « projets primés en 2016 »            → year 2016
    « depuis 2014 », « since 2014 »        → from 2014
    « démarrés en 2009 », « started in 2009 » → started in 2009
    « dans le Val-d'Oise », « en Bretagne » → region (a department stands for its region)
    « en PACA », « en IDF », « in Brittany » → region, by its usual or English name
    « dans le 35 », « du 06 »              → region of the department with that number
    « à la préfecture », « in a hospital »  → kind of administration
    « entre les ministères et les préfectures » → either kind
    « au ministère des Affaires sociales »  → a ministry or its services in the regions
    « du côté de Lyon / Rhône-Alpes »      → region, Lyon no longer a word to find

Places come from the ISO 3166-2 list of French regions and departments shipped by `pycountry`
(with each department's region), not from a hand-typed list. A department whose name is also a
common word (« Nord », « Lot », « Cher ») counts only when written with its capital or after
« dans le »; a department number (its ISO code) only after « dans le », « du », « le » or
« département », so that « Liens 06 » stays a name. What became a filter is taken out of the
searched text: a project in the Haut-Rhin need not write « Haut-Rhin » to be the answer (the
filter holds it to the place); `removed` keeps those words so that a project that does name them
still ranks first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path

import yaml

from handlers.when.parse import MONTHS
from store.projects import Filters
from store.search.analysis import fold

KINDS = Path(__file__).parent / "data" / "kinds.yaml"
YEAR = r"((?:19|20)\d\d)"
_RANGE = re.compile(
    rf"\b(?:entre|between|de|from)\s+{YEAR}\s+(?:et|and|à|a|to)\s+{YEAR}\b", re.IGNORECASE
)
_SINCE = re.compile(
    rf"\b(?:depuis|apres|après|since|after|a partir de|à partir de)\s+{YEAR}\b", re.IGNORECASE
)
_UNTIL = re.compile(rf"\b(?:jusqu'en|jusqu’en|until)\s+{YEAR}\b", re.IGNORECASE)
# « avant 2012 » leaves 2012 out, where « jusqu'en 2012 » keeps it.
_BEFORE = re.compile(rf"\b(?:avant|before)\s+{YEAR}\b", re.IGNORECASE)
# « démarrés en 2009 », « lancé en 2013 », « started in 2009 »: the year the project began.
_STARTED = re.compile(
    r"\b(?:(?:lanc|d[ée]marr|commenc|d[ée]but|cr[ée]|initi)(?:[ée]|[ée]e|[ée]s|[ée]es)"
    rf"|started|launched|began|begun|created|initiated)\s+(?:en|in)\s+{YEAR}\b",
    re.IGNORECASE,
)
_IN = re.compile(rf"\b(?:en|in|pour|au cours de|durant|during)\s+{YEAR}\b", re.IGNORECASE)
_LOCATIVE = re.compile(r"\bdans (?:le|la|les|l) $")
# « le 12 mars », « du 06/05 », « le 12 à 9h » are dates, not the Aveyron or the Alpes-Maritimes.
_NUMBERED = re.compile(
    r"\b(?:dans le|du|le|departement|dept|dpt)\s+(\d\d\d?|2a|2b)\b"
    rf"(?!\s*(?:\d+|h|er|a\s+\d+\s*h?|{'|'.join(MONTHS)})\b|[/.]\d)"
)
_NUMBER = re.compile(r"FR-(\d\d\d?|2[AB])")
# « la région Bretagne », « the Brittany region »: the word that says a place is a region belongs
# to it, read as a filter with it (a department's name keeps « département », often its council).
_PLACE_BEFORE = re.compile(
    r"\b(?:la\s+|the\s+)?regions?\s+(?:(?:de|d|of)\s+)?(?:(?:la|l|the)\s+)?$"
)
_PLACE_AFTER = re.compile(r"\s+regions?\b")
# « du côté de Lyon / Rhône-Alpes », « autour de Rennes, en Bretagne »: a town the question is
# near, in a region it filters on, is no word a project must write; read like the place, a
# project naming it still ranks first. Without a region, the town is all the question says of
# where (« de la télémédecine du côté de Brest » is not Villejuif's).
_LANDMARK = re.compile(
    r"\b(?:(?:du\s+)?c[oô]t[ée]\s+d[e'’]|autour\s+d[e'’]|pr[eè]s\s+d[e'’]|aux\s+environs\s+d[e'’]"
    r"|near|around|close\s+to)\s*(?:[A-ZÀ-Ý][\w'’-]*)(?:\s+[A-ZÀ-Ý][\w'’-]*)*"
)
_REGION_TYPES = (
    "Metropolitan region",
    "Overseas region",
    "Metropolitan collectivity with special status",
    "European collectivity",
)
_DEPARTMENT_TYPES = ("Metropolitan department", "Overseas departmental collectivity")
SHORT_NAME = 6
# What managers call some regions (ISO 3166-2 codes), in French and in English (ISO names them
# in French only); « aura » is also a verb, so it counts only capitalised or after « dans le »,
# like the short names.
ABBREVIATIONS = {
    "paca": "FR-PAC",
    "idf": "FR-IDF",
    "aura": "FR-ARA",
    "hdf": "FR-HDF",
    "bfc": "FR-BFC",
    "cvl": "FR-CVL",
    "brittany": "FR-BRE",
    "normandy": "FR-NOR",
    "burgundy": "FR-BFC",
    "corsica": "FR-20R",
    "provence": "FR-PAC",
    "french riviera": "FR-PAC",
    "paris region": "FR-IDF",
    "greater paris": "FR-IDF",
    "french guiana": "FR-973",
    "reunion island": "FR-974",
    "new caledonia": "FR-NC",
    "french polynesia": "FR-PF",
}
WORDS = frozenset({"aura"})
# « un département breton », « les hôpitaux parisiens », « une commune normande »: the adjective
# of a region's people is where, as its name is (every form: « bretonne », « bretons »…).
_DEMONYMS = {
    "breton": "FR-BRE",
    "normand": "FR-NOR",
    "francilien": "FR-IDF",
    "parisien": "FR-IDF",
    "alsacien": "FR-GES",
    "lorrain": "FR-GES",
    "champenois": "FR-GES",
    "nordiste": "FR-HDF",
    "auvergnat": "FR-ARA",
    "bourguignon": "FR-BFC",
    "provencal": "FR-PAC",
    "occitan": "FR-OCC",
    "aquitain": "FR-NAQ",
}


def _demonyms() -> dict[str, str]:
    """Each form of `_DEMONYMS`: masculine and feminine (« -nne » after « -en », « -on »), each
    singular and plural."""
    forms = {"provencaux": "FR-PAC"}
    for word, code in _DEMONYMS.items():
        ending = "ne" if word.endswith(("en", "on")) else "e"
        feminine = word if word.endswith("e") else word + ending
        for form in (word, feminine):
            forms[form] = forms[form if form.endswith("s") else form + "s"] = code
    return forms


@dataclass(frozen=True)
class Place:
    name: str
    region: str


@dataclass(frozen=True)
class Scope:
    """What the question asked for: the filters, the text left to search, and what was read
    (`applied`: (kind of filter, value shown) pairs, in the order of the question)."""

    filters: Filters
    text: str
    applied: tuple[tuple[str, str], ...] = field(default=())
    removed: str = ""


def _folded_name(name: str) -> str:
    return re.sub(r"[\s'’-]+", " ", fold(name)).strip()


@cache
def _places() -> tuple[re.Pattern[str], dict[str, Place], frozenset[str], dict[str, Place]]:
    """Every region and department, folded (« val d oise »), with the region it belongs to, and
    the departments by number (« 35 », « 2a »; `pycountry` is imported by the first question,
    not with the feature)."""
    import pycountry

    subdivisions = {s.code: s for s in pycountry.subdivisions if s.country_code == "FR"}

    def region_of(code: str) -> str:
        """Up the parents (Haut-Rhin → Alsace → Grand Est; Paris → Île-de-France)."""
        found = subdivisions[code]
        while found.parent_code in subdivisions:
            found = subdivisions[found.parent_code]
        return str(found.name)

    table: dict[str, Place] = {}
    for s in subdivisions.values():
        if s.type in _REGION_TYPES and s.parent_code is None:
            table[_folded_name(s.name)] = Place(s.name, s.name)
    for s in subdivisions.values():
        if s.type in (*_DEPARTMENT_TYPES, *_REGION_TYPES):
            table.setdefault(_folded_name(s.name), Place(s.name, region_of(s.code)))
    numbers: dict[str, Place] = {}
    for s in sorted(subdivisions.values(), key=lambda s: s.type not in _DEPARTMENT_TYPES):
        number = _NUMBER.fullmatch(s.code.removesuffix("C"))
        if number and s.type in (*_DEPARTMENT_TYPES, *_REGION_TYPES):
            numbers.setdefault(number.group(1).lower(), Place(s.name, region_of(s.code)))
    ambiguous = frozenset(k for k in table if " " not in k and len(k) <= SHORT_NAME) | WORDS
    for abbreviation, code in (ABBREVIATIONS | _demonyms()).items():
        name = str(subdivisions[code].name)
        table.setdefault(abbreviation, Place(name, name))
    ordered = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(re.escape(k) for k in ordered) + r")\b")
    return pattern, table, ambiguous, numbers


@dataclass(frozen=True)
class Kind:
    name: str
    kinds: tuple[str, ...]
    named: tuple[str, ...] = ()
    """Kinds also admitted when the office is named by what it is in charge of."""


_NAMED = re.compile(
    r"\s+(?:(?:charges?|in charge)\s+)?(?:de|des|du|d|of)\s+(?!l etat\b|the state\b)\w"
)
"""« ministère des Affaires sociales », « ministère chargé de la jeunesse », « ministry of
finance »: an office named by what it is in charge of (not « de l'État »: a kind)."""


@cache
def _kinds() -> tuple[re.Pattern[str], dict[str, Kind]]:
    data = yaml.safe_load(KINDS.read_text(encoding="utf-8")) or {}
    table = {
        _folded_name(str(word)): Kind(
            str(name),
            tuple(str(k) for k in entry["kinds"]),
            tuple(str(k) for k in entry.get("named", ())),
        )
        for name, entry in data.items()
        for word in entry["words"]
    }
    ordered = sorted(table, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(k) for k in ordered) + r")\b"), table


@lru_cache(maxsize=4096)
def _folded_char(char: str) -> str:
    """One character of a question folded, separators as spaces (cached: `fold` per character
    was a tenth of reading a question)."""
    folded = fold(char)
    return " " if folded in ("-", "'", "’") else folded


def _spaced(text: str) -> tuple[str, list[int]]:
    """The text folded with separators as spaces, and where each of its characters came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _folded_char(char):
            out.append(piece)
            origin.append(index)
    return "".join(out), origin


def _capitalised(text: str, origin: list[int], start: int) -> bool:
    return text[origin[start]].isupper()


def read(question: str, explicit: Filters | None = None, *, within: Sequence[str] = ()) -> Scope:
    """The filters written in `question` (explicit options win), and the text to search. A
    kind's word inside one of the longer expressions `within` (folded, words separated by
    spaces) names something else: « council » in « council housing », « ministry » in
    « central ministry », « agency » in « government transformation agency »."""
    filters = explicit or Filters()
    applied = _explicit(filters)
    text = question
    years, started, text = _years(text)
    if years and filters.year_from is None and filters.year_to is None:
        filters = replace(filters, year_from=years[0], year_to=years[1], started=started)
        applied.append(("started" if started else "year", _years_label(years)))
    spaced, origin = _spaced(text)
    cuts: list[tuple[int, int]] = []
    if not filters.region:
        pattern, table, ambiguous, numbers = _places()
        matches = list(pattern.finditer(spaced))
        numbered = _NUMBERED.search(spaced)
        if numbered and numbered.group(1) in numbers:
            matches.append(numbered)
        for match in sorted(matches, key=lambda m: m.start(1)):
            name = match.group(1)
            if (
                name in ambiguous
                and not _capitalised(text, origin, match.start(1))
                and not _LOCATIVE.search(spaced[: match.start(1)])
            ):
                continue
            place = table.get(name) or numbers[name]
            filters = replace(filters, region=place.region)
            shown = place.region if place.name == place.region else f"{place.region} ({place.name})"
            applied.append(("region", shown))
            before = _PLACE_BEFORE.search(spaced[: match.start(1)])
            after = _PLACE_AFTER.match(spaced, match.end(1))
            start = before.start() if before else match.start(1)
            end = after.end() if after else match.end(1)
            cuts.append((origin[start], origin[end - 1] + 1))
            break
    if not filters.kind and not filters.kinds:
        named = _named_kinds(spaced, within)
        if named:
            found_kinds = tuple(dict.fromkeys(k for kind, _ in named for k in kind.kinds))
            filters = replace(filters, kinds=found_kinds)
            applied += [("kind", kind.name) for kind, _ in named]
            cuts += [(origin[start], origin[end - 1] + 1) for _, (start, end) in named]
    if filters.region:
        landmarks = [m.span() for m in _LANDMARK.finditer(text)]
        cuts += [(a, b) for a, b in landmarks if not any(s < b and a < e for s, e in cuts)]
    removed = " ".join(text[start:end] for start, end in cuts)
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + " " + text[end:]
    return Scope(
        filters=filters, text=" ".join(text.split()), applied=tuple(applied), removed=removed
    )


def _named_kinds(spaced: str, within: Sequence[str]) -> list[tuple[Kind, tuple[int, int]]]:
    """Each kind of administration the question names, with where its word is. Several kinds
    admit any of them: « entre l'administration centrale et les services déconcentrés » is
    about both, not the first. A ministry named by what it is in charge of (« au ministère des
    Affaires sociales ») also has its services in the regions (`named` in `kinds.yaml`: a
    DRJSCS is the ministry's). A kind's word inside one of the longer English expressions
    `within` names something else (« council housing »)."""
    kind_pattern, kinds = _kinds()
    found: dict[str, tuple[Kind, tuple[int, int]]] = {}
    for match in kind_pattern.finditer(spaced):
        word = match.group(1)
        if kinds[word].name in found or any(
            expression != word and re.search(rf"\b{re.escape(word)}\b", expression)
            for expression in within
        ):
            continue
        kind = kinds[word]
        if _NAMED.match(spaced, match.end(1)):
            kind = replace(kind, kinds=kind.kinds + kind.named)
        found[kind.name] = (kind, match.span(1))
    return list(found.values())


def _explicit(filters: Filters) -> list[tuple[str, str]]:
    """The options given with the command (`--annee 2016`, `--region Bretagne`…), to be shown
    like those read from the question."""
    applied = []
    if filters.year_from is not None or filters.year_to is not None:
        applied.append(("year", _years_label((filters.year_from, filters.year_to))))
    for name in ("region", "kind", "theme", "organisation"):
        value = getattr(filters, name)
        if value:
            applied.append((name, str(value)))
    return applied


def _years(text: str) -> tuple[tuple[int | None, int | None] | None, bool, str]:
    """The years written in the text, whether they are those the project started in (the
    verb that says so is read with them), and the text without them."""
    started = _STARTED.search(text)
    if started:
        year = int(started.group(1))
        return (year, year), True, text[: started.start()] + " " + text[started.end() :]
    shapes = ((_RANGE, "range"), (_SINCE, "since"), (_UNTIL, "until"), (_BEFORE, "before"))
    for pattern, shape in (*shapes, (_IN, "in")):
        match = pattern.search(text)
        if match:
            rest = text[: match.start()] + " " + text[match.end() :]
            first = int(match.group(1))
            if shape == "range":
                low, high = sorted((first, int(match.group(2))))
                return (low, high), False, rest
            if shape == "since":
                return (first, None), False, rest
            if shape in ("until", "before"):
                return (None, first - (shape == "before")), False, rest
            return (first, first), False, rest
    return None, False, text


def _years_label(years: tuple[int | None, int | None]) -> str:
    low, high = years
    if low is not None and high is not None:
        return str(low) if low == high else f"{low}–{high}"
    return f"{low}–" if low is not None else f"–{high}"
