"""Which language a question is written in, and English questions read in French.

The projects are French; an English question is answered about them, in English: its words are
looked up in a bilingual glossary of the field (`data/glossary.yaml`, longest expression first)
and the French translation is what the search reads. Detection combines the function words of
each language (decisive on short questions, where statistical detectors hesitate: lingua gives
« qui a fait de la telemedicne ? » to English) with lingua's French/English model otherwise.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import yaml

from store.search.analysis import QUERY_STOPWORDS, WORD, fold
from store.search.stopwords import ENGLISH, FRENCH

if TYPE_CHECKING:
    from lingua import LanguageDetector

Lang = Literal["fr", "en"]
GLOSSARY = Path(__file__).parent / "data" / "glossary.yaml"
ENGLISH_CONFIDENCE = 0.85
MIN_WORDS = 3
TYPO_MIN, TYPO_LONG = 5, 7
_ENGLISH_ONLY = frozenset(fold(w) for w in ENGLISH) - frozenset(fold(w) for w in FRENCH)
_FRENCH_ONLY = frozenset(fold(w) for w in FRENCH if len(w) > 1) - frozenset(
    fold(w) for w in ENGLISH
)
_ENGLISH_REQUEST = frozenset({"who", "what", "which", "how", "anyone", "someone", "projects"})


@cache
def _detector() -> LanguageDetector:
    """lingua, its models and the lemmatiser and edit distance below are imported when a
    question first needs them, not with the feature: a process that answers no question
    does not hold them."""
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.ENGLISH).build()


def detect(text: str) -> Lang:
    """`en` for a question written in English, `fr` otherwise (the default language)."""
    words = [fold(w) for w in WORD.findall(text)]
    english = sum(w in _ENGLISH_ONLY or w in _ENGLISH_REQUEST for w in words)
    french = sum(w in _FRENCH_ONLY for w in words)
    if english != french:
        return "en" if english > french else "fr"
    if len(words) < MIN_WORDS:
        return "fr"
    from lingua import Language

    value = _detector().compute_language_confidence(text, Language.ENGLISH)
    return "en" if value >= ENGLISH_CONFIDENCE else "fr"


@dataclass(frozen=True)
class Glossary:
    """The glossary as written (`table`, folded English → French; `exact`, word for word) and
    as looked up: by the words of each expression in their normal form (`normal`), and glued
    into one word (« followup » for « follow-up »), so that an entry written once matches its
    inflections and spellings."""

    table: dict[str, str]
    exact: dict[tuple[str, ...], str]
    by_words: dict[tuple[str, ...], str]
    longest: int


@cache
def _glossary() -> Glossary:
    entries = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
    table = {fold(str(key)): str(value) for key, value in entries.items()}
    exact = {tuple(WORD.findall(key)): french for key, french in table.items()}
    by_words: dict[tuple[str, ...], str] = {}
    for key in sorted(table, key=lambda k: (len(k), k)):
        words = tuple(normal(w) for w in WORD.findall(key))
        if len(words) == 1 and words[0] in QUERY_STOPWORDS:
            continue
        by_words.setdefault(words, table[key])
        if len(words) > 1:
            by_words.setdefault((normal("".join(WORD.findall(key))),), table[key])
    return Glossary(table, exact, by_words, max(map(len, by_words), default=1))


NORMAL_CACHE = 16_384
"""Words kept read: the glossary's and those questions use most. Bounded, because questions
bring words without end (typos, names) to a process that runs for months."""
_SPELLING = (
    (re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=\w{3})ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"(?<=\w{3})our(s?)$"), r"or\1"),
    (re.compile(r"(?<=\w{3})tre(s?)$"), r"ter\1"),
    (re.compile(r"(?<=\w{3})ogue(s?)$"), r"og\1"),
    (re.compile(r"(?<=\w{3})ence$"), "ense"),
    (re.compile(r"(?<=\w{4})mme(s?)$"), r"m\1"),
)


@lru_cache(maxsize=NORMAL_CACHE)
def normal(word: str) -> str:
    """A folded English word as the glossary looks it up: British spellings written the
    American way (« organise », « centre », « labour », « programme »), then its lemma
    (« patrolling » → patrol, « charities » → charity); an unknown plural loses its « s »."""
    import simplemma

    for pattern, replacement in _SPELLING:
        word = pattern.sub(replacement, word)
    if english_word(word):
        return fold(simplemma.lemmatize(word, lang="en"))
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_FILLER = """
    get make use try apply take give bring ask stop spend talk sit become raise see look want
    need go come keep let put seem show tell say happen deal able good best better well really
    lot many much way thing kind sort type also still already even ever anybody somebody
    everyone people own since around instead so halfway think thinking speed run near cope
    base main include add year month week hour minute decade dozen hundred thousand be few
    small large little tiny huge handful same similar whole entire
"""
FILLER = frozenset(_FILLER.split())
"""The words, in their normal form, with which an English question asks rather than says
what about: left out of the search, where they would count as words the projects lack. So are
spans of time and round numbers (« for two years », « dozens of charities »), sizes and vague
amounts (« a handful of small agencies », « a few »): how long, how big or how many, never whom
or what; unknown, they lowered the known share, and a plural one was read as people no project
mentions. So is what points back to the question's own subject (« … done the same? », « a
similar app »), which, last, was read as whom the question is about."""
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=\ws)'(?!\w)")
_JOINS = re.compile(r"[\s'-]*")


def to_french(text: str) -> str:
    """The question with every glossary expression, the longest first, replaced by its
    French translation, whatever its inflection or spelling (« patrolling in pairs » for
    « patrol in pairs », « back to work » for « back-to-work »); other words, names
    included, stay as written, and the everyday verbs and adverbs of a request (`FILLER`:
    « how did they get… », « anyone tried… ») are left out."""
    folded, tokens, found = _read(text)
    parts: list[str] = []
    last = 0
    for index, length, french in found:
        parts += [folded[last : tokens[index].start()], french]
        last = tokens[index + length - 1].end()
    return "".join([*parts, folded[last:]])


def english_verbs(text: str) -> frozenset[str]:
    """The French verbs (folded infinitives) translating the English verbs of a text in
    « -ing » (« ended up sharing », « buying »): what was done, said in other words by a
    project that did it. Not a noun in « -ing », which the lemmatiser reads as its own
    lemma (« housing », « building »), nor one translated as a noun (« waiting » →
    « attente »); nor a participle in « -ed », often an adjective (« consultants hired »).
    And, as typed, the English verb forms in « -ing » or « -ed » the glossary does not
    translate (« followed », « paying »): unknown, they are no subject the projects lack.
    A form in « -s » right after « that » or « who » is a verb too (« an app that follows
    candidates », « a team that helps doctors »), read as typed or as its translation,
    though the glossary says it as a noun (« aide »): elsewhere it is a plural noun."""
    import simplemma

    _, tokens, found = _read(text)
    translated = {index for index, _, _ in found}
    said = [(index, t.group()) for index, t in enumerate(tokens)]
    untranslated = {
        word
        for index, word in said
        if index not in translated
        and (word.endswith(("ing", "ed")) or _after_relative(tokens, index))
        and english_word(word)
        and normal(word) != word
    }
    return frozenset(untranslated) | frozenset(
        fold(french)
        for index, length, french in found
        if length == 1
        and normal(tokens[index].group()) != tokens[index].group()
        and (
            _after_relative(tokens, index)
            or (
                tokens[index].group().endswith("ing")
                and french.endswith(("er", "ir", "re"))
                and simplemma.lemmatize(french, lang="fr") == french
            )
        )
    )


_RELATIVE_WORDS = "that who"
_RELATIVES = frozenset(_RELATIVE_WORDS.split())


def _after_relative(tokens: list[re.Match[str]], index: int) -> bool:
    """Whether the word at `index` is a verb in « -s » after « that » or « who »: the
    lemmatiser reads it as the form of a word whose « -ing » it also knows (« follows »,
    « helps »; not « firefighters »)."""
    word = tokens[index].group()
    if not index or tokens[index - 1].group() not in _RELATIVES or not word.endswith("s"):
        return False
    lemma = normal(word)
    return lemma != word and english_word(lemma + "ing")


def expressions(text: str) -> tuple[str, ...]:
    """The glossary expressions of several words in an English text, as typed (folded, words
    separated by spaces): « council housing », in which « council » is not an office."""
    _, tokens, found = _read(text)
    return tuple(
        " ".join(t.group() for t in tokens[index : index + length])
        for index, length, french in found
        if length > 1 and french
    )


def _read(text: str) -> tuple[str, list[re.Match[str]], list[tuple[int, int, str]]]:
    """The folded text, its words, and each expression read in it: first word, number of
    words, French (empty for a request word left out)."""
    glossary = _glossary()
    folded = _POSSESSIVE.sub("", fold(text))
    tokens = list(WORD.finditer(folded))
    normals = [normal(t.group()) for t in tokens]
    found: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens):
        match = _longest(glossary, folded, tokens, normals, index)
        if match is None and normals[index] in FILLER:
            match = "", 1
        if match is None:
            index += 1
            continue
        found.append((index, match[1], match[0]))
        index += match[1]
    return folded, tokens, found


def _longest(
    glossary: Glossary, folded: str, tokens: list[re.Match[str]], normals: list[str], start: int
) -> tuple[str, int] | None:
    """The French of the longest expression at `start` (its words separated by nothing but
    spaces, hyphens or apostrophes), and how many words it covers; two words typed apart
    match an entry written as one (« start up » for « startup »), and a verb in « -ing » or
    « -ed » its phrase (« setting up » for « set up », which the lemmatiser reads as a noun).
    A request word (« worked on… ») is not read as the entry of its lemma (« work »)."""
    for length in range(min(glossary.longest, len(tokens) - start), 0, -1):
        span = tokens[start : start + length]
        if any(
            not _JOINS.fullmatch(folded[a.end() : b.start()]) for a, b in itertools.pairwise(span)
        ):
            continue
        french = glossary.exact.get(tuple(t.group() for t in span))
        if french is None and (length > 1 or span[0].group() not in QUERY_STOPWORDS):
            french = glossary.by_words.get(tuple(normals[start : start + length]))
        if french is None and length > 1:
            french = glossary.exact.get(("".join(t.group() for t in span),))
        if french is None and length > 1:
            rest = tuple(normals[start + 1 : start + length])
            french = next(
                (
                    glossary.by_words[key]
                    for base in _stems(span[0].group())
                    if (key := (normal(base), *rest)) in glossary.by_words
                ),
                None,
            )
        if french is not None:
            return french, length
    if tokens[start].group() in QUERY_STOPWORDS:
        return None
    for base in _stems(tokens[start].group()):
        french = glossary.by_words.get((normal(base),))
        if french is not None:
            return french, 1
    return None


def _stems(word: str) -> list[str]:
    """The verb a form in « -ing » or « -ed » may come from when the lemmatiser reads it as a
    noun or an adjective (« buying » → buy, « planned » → plan, « shared » → share)."""
    for ending in ("ing", "ed"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) > 2:
            return [stem, stem + "e", *([stem[:-1]] if stem[-1] == stem[-2] else [])]
    return []


def plural_noun(word: str) -> bool:
    """Whether a folded English word reads as a plural noun (« firefighters », « cameras »):
    the lemmatiser knows it, and its lemma is the word without a plural ending."""
    import simplemma

    if not english_word(word):
        return False
    lemma = fold(simplemma.lemmatize(word, lang="en"))
    return lemma != word and word in {lemma + "s", lemma + "es", lemma[:-1] + "ies"}


def english_word(word: str) -> bool:
    """Whether the English lemmatiser knows a folded word (« navy », not « grenoble »)."""
    import simplemma

    return simplemma.is_known(word, lang="en")


def english_corrections(text: str) -> dict[str, str]:
    """Misspelt English words (« telemedicne ») read as the closest word of the glossary
    (« telemedicine »), folded typed word → glossary word: only words that neither English
    nor French knows, of five letters or more, within one edit (two from seven letters), with
    the same first letter. The question is then translated as corrected, and the answer can
    say so in English."""
    import simplemma
    from rapidfuzz.distance import DamerauLevenshtein

    words = _glossary_words()
    found: dict[str, str] = {}
    for word in WORD.findall(fold(text)):
        if len(word) < TYPO_MIN or word in words or word in found or word.isdigit():
            continue
        if english_word(word) or simplemma.is_known(word, lang="fr"):
            continue
        limit = 1 if len(word) < TYPO_LONG else 2
        close = [
            (DamerauLevenshtein.distance(word, known, score_cutoff=limit), known)
            for known in words.get(word[0], ())
            if abs(len(known) - len(word)) <= limit
        ]
        close = [pair for pair in close if pair[0] <= limit]
        if close:
            found[word] = min(close)[1]
    return found


def correct(text: str, corrections: dict[str, str]) -> str:
    """`text` with each corrected word (by its folded form) replaced, the rest as typed."""
    if not corrections:
        return text
    return WORD.sub(lambda match: corrections.get(fold(match.group()), match.group()), text)


@cache
def _glossary_words() -> dict[str, tuple[str, ...]]:
    """The single English words of the glossary, by first letter."""
    table = _glossary().table
    words = sorted({w for key in table for w in WORD.findall(key) if len(w) >= TYPO_MIN - 1})
    grouped: dict[str, list[str]] = {}
    for word in words:
        grouped.setdefault(word[0], []).append(word)
    return {letter: tuple(found) for letter, found in grouped.items()}


@cache
def _english_of() -> dict[str, str]:
    """The French translations of the glossary back to the shortest English expression."""
    table = _glossary().table
    back: dict[str, str] = {}
    for english, french in sorted(table.items(), key=lambda item: (len(item[0]), item[0])):
        back.setdefault(fold(french), english)
    return back


def in_english(french_word: str) -> str:
    """A French word of the collection as the glossary says it in English, when it does."""
    return _english_of().get(fold(french_word), french_word)
