"""From a question to concepts: what the user asked about, each with the terms that express it.

A concept is one idea of the question (« hôpital », « lean ») with alternatives: the user's own
term, its lemma's when the stemmer splits a word from its lemma (« travaux » / « travail »), its
synonyms (possibly phrases), and — only when the word is unknown to the index — the terms it
prefixes (short queries) or the indexed words within a small edit distance (typos, corrected
against the collection's own vocabulary). Alternatives carry a weight so that an exact word
counts more than a guess; a concept resolved by a typo remembers it (`corrected`) so that the
answer can say which question it really answered.
"""

from __future__ import annotations

from dataclasses import dataclass

import simplemma
from rapidfuzz.distance import DamerauLevenshtein

from store.search.actions import actions
from store.search.analysis import MAX_QUERY_CHARS, query_tokens, term
from store.search.engine import Built
from store.search.lemmas import known_lemma
from store.search.thesaurus import Phrase, Thesaurus

MAX_CONCEPTS = 16
SHORT_QUERY = 3
EXACT, LEMMA, SYNONYM, JOINED, PREFIX, TYPO = 1.0, 1.0, 0.9, 0.9, 0.8, 0.75
PREFIX_TERMS = 8
RESPELL_MIN = 5
GLUED_PART = 4
DOUBLING = frozenset("bcdfglmnprst")
TYPO_TERMS = 3


@dataclass(frozen=True)
class Alternative:
    terms: Phrase
    weight: float
    df: int = 0


@dataclass
class Concept:
    words: tuple[str, ...]
    alternatives: list[Alternative]
    corrected: bool = False
    optional: bool = False
    lemma: str = ""
    """The folded lemma of a one-word concept as typed, when the lemmatiser knows the word:
    what a document must say for the concept to be there, not only a word of the same stem."""
    respelt: str = ""
    """The word the question meant, when an unknown word was found respelt (« abandonent »
    → « abandonnent »): what the answer says it read."""
    gap: int | None = None
    """How many words (stop words, request words) the question writes between the previous
    concept and this one: none for two words naming one thing (« marchés publics »). None
    for the first concept, and in a question translated word by word, whose order is not
    French."""
    action: bool = False
    """Whether the concept is a verb saying what was done (`actions.py`), not what about."""

    @property
    def known(self) -> bool:
        return any(a.df > 0 for a in self.alternatives)

    def found(self) -> list[Alternative]:
        return [a for a in self.alternatives if a.df > 0]


def plan(
    query: str, thesaurus: Thesaurus, *, compounds: bool = True, verbs: frozenset[str] = frozenset()
) -> list[Concept]:
    """The concepts of a question, before looking at the index (pure, no database); without
    `compounds`, their `gap` is not known. `verbs` are words (folded) the caller knows to be
    verbs, whatever `actions` reads (a question translated from English)."""
    tokens = query_tokens(query[:MAX_QUERY_CHARS])
    read = actions(query[:MAX_QUERY_CHARS])
    pairs = [(folded, analysed) for folded, analysed, _, _ in tokens]
    sequence = [t for _, t in pairs]
    concepts: list[Concept] = []
    seen: set[frozenset[Phrase]] = set()
    index = 0
    previous: int | None = None
    while index < len(pairs) and len(concepts) < MAX_CONCEPTS:
        matched = thesaurus.match(sequence, index) if sequence else None
        if matched is not None and thesaurus.other_word(matched[0], tokens[index][2]):
            matched = None
        if matched is None:
            phrase: Phrase = (sequence[index],)
            alternatives = [Alternative(phrase, EXACT), *_lemma(tokens[index][2], phrase[0])]
        else:
            phrase, groups = matched
            alternatives = [Alternative(phrase, EXACT)] + [
                Alternative(p, SYNONYM) for p in thesaurus.alternatives(groups) if p != phrase
            ]
        key = frozenset(a.terms for a in alternatives)
        if key not in seen:
            seen.add(key)
            words = tuple(w for w, _ in pairs[index : index + len(phrase)])
            typed = tokens[index][2] if len(phrase) == 1 else ""
            gap = tokens[index][3] - previous - 1 if compounds and previous is not None else None
            action = len(phrase) == 1 and (tokens[index][3] in read or words[0] in verbs)
            lemma = known_lemma(typed)
            concepts.append(Concept(words, alternatives, lemma=lemma, gap=gap, action=action))
            previous = tokens[index + len(phrase) - 1][3]
        else:
            previous = None
        index += len(phrase)
    return concepts


def _lemma(word: str, stem: str) -> list[Alternative]:
    """The lemma's term when the stemmer gives another one (« usagers » → `usag` / `usager`)."""
    lemma = simplemma.lemmatize(word.casefold(), lang="fr")
    lemma_term = term(lemma) if lemma != word else None
    return [Alternative((lemma_term,), LEMMA)] if lemma_term and lemma_term != stem else []


def resolve(index: Built, concepts: list[Concept], *, cognates: bool = False) -> list[Concept]:
    """Looks the concepts up in the index: frequencies, joined words, prefixes and typos; with
    `cognates` (a question read from English), an unknown word is first looked for as its
    French cognate."""
    joins = _join_candidates(concepts)
    wanted = {t for c in concepts for a in c.alternatives for t in a.terms} | set(joins.values())
    df = index.frequencies(wanted)
    concepts = _merge_joined(concepts, joins, df)
    short = len(concepts) <= SHORT_QUERY
    for concept in concepts:
        _count(concept, df)
        if concept.known or len(concept.words) != 1:
            continue
        word = concept.words[0]
        if cognates and _cognate(index, concept, word):
            continue
        if _respell(index, concept, word):
            continue
        guesses, weight = {}, PREFIX
        if short and len(word) >= 3:
            guesses = index.with_prefix(word, PREFIX_TERMS)
        if not guesses and len(word) >= 4 and not _numbered(word):
            weight = TYPO
            guesses = index.frequencies(_typos(index, word))
            concept.corrected = bool(guesses)
        if not guesses and _unglue(index, concept, word):
            continue
        concept.alternatives += [Alternative((t,), weight, n) for t, n in guesses.items()]
    return concepts


def _respell(index: Built, concept: Concept, word: str) -> bool:
    """An unknown word found under the stem of its accented or doubled-letter spelling, against
    every indexed term (bodies included, where the vocabulary of typos does not reach): typed
    without accents, a French ending is not removed by the stemmer (« handicapees » is not
    `handicap`), and a letter typed once for twice (« abandonent ») or twice for once is the
    commonest slip. The accented form is the word as typed (nothing to say); a changed letter
    is a correction, said in the answer."""
    if len(word) < RESPELL_MIN or not word.isalpha():
        return False
    accented, doubled = _accented(word), _doubled(word)
    terms: dict[str, str] = {}
    for variant in [*doubled, *accented]:
        for found_term in (term(variant), _lemma_term(variant)):
            if found_term:
                terms[found_term] = variant
    terms.pop(concept.alternatives[0].terms[0], None)
    found = index.frequencies(terms)
    if not found:
        return False
    best = max(found, key=lambda t: (terms[t] in accented, found[t]))
    meant = terms[best]
    if meant in accented:
        concept.alternatives.append(Alternative((best,), LEMMA, found[best]))
    else:
        concept.alternatives.append(Alternative((best,), TYPO, found[best]))
        concept.corrected = True
        concept.respelt = meant
    return True


_COGNATES = (
    ("izations", ("isations",)),
    ("ization", ("isation",)),
    ("ities", ("ités",)),
    ("ity", ("ité",)),
    ("ically", ("iquement",)),
    ("ical", ("ique",)),
    ("ics", ("ique", "iques")),
    ("ic", ("ique",)),
    ("ives", ("ifs", "ives")),
    ("ive", ("if", "ive")),
    ("aries", ("aires",)),
    ("ary", ("aire",)),
    ("ories", ("oires",)),
    ("ory", ("oire",)),
    ("ous", ("eux", "euse")),
    ("isms", ("ismes",)),
    ("ism", ("isme",)),
    ("ists", ("istes",)),
    ("ist", ("iste",)),
    ("izing", ("iser",)),
    ("ising", ("iser",)),
    ("ized", ("isé", "isée")),
    ("ised", ("isé", "isée")),
    ("ize", ("iser",)),
    ("ise", ("iser",)),
    ("ating", ("er",)),
    ("ated", ("é", "ée")),
    ("ate", ("er",)),
    ("ors", ("eurs",)),
    ("or", ("eur",)),
    ("ency", ("ence",)),
    ("ancy", ("ance",)),
    ("als", ("aux", "els")),
    ("al", ("el",)),
    ("ies", ("ies",)),
    ("y", ("ie",)),
)
COGNATE_MIN = 5


def cognates(word: str) -> set[str]:
    """French spellings an English word may have as a cognate, by its ending (« strategy » →
    « strategie », « autonomy » → « autonomie », « evaluate » → « evaluer », « priority » →
    « priorité », « director » → « directeur »), each also with one « e » accented: guesses,
    kept only when the index has them."""
    found: set[str] = set()
    for ending, french in _COGNATES:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            found |= {word[: -len(ending)] + f for f in french}
            break
    return found | {a for f in found for a in _accented(f)}


def _cognate(index: Built, concept: Concept, word: str) -> bool:
    """An unknown English word found as the French word it is a cognate of (`cognates`), the
    most frequent when several are indexed: a translation, not a correction."""
    if len(word) < COGNATE_MIN or not word.isalpha():
        return False
    terms: dict[str, str] = {}
    for variant in cognates(word):
        for found_term in (term(variant), _lemma_term(variant)):
            if found_term:
                terms[found_term] = variant
    terms.pop(concept.alternatives[0].terms[0], None)
    found = index.frequencies(terms) if terms else {}
    if not found:
        return False
    best = max(found, key=lambda t: found[t])
    concept.alternatives.append(Alternative((best,), SYNONYM, found[best]))
    return True


def _unglue(index: Built, concept: Concept, word: str) -> bool:
    """An unknown word read as two words typed without the space between them (« servicepublic »
    → « service public »), searched as that phrase: the split, each half of `GLUED_PART`
    letters or more, that some document writes as a phrase (the most frequent if several)."""
    splits = {
        (left, right): (term(left), term(right))
        for left, right in (
            (word[:i], word[i:]) for i in range(GLUED_PART, len(word) - GLUED_PART + 1)
        )
    }
    wanted = {t for pair in splits.values() for t in pair if t}
    df = index.frequencies(wanted) if wanted else {}
    known = sorted(
        (
            (min(df[a], df[b]), words, (a, b))
            for words, (a, b) in splits.items()
            if a in df and b in df
        ),
        reverse=True,
    )
    found = next((split for split in known if index.has_phrase(split[2])), None)
    if found is None:
        return False
    frequency, (left, right), phrase = found
    concept.alternatives.append(Alternative(phrase, JOINED, frequency))
    concept.corrected = True
    concept.respelt = f"{left} {right}"
    return True


def _lemma_term(word: str) -> str | None:
    """The term of a word's lemma, when the lemmatiser knows the word (« abandonnent » →
    abandonner → `abandon`, where the stemmer keeps `abandonnent`)."""
    if not simplemma.is_known(word, lang="fr"):
        return None
    return term(simplemma.lemmatize(word, lang="fr"))


def _accented(word: str) -> set[str]:
    """The word with one « e » accented (« numerisee » → « numérisee »…), or its ending
    « -ee(s) » written « -ée(s) » (« handicapees »)."""
    found = {
        word[:i] + accent + word[i + 1 :]
        for i, c in enumerate(word)
        if c == "e"
        for accent in "éèê"
    }
    for ending, accented in (("ees", "ées"), ("ee", "ée")):
        if word.endswith(ending):
            found.add(word[: -len(ending)] + accented)
    return found


def _doubled(word: str) -> set[str]:
    """The word with one consonant doubled, or one doubled consonant typed once."""
    found = set()
    for i, c in enumerate(word):
        if c in DOUBLING and i > 0 and word[i - 1] != c:
            found.add(word[:i] + c + word[i:])
        if i and word[i - 1] == c:
            found.add(word[:i] + word[i + 1 :])
    return found


def _count(concept: Concept, df: dict[str, int]) -> None:
    """Each alternative's frequency (a phrase counts as its rarest word)."""
    concept.alternatives = [
        Alternative(a.terms, a.weight, min(df.get(t, 0) for t in a.terms))
        for a in concept.alternatives
    ]


def _join_candidates(concepts: list[Concept]) -> dict[int, str]:
    """Neighbouring single words that may be one word split in two (« neo gend »)."""
    joins = {}
    for index in range(len(concepts) - 1):
        left, right = concepts[index], concepts[index + 1]
        if len(left.words) == 1 and len(right.words) == 1:
            joined = term(left.words[0] + right.words[0])
            if joined is not None:
                joins[index] = joined
    return joins


def _known(concept: Concept, df: dict[str, int]) -> bool:
    return any(all(t in df for t in a.terms) for a in concept.alternatives)


def _merge_joined(
    concepts: list[Concept], joins: dict[int, str], df: dict[str, int]
) -> list[Concept]:
    merged: list[Concept] = []
    index = 0
    while index < len(concepts):
        joined = joins.get(index)
        pair = concepts[index : index + 2]
        if joined and joined in df and not all(_known(c, df) for c in pair):
            split = pair[0].alternatives[0].terms + pair[1].alternatives[0].terms
            alternatives = [Alternative((joined,), JOINED), Alternative(split, EXACT)]
            merged.append(Concept(pair[0].words + pair[1].words, alternatives, gap=pair[0].gap))
            index += 2
        else:
            merged.append(concepts[index])
            index += 1
    return merged


def _numbered(word: str) -> bool:
    """A word with a digit is a year, a number or a code: one digit away is another one
    (« 2019 » is not a slip for the « 2016 » a project has), never a typo."""
    return any(character.isdigit() for character in word)


def _typos(index: Built, word: str) -> list[str]:
    """Terms of indexed words within one edit (two for long words) of an unknown word, closest
    and most frequent first; the first two letters must match, which keeps the candidates few on
    large collections."""
    limit = 1 if len(word) < 7 else 2
    close: list[tuple[int, int, str]] = []
    for candidate, found, df in index.words_near(word[:2], len(word) - limit, len(word) + limit):
        distance = DamerauLevenshtein.distance(word, candidate, score_cutoff=limit)
        if distance <= limit:
            close.append((distance, -df, found))
    best: list[str] = []
    for _, _, found in sorted(close):
        if len(best) < TYPO_TERMS and found not in best:
            best.append(found)
    return best
