"""Who asks, read clause by clause: the words in which the asker says who they are.

« I work for a regional government in Finland », « I'm a project officer at a Belgian research
body », « I just joined a regional health agency », « je suis DGA dans un conseil
départemental », « je bosse à Rennes », « on est vers Nice », « je m'occupe des achats dans un
CHU »: a clause that opens so (`_OPENERS`) says where the asker works, up to its end (a
punctuation mark, a conjunction before a new subject, « where », « où ») or a request word
(« … looking for », « je cherche »). Searched, its job, employer or town are subjects the right
project lacks (`absent.py`) and left right answers unsure; read as filters, « je bosse à
Rennes » would hold the answer to the asker's town where « des retours en Bretagne » asks for
Brittany. Any other clause whose subject is the asker (I, we, my, our, je, nous…) and whose
verb describes rather than asks keeps its words but its countries and nationalities: « We are
a German federal ministry », « nous sommes une agence belge » (no project names Belgium or
Germany). A request's object is the subject, wherever it is (« I'm looking for projects in
Belgium », « je cherche des projets à Rennes », « je suis à la recherche de… »), as is a
country outside the asker's clause (« did Belgium's hospitals… »).

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
    expliquer pourrais pourrions peux pouvons interessee interesses interessees curieux
    curieuse preneur preneuse
"""
_REQUESTS = frozenset(_REQUEST_WORDS.split())
"""What an asker does when they ask rather than say who they are: a country after these is
what they ask about (« I'm looking for projects in Belgium »)."""
_OPENER_STOPS = (_REQUESTS - {"research", "study", "demande", "d"}) | _SUBJECTS | {"you", "vous"}
"""Where the clause of an asker saying where they work ends short of its punctuation: at a new
subject (« je bosse à Rennes je cherche … ») or a request (« a nurse looking for … »); not at
« research » (« a Belgian research body »), « study » or « demande », names as often, nor at
the « d » of « d'établissement »."""
_NEW_CLAUSE_WORDS = (
    "i we you they he she it our my is are did does do has have was were je nous vous il "
    "elle on j est y"
)
_NEW_CLAUSE = frozenset(_NEW_CLAUSE_WORDS.split())
_CONJUNCTION_WORDS = "and but so et mais donc"
_CONJUNCTIONS = frozenset(_CONJUNCTION_WORDS.split())
_RELATIVES = frozenset({"where", "où"})
_CLAUSE_END = re.compile(r"[.!?;:,()]")
_AT = r"(?:a|au|aux|dans|ds|en|chez)"
_NOT_A_PLACE = r"(?!la recherche |train |charge |quete |attente )"
"""« je suis à la recherche de … », « on est en train de … »: the asker asks or does, and
what follows is the subject."""
_OPENERS = re.compile(
    "|".join(
        (
            r"i (?:m|am) (?:with|from) ",
            r"i (?:(?:m|am) )?(?:work|worked|working) (?:for|at|in|with) ",
            r"i (?:m|am) (?:a|an) (?:\w+ )*?(?:at|in|with|for|from) ",
            r"i (?:(?:have )?just |recently )?(?:joined|look after) ",
            rf"je? (?:travaille|bosse) (?:{_AT}|pour) ",
            rf"je? suis (?:(?:un|une) )?(?:\w+ ){{0,3}}?{_AT} {_NOT_A_PLACE}",
            rf"(?:on est|nous sommes) (?:{_AT}|vers) {_NOT_A_PLACE}",
            rf"je m occupe (?:du|des|de la|de l) (?:\w+ ){{0,3}}?{_AT} ",
        )
    )
)
"""How a clause in which the asker says where they work begins (folded words, each followed
by a space): « I'm with … », « I work for … », « I'm a project officer at … », « I just
joined … », « I look after … », « je travaille dans … », « je bosse à … », « je suis DGA
dans … », « je suis en service déconcentré … », « on est vers … », « nous sommes en … »,
« je m'occupe des achats dans … » (what they do where, not « je m'occupe d'un projet de … »,
which may be the subject)."""


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


HERE = re.compile(
    r"\b(?:du|dans\s+le|par\s+le)\s+coin\b|\bpr[eè]s\s+de\s+chez\s+(?:nous|moi)\b"
    r"|\b(?:dans|de)\s+(?:ma|notre)\s+r[ée]gion\b|\bpar\s+ici\b|\baround\s+here\b"
    r"|\bnear\s+(?:us|me)\b|\b(?:in|of)\s+(?:my|our)\s+(?:area|region)\b|\bnearby\b",
    re.IGNORECASE,
)
"""« on est en région Grand Est, vous avez des projets du coin ? », « near us »: the question
asks about the asker's own place, which stays to be read as a filter; the words that point
back to it are no subject (`chatter.quiet`)."""


def unasked(text: str) -> str:
    """`text` without the clauses in which the asker says where they work, nor the countries
    and nationalities of those in which they otherwise say who they are; where the question
    asks about the asker's own place (`HERE`), those clauses stay whole."""
    if HERE.search(text):
        return text
    tokens = list(WORD.finditer(text))
    folded = [fold(t.group()) for t in tokens]
    dropped: list[tuple[int, int]] = []
    at = 0
    while at < len(tokens):
        if folded[at] in _SUBJECTS or folded[at] in _POSSESSIVES or folded[at] == "on":
            at = _read_clause(text, tokens, folded, at, dropped)
        else:
            at += 1
    kept, last = [], 0
    for start, end in dropped:
        kept.append(text[last:start])
        last = end
    return "".join([*kept, text[last:]])


def _read_clause(
    text: str,
    tokens: list[re.Match[str]],
    folded: list[str],
    at: int,
    dropped: list[tuple[int, int]],
) -> int:
    """Reads the clause opened by the asker's pronoun at `at`, noting in `dropped` the whole
    of it when it says where the asker works (`_OPENERS`), else the spans of the countries and
    nationalities it names; returns where reading goes on."""
    after = range(at + 1, len(tokens))
    end = next((i for i in after if _ends(text, tokens, folded, i)), len(tokens))
    opener = _OPENERS.match(" ".join(folded[at:end]) + " ")
    if opener:
        said = at + opener.group().count(" ")
        last = next((i for i in range(said, end) if folded[i] in _OPENER_STOPS), end)
        dropped.append((tokens[at].start(), tokens[last - 1].end()))
        return last
    if folded[at] == "on":
        return at + 1
    return _describe(folded, tokens, at, end, dropped)


def _describe(
    folded: list[str],
    tokens: list[re.Match[str]],
    at: int,
    end: int,
    dropped: list[tuple[int, int]],
) -> int:
    """Notes in `dropped` the countries and nationalities of a clause in which the asker
    describes themselves, up to `end` or a request word; returns where reading goes on."""
    limit = min(end, at + _POSSESSIVE_WORDS + 1) if folded[at] in _POSSESSIVES else end
    index = at + 1
    while index < limit and folded[index] in _AUXILIARIES:
        index += 1
    while index < limit:
        if folded[index] in _REQUESTS:
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
    prison, des surveillants … en Belgique »), at « where » or « où », or at « and » with a new
    subject (« … and we coordinate »)."""
    if _CLAUSE_END.search(text[tokens[index - 1].end() : tokens[index].start()]):
        return True
    if tokens[index].group().lower() in _RELATIVES:
        return True
    if folded[index] in _CONJUNCTIONS and index + 1 < len(tokens):
        return folded[index + 1] in _NEW_CLAUSE
    return False
