"""The words of a question naming people or things no project mentions.

A project with everything else of the question is about someone or something else: « recruitment
app for the navy », « secure tablets for firefighters », « appli pour le recrutement de la
marine nationale » find the army's recruitment app, and saying it confidently would be wrong.
Only the words that name whom or what the question is about count: a generic word the catalogue
happens not to use (« de leur boulot », « at home », « with a single account ») says nothing
about which project is meant, and vetoing it would withhold a right answer. A town or an
organisation no project mentions (« dans un CHU de Bordeaux ») is somewhere or someone else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from handlers.projects.language import english_word, plural_noun
from store.search import query_words
from store.search.analysis import WORD, fold
from store.search.stopwords import DETERMINERS

_CIRCUMSTANCE = frozenset(["at", "without", "like", "than"])
"""English prepositions whose phrase says where or how, not whom: « … at home », « … instead
of at the newsagent »; « with » too before « a » (« … with a single account »: the means; « a
partnership with the navy » names whom)."""
_INDEFINITE = frozenset(["a", "an"])
_PREPOSITION_WORDS = "for in into to from by on of with about among across around near within"
_PREPOSITIONS = _CIRCUMSTANCE | frozenset(_PREPOSITION_WORDS.split())
_PRONOUN_WORDS = "everything anything something nothing everyone anyone someone everybody anybody"
_INDEFINITE_PRONOUNS = frozenset(_PRONOUN_WORDS.split())
"""« … one login for everything »: a pronoun stands for what the question already said or for
no one in particular; it never names whom or what a project is about."""
_PHRASE_WORDS = 3
"""How far back from its last word an English question's final phrase begins: a preposition,
a determiner, an adjective (« at the tobacco shop »)."""


def absent_english(
    typed: str, searched: str, unknown: tuple[str, ...], placed: Sequence[str]
) -> tuple[str, ...]:
    """The unknown plural nouns (« … for firefighters »), and the unknown English word the
    question ends with (« … for the navy », « … in a car factory »): an English question ends
    on whom or where it is about, before its final phrase when that is a circumstance
    (`_CIRCUMSTANCE`: « … for the navy at sea », but not « … pills at home »). A word written
    with its capital is a name (« near Nice »), not an English word; the names that count
    are `placed` (`unknown_names`)."""
    tokens = WORD.findall(typed)
    circumstance = _circumstance(tokens)
    if circumstance is None:
        words = query_words(searched)
    else:
        words = query_words(" ".join(tokens[:circumstance]))
    last = words[-1][0] if words else ""
    names = {fold(w) for w in tokens if w[0].isupper()}
    return tuple(
        w
        for w in unknown
        if w not in _INDEFINITE_PRONOUNS
        and (plural_noun(w) or w in placed or (w == last and w not in names and english_word(w)))
    )


def _circumstance(tokens: list[str]) -> int | None:
    """Where the question's final phrase begins, when it is a circumstance (`_CIRCUMSTANCE`)."""
    folded = [w.casefold() for w in tokens]
    start = max(0, len(folded) - _PHRASE_WORDS - 1)
    for at in reversed(range(start, len(folded) - 1)):
        if folded[at] in _PREPOSITIONS:
            if folded[at] == "with":
                return at if folded[at + 1] in _INDEFINITE else None
            return at if folded[at] in _CIRCUMSTANCE else None
    return None


def absent_french(asked: str, unknown: tuple[str, ...], placed: Sequence[str]) -> tuple[str, ...]:
    """An unknown word right after a determiner (« … de la marine nationale », « les policiers
    municipaux ») that the French lemmatiser knows, so a noun and not a misspelling or an
    abbreviation the correction missed (« prizon », « reorga »). Read in the question as asked,
    before its filters are taken out: in « les hôpitaux parisiens », « parisiens » describes
    the hospitals the filter reads, it does not follow « les ». Not a `_kind_of` word either.
    And the names that count (`placed`, `unknown_names`)."""
    from store.search.lemmas import french_word

    if not unknown:
        return ()
    tokens = WORD.findall(asked)
    nouns = (
        fold(word)
        for at, (before, word) in enumerate(itertools.pairwise(tokens), start=1)
        if fold(word) in unknown
        and fold(before) in DETERMINERS
        and french_word(word)
        and not _kind_of(tokens[at:], unknown)
    )
    return tuple(dict.fromkeys(itertools.chain(nouns, placed)))


_OF = frozenset(["de", "d", "des", "du"])


def _kind_of(phrase: list[str], unknown: tuple[str, ...]) -> bool:
    """Whether a singular noun, maybe with an adjective, is followed by « de » and a word the
    collection knows (« un logiciel de compta », « le fichier national des demandes », « un
    coin rural d'Alsace »): in French the head of « N de N » is the generic kind of thing and
    its complement what it is about; the catalogue naming the kind otherwise (« système
    d'information ») is no other subject. People are named in the plural (« les pompiers du
    Var »), so a plural head still counts."""
    head = fold(phrase[0])
    if head.endswith(("s", "x")):
        return False
    for after in (phrase[1:3], phrase[2:4]):
        if len(after) == 2 and fold(after[0]) in _OF:
            complement = fold(after[1])
            return complement not in unknown and bool(query_words(complement))
    return False


_NEAR_WORDS = "near around nearby close pres autour proche proches environs cote vers alentours"
_NEAR = frozenset(_NEAR_WORDS.split())
_SENTENCE_END = re.compile(r"[.?!:;]")
"""« near Nice », « autour de Lyon », « du côté de Mulhouse »: a landmark, not where."""


def unknown_names(typed: str, unknown: tuple[str, ...]) -> list[str]:
    """The names, written with their capital (not a sentence's first word, not an acronym),
    that no project mentions: a town or an organisation (« dans un CHU de Bordeaux ») the
    catalogue has never heard of is somewhere or someone else, unless the question only
    places itself near it (`_NEAR`)."""
    found = []
    for sentence in _SENTENCE_END.split(typed):
        tokens = WORD.findall(sentence)
        found += [
            fold(word)
            for at, word in enumerate(tokens)
            if at
            and word.istitle()
            and fold(word) in unknown
            and not _NEAR & {fold(w) for w in tokens[max(0, at - _PHRASE_WORDS) : at]}
        ]
    return found
