"""The asker's own country or nationality, said while they describe themselves.

« I lead a project in a Belgian regional health authority », « I am working in a regional
government in Italy », « We are a German federal ministry », « nous sommes une agence belge »:
a clause whose subject is the asker (I, we, my, our, je, nous…) and whose verb describes
rather than asks says where the asker works, not what the question is about. No project names
Belgium or Germany, so the country was read as a subject no project mentions (`absent.py`) and
vetoed right answers. A country named in a request (« I'm looking for projects in Belgium »,
« je cherche des projets en Belgique ») or outside the asker's clause (« did Belgium's
hospitals… ») is still what the question is about.

The countries are the territory names of the CLDR (Babel), in English and French; the
nationalities are the names of their official languages (« German », « danois »), of their
regional variants (« Flemish », « Austrian German »), and the adjectives formed on a
territory's name (« Belgian », « belge », « canadienne »).
"""

from __future__ import annotations

import re
from functools import cache

from store.search.analysis import WORD, fold

_LOCALES = ("en", "fr")
_STEM = 4
"""The shortest part of a territory's name a nationality must begin with (« belg-ian »)."""
_VARIANT_PREFIX = 3
"""How much of a territory's name a language variant's qualifier must begin with (« Swiss
German »: « swi- » of « Switzerland »), so that « Low Saxon » or « High German » are none."""
_ENDINGS = ("ian", "an", "ese", "ish", "i", "ien", "ain", "ais", "ois", "e")
"""How a nationality is formed on a territory's name, in English and in French (« Belg-ian »,
« belg-e », « autrich-ien »); a feminine or a plural is read as its masculine singular."""
_PHRASE_WORDS = 4
_POSSESSIVE_WORDS = 4
"""How far after « our », « notre » a nationality still describes the asker's own office
(« our regional Belgian agency », « nos hôpitaux belges »)."""

_SUBJECT_WORDS = "i we je j nous"
_SUBJECTS = frozenset(_SUBJECT_WORDS.split())
_POSSESSIVE_PRONOUNS = "my our mon ma mes notre nos"
_POSSESSIVES = frozenset(_POSSESSIVE_PRONOUNS.split())
_AUXILIARY_WORDS = (
    "m re ve am are was were have has had been currently now also just still suis sommes "
    "avons ai etais etions"
)
_AUXILIARIES = frozenset(_AUXILIARY_WORDS.split())
_REQUEST_WORDS = """
    look looking search searching seek seeking want wants wanted wonder wondering need needs
    needed interested curious ask asking asked hope hoping like love try trying wish know find
    hear learn read see compare study research d would could can should may might tell show
    give explain cherche cherchons recherche recherchons voudrais voudrions veux voulons
    aimerais aimerions souhaite souhaitons souhaiterais souhaiterions me m nous interesse
    interessons demande demandons sais savons connais connaissons dire indiquer donner montrer
    expliquer pourrais pourrions peux pouvons
"""
_REQUESTS = frozenset(_REQUEST_WORDS.split())
"""What an asker does when they ask rather than say who they are: a country after these is
what they ask about (« I'm looking for projects in Belgium »)."""
_NEW_CLAUSE_WORDS = (
    "i we you they he she it our my is are did does do has have was were je nous vous il "
    "elle on j est y"
)
_NEW_CLAUSE = frozenset(_NEW_CLAUSE_WORDS.split())
_CONJUNCTION_WORDS = "and but so et mais donc"
_CONJUNCTIONS = frozenset(_CONJUNCTION_WORDS.split())
_CLAUSE_END = re.compile(r"[.!?;:,()]")


@cache
def _names() -> tuple[frozenset[tuple[str, ...]], frozenset[str], tuple[str, ...]]:
    """The territories (each as its folded words), the nationality words, and the folded
    one-word territory names (« belgium », « belgique ») that adjectives are formed on.
    Babel's data is read by the first question that needs it."""
    from babel import Locale
    from babel.languages import get_official_languages

    territories: set[tuple[str, ...]] = set()
    nationalities: set[str] = set()
    for code in _LOCALES:
        locale = Locale(code)
        named = {k: fold(v) for k, v in locale.territories.items() if k.isalpha() and k != "ZZ"}
        territories |= {tuple(WORD.findall(name)) for name in named.values()}
        words = {w for t in territories for w in t}
        official = {lang for territory in named for lang in get_official_languages(territory)}
        for key, name in locale.languages.items():
            language, _, region = key.partition("_")
            if language not in official or (region and region not in named):
                continue
            said = WORD.findall(fold(name))
            base = set(WORD.findall(fold(locale.languages.get(language, ""))))
            nationalities.update(
                w
                for w in said
                if len(said) == 1
                or (
                    w not in base
                    and len(w) >= _STEM
                    and any(t.startswith(w[:_VARIANT_PREFIX]) for t in words)
                )
            )
    singles = tuple(sorted(t[0] for t in territories if len(t) == 1))
    return frozenset(territories), frozenset(nationalities), singles


def _nationality(word: str) -> bool:
    """Whether a folded word names a nationality: a language's or its variant's
    (« german », « allemande », « flemish »), or an adjective formed on a territory's name
    (« belgian », « belges », « autrichienne »)."""
    _, nationalities, singles = _names()
    forms = {word, word.removesuffix("s")}
    forms |= {f[:-1] for f in forms if f.endswith("e")} | {
        f[:-2] for f in forms if f.endswith("nne")
    }
    for form in forms:
        if form in nationalities:
            return True
        for ending in _ENDINGS:
            stem = form.removesuffix(ending)
            if stem != form and len(stem) >= _STEM and any(s.startswith(stem) for s in singles):
                return True
    return False


def _territory(folded: list[str], at: int) -> int:
    """How many words at `at` name a territory (0 when none does)."""
    territories = _names()[0]
    for length in range(min(_PHRASE_WORDS, len(folded) - at), 0, -1):
        if tuple(folded[at : at + length]) in territories:
            return length
    return 0


def unasked(text: str) -> str:
    """`text` without the countries and nationalities of the clauses in which the asker says
    who they are."""
    tokens = list(WORD.finditer(text))
    folded = [fold(t.group()) for t in tokens]
    dropped: list[tuple[int, int]] = []
    at = 0
    while at < len(tokens):
        if folded[at] in _SUBJECTS or folded[at] in _POSSESSIVES:
            at = _describe(text, tokens, folded, at, dropped)
        else:
            at += 1
    kept, last = [], 0
    for start, end in dropped:
        kept.append(text[last:start])
        last = end
    return "".join([*kept, text[last:]])


def _describe(
    text: str,
    tokens: list[re.Match[str]],
    folded: list[str],
    at: int,
    dropped: list[tuple[int, int]],
) -> int:
    """Reads the clause opened by the asker's pronoun at `at`, noting in `dropped` the spans
    of the countries and nationalities it names; returns where reading goes on."""
    limit = at + _POSSESSIVE_WORDS + 1 if folded[at] in _POSSESSIVES else len(tokens)
    index = at + 1
    while index < len(tokens) and folded[index] in _AUXILIARIES:
        index += 1
    while index < min(limit, len(tokens)):
        if folded[index] in _REQUESTS or _ends(text, tokens, folded, index):
            return index
        length = _territory(folded, index) or int(_nationality(folded[index]))
        if length:
            dropped.append((tokens[index].start(), tokens[index + length - 1].end()))
            index += length
        else:
            index += 1
    return index


def _ends(text: str, tokens: list[re.Match[str]], folded: list[str], index: int) -> bool:
    """Whether a new clause begins at `index`: after a punctuation mark (« nous sommes une
    prison, des surveillants … en Belgique »), or at « and » with a new subject (« … and we
    coordinate »)."""
    if _CLAUSE_END.search(text[tokens[index - 1].end() : tokens[index].start()]):
        return True
    if folded[index] in _CONJUNCTIONS and index + 1 < len(tokens):
        return folded[index + 1] in _NEW_CLAUSE
    return False
