"""The words of a question that tell what was done rather than name what it is about.

« ils ont filé des téléphones sécurisés aux gendarmes », « un département s'est doté d'une
équipe dédiée à la transformation », « les patientes ont gagné du temps »: the verbs say what
happened; the nouns (« téléphones », « gendarmes », « équipe », « transformation ») are the
subject. A project telling the same story in other verbs (« équipé », « créé ») is still the
one asked about, whereas one lacking a noun of the question is about something else
(« télémédecine en prison »). A verb is read from its form, the French lemmatiser giving an
infinitive for an inflected word (« dédiée » → « dédier »), or from its place: right after an
auxiliary (« ont gagne », typed without accents), an infinitive after « pour », or a feminine
participle between its noun and its agent (« la convention passée avec le SGMAP »).
"""

from __future__ import annotations

import simplemma

from store.search.analysis import WORD, fold
from store.search.lemmas import french_word, known_lemma
from store.search.stopwords import DETERMINERS

_INFINITIVE = ("er", "ir", "re")
_AUXILIARY_WORDS = "ont avait avaient aurait auraient avons avez ai sont etait etaient"
_AUXILIARIES = frozenset(_AUXILIARY_WORDS.split())
_SUBJECT_WORDS = "ca cela il elle on qui"
_SUBJECTS = frozenset(_SUBJECT_WORDS.split())
"""« a » is an auxiliary after a subject (« ça a marché », « qui a réorganisé »); elsewhere it is
often « à » typed without its accent (« a l'hôpital »)."""
_PARTICIPLE = ("e", "es", "ee", "ees", "i", "is", "ie", "ies", "it", "u", "us", "ue", "ues")
_NOUN_ENDINGS = ("ere", "eres")
"""« infirmières », « conseillères »: nouns whose lemma is the masculine « -ier »."""


_AGENTS = frozenset(["par", "avec"])


def actions(text: str) -> frozenset[int]:
    """The positions (among all the words of `text`) of its verbs."""
    typed = WORD.findall(text)
    folded = [fold(w) for w in typed]
    return frozenset(
        at
        for at, word in enumerate(folded)
        if _participle(folded, at)
        or _passive(folded, at)
        or _inflected(typed[at].casefold(), word)
        or (at > 0 and folded[at - 1] == "pour" and _infinitive(typed[at]))
    )


def _participle(folded: list[str], at: int) -> bool:
    """A word with a participle's ending right after an auxiliary."""
    before = folded[at - 1] if at else ""
    after_subject = before == "a" and at > 1 and folded[at - 2] in _SUBJECTS
    reflexive = before == "est" and at > 1 and folded[at - 2] in ("s", "se")
    auxiliary = before in _AUXILIARIES or after_subject or reflexive
    return auxiliary and folded[at].endswith(_PARTICIPLE)


def _passive(folded: list[str], at: int) -> bool:
    """A feminine participle right after its noun and before its agent (« la convention
    passée avec le SGMAP », « une démarche portée par »): the lemmatiser reads « passée »,
    « portée » as nouns, which a determiner would come before."""
    return (
        0 < at < len(folded) - 1
        and folded[at].endswith(("ee", "ees"))
        and folded[at + 1] in _AGENTS
        and folded[at - 1] not in DETERMINERS
    )


def _inflected(word: str, folded: str) -> bool:
    """A conjugated verb or a participle: the lemmatiser gives an infinitive of another form,
    not the word with a plural's « s » taken off (« dossiers », « centres »)."""
    lemma = known_lemma(word)
    if not lemma or folded.endswith(_NOUN_ENDINGS):
        return False
    return (
        lemma != folded and lemma.endswith(_INFINITIVE) and folded not in (lemma + "s", lemma + "x")
    )


def _infinitive(word: str) -> bool:
    """An infinitive (« pour réorganiser »): a known word that is its own verb lemma."""
    lowered = word.casefold()
    return (
        lowered.endswith(_INFINITIVE)
        and french_word(lowered)
        and simplemma.lemmatize(lowered, lang="fr") == lowered
    )
