"""Ranking candidates the same way on every database, and picking the passage that explains it.

The score is BM25F normalised to 0–1: each concept contributes the IDF of the alternative that
matched (capped by the concept's own) times a saturated, field-weighted and length-normalised
frequency (title above keywords above body), divided by the IDF of every concept of the
question; so a generic synonym (« santé » for « télémédecine ») earns little. Concepts unknown
to the index still count, with the largest IDF, so a question half about something absent
scores lower: that is what "matches well" means. Optional concepts (a place the question also
filters on) make up a tenth of the score: they order documents that name them first, and a
document that does not loses little.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from store.search.analysis import PASSAGE, WORD, term, words
from store.search.engine import Candidate, Fields
from store.search.lemmas import known_lemma
from store.search.query import EXACT, Concept
from store.search.thesaurus import Phrase
from store.search.vocabulary import Totals

FIELD_WEIGHTS = (3.0, 2.0, 1.0)
FIELD_B = (0.3, 0.3, 0.75)
SATURATION = 1.0
UNKNOWN_WEIGHT = 1.0
OPTIONAL_SHARE = 0.1
SNIPPET_WIDTH = 240
APART = 3


def idf(df: int, documents: int) -> float:
    return math.log(1 + (documents - df + 0.5) / (df + 0.5))


def weights(concepts: Sequence[Concept], documents: int) -> list[float]:
    """What each concept is worth: the IDF of the user's own word when the index knows it,
    else of the most specific stand-in (synonym, prefix, typo), else the largest IDF."""
    top = idf(0, max(documents, 1))
    found = []
    for concept in concepts:
        own = [a.df for a in concept.found() if a.weight == EXACT]
        known = own or [a.df for a in concept.found()]
        found.append(idf(min(known), documents) if known else top * UNKNOWN_WEIGHT)
    return found


@dataclass(frozen=True)
class Lacking:
    """What the first document lacks of the question (`Scorer.lacking`): the share by
    weight, how many of the `known` concepts (those the collection has) it lacks, and
    whether it lacks a part of the question written in several words (« pour les malades
    chroniques »)."""

    share: float = 0.0
    concepts: int = 0
    known: int = 0
    compound: bool = False


@dataclass(frozen=True)
class _Option:
    """One way a concept can match, with what a match is worth."""

    terms: Phrase
    weight: float
    specific: float


class Scorer:
    """A question prepared once, then applied to each candidate (a few dictionary lookups)."""

    def __init__(self, concepts: Sequence[Concept], totals: Totals) -> None:
        self.totals = totals
        self.weights = weights(concepts, totals.documents)
        self.optional = [c.optional for c in concepts]
        self.total = sum(w for w, o in zip(self.weights, self.optional, strict=True) if not o)
        self.total_optional = sum(w for w, o in zip(self.weights, self.optional, strict=True) if o)
        self.options = [
            [
                _Option(a.terms, a.weight, min(idf(a.df, totals.documents), weight))
                for a in concept.found()
            ]
            for concept, weight in zip(concepts, self.weights, strict=True)
        ]
        self.averages = (totals.title, totals.keywords, totals.body)
        self.phrases = list(dict.fromkeys(o.terms for options in self.options for o in options))
        self.wanted = {t for phrase in self.phrases for t in phrase}
        self.firsts = {phrase[0] for phrase in self.phrases}
        self.own = [(c.alternatives[0].terms, c.lemma) for c in concepts]
        self.gaps = [c.gap for c in concepts]
        self.actions = [c.action for c in concepts]

    def score(self, frequencies: dict[Phrase, float]) -> float:
        """The normalised BM25F score of a document whose phrases have these `frequencies`."""
        if self.total <= 0 or not frequencies:
            return 0.0
        gained = gained_optional = 0.0
        for options, optional in zip(self.options, self.optional, strict=True):
            best = 0.0
            for option in options:
                frequency = frequencies.get(option.terms, 0.0)
                if frequency:
                    frequency *= option.weight
                    best = max(best, option.specific * frequency / (frequency + SATURATION))
            if optional:
                gained_optional += best
            else:
                gained += best
        if not self.total_optional:
            return gained / self.total
        share = OPTIONAL_SHARE * gained_optional / self.total_optional
        return (1 - OPTIONAL_SHARE) * gained / self.total + share

    def lacking(
        self, candidate: Candidate, frequencies: dict[Phrase, float], written: Sequence[str]
    ) -> Lacking:
        """What of the question this document lacks, among what the collection knows (words
        it never uses are the known share's business): by weight, « télémédecine en prison »
        answered by the prison project, which says nothing of télémédecine, another project's
        subject; and by count, so that one rare word the document has cannot outweigh the
        common ones it lacks (« formation des surveillants au numérique » on the prison
        project). A concept found only through a word of the same stem but another lemma is
        lacking too, by weight only (a derivation is half the concept: « Motiver » for
        « motivation »): « enseignants » are people, the « enseignement » of `written` (the
        document's title, keywords and body as written) an activity.

        Words the question writes side by side name one thing (`_apart`): a document with
        both far apart lacks that one concept instead of having two (« marchés publics » on
        a project citing a « marché » of consultancy and its « publics »). And a part of the
        question the document lacks whole is a `compound` lack: a concept said in several
        words (« malades chroniques »), or two neighbouring ones (« pour les demandeurs
        d'emploi »), the collection knowing at least one of them; a document with every word
        of such a concept, though apart, does not lack it whole (« santé » and « numérique »
        for « santé numérique »), it lacks it by weight only. A verb it lacks is no lack
        (`Concept.action`): it tells what was done, in words a project may choose otherwise
        (« ont gagné du temps »). `frequencies` are the document's, as scored."""
        if self.total <= 0:
            return Lacking()
        fields = candidate.fields
        lacking, missing, known, compound = 0.0, 0, 0, False
        derived: dict[str, set[str]] | None = None
        before: tuple[list[Phrase], bool, bool] | None = None
        for options, weight, optional, (own, lemma), gap, action in zip(
            self.options,
            self.weights,
            self.optional,
            self.own,
            self.gaps,
            self.actions,
            strict=True,
        ):
            present = [o.terms for o in options if o.terms in frequencies]
            if optional or (action and not present):
                before = None
                continue
            if gap is not None and before is not None:
                had, said, seen = before
                compound = compound or (not present and not had and bool(options or seen))
                if gap == 0 and lemma and said and present and had:
                    split = _apart(fields, had, present)
                    known -= split
                    missing += split
            before = (present, bool(lemma), bool(options))
            if not options:
                continue
            known += 1
            if present and not (lemma and present == [own]):
                continue
            if present:
                derived = _lemmas(candidate, written, self.own) if derived is None else derived
                if lemma in derived.get(own[0], ()) or "" in derived.get(own[0], ()):
                    continue
            lacking += weight
            missing += not present
            compound = compound or (not present and len(own) > 1 and not _scattered(fields, own))
        return Lacking(lacking / self.total, missing, known, compound)

    def frequencies(self, fields: Fields) -> dict[Phrase, float]:
        """Each of the question's phrases found in the document, with its field-weighted and
        length-normalised frequency. Per field, only the question's terms present in it (one
        set intersection) are counted: no counter of the whole field."""
        frequencies: dict[Phrase, float] = {}
        for sequence, weight, b, average in zip(
            (fields.title, fields.keywords, fields.body),
            FIELD_WEIGHTS,
            FIELD_B,
            self.averages,
            strict=True,
        ):
            present = self.wanted.intersection(sequence)
            if not present:
                continue
            factor = weight / (1 - b + b * len(sequence) / average)
            for phrase in self.phrases:
                if phrase[0] not in present:
                    continue
                if len(phrase) == 1:
                    found = sequence.count(phrase[0])
                elif all(t in present for t in phrase):
                    found = _occurrences(sequence, phrase)
                else:
                    continue
                if found:
                    frequencies[phrase] = frequencies.get(phrase, 0.0) + found * factor
        return frequencies

    def snippet(self, body: str, analysed: list[str], sizes: list[int]) -> str:
        """The passage of `body` that matches the most (by weight), trimmed around its first
        match; the first passage when none matches. Passages are compared on their terms
        alone, cut from the body's `analysed` terms by the number each passage holds (`sizes`,
        counted when the document was indexed): no passage is analysed again but the chosen
        one, for the positions of its words."""
        best: tuple[float, str] | None = None
        for text, sequence in _passages(body, analysed, sizes):
            if best is not None and self.firsts.isdisjoint(sequence):
                continue
            value = sum(weight for weight, _ in self._matched(sequence))
            if best is None or value > best[0]:
                best = (value, text)
        if best is None:
            return ""
        value, text = best
        if not value:
            return _trim(text, 0)
        spans = [(m.start(), term(m.group())) for m in words(text)]
        sequence = [t for _, t in spans if t is not None]
        offsets = [start for start, t in spans if t is not None]
        matched = self._matched(sequence)
        first = min((offsets[_first(sequence, phrase)] for _, phrase in matched), default=0)
        return _trim(text, first)

    def _matched(self, sequence: list[str]) -> list[tuple[float, Phrase]]:
        """For each concept found in `sequence`, its weight and the first option found."""
        present = set(sequence)
        found = []
        for options, weight in zip(self.options, self.weights, strict=True):
            for option in options:
                if option.terms[0] not in present:
                    continue
                if len(option.terms) > 1 and not _occurrences(sequence, option.terms):
                    continue
                found.append((weight, option.terms))
                break
        return found


def _lemmas(
    candidate: Candidate, written: Sequence[str], own: list[tuple[Phrase, str]]
) -> dict[str, set[str]]:
    """The lemmas of the words of a document (`written`: its title, keywords and body) whose
    term is one of the question's own words (empty for a word the lemmatiser does not know:
    it may be the question's). Of the body, only the passages whose stored terms hold one of
    them are read: no other word can be one."""
    wanted = {phrase[0] for phrase, lemma in own if lemma}
    title, keywords, body = written
    said = [title, keywords]
    said += [
        text
        for text, sequence in _passages(body, candidate.fields.body, candidate.sizes())
        if not wanted.isdisjoint(sequence)
    ]
    found: dict[str, set[str]] = {}
    for word in set(WORD.findall("\n".join(said))):
        analysed = term(word)
        if analysed in wanted:
            found.setdefault(analysed, set()).add(known_lemma(word))
    return found


def _passages(body: str, analysed: list[str], sizes: list[int]) -> Iterator[tuple[str, list[str]]]:
    """Each passage of `body` as written, with its terms cut from the body's `analysed` terms
    by the number each passage holds (`sizes`, counted when the document was indexed)."""
    end = 0
    for text, size in zip(PASSAGE.findall(body), sizes, strict=True):
        yield text, analysed[end : end + size]
        end += size


def _scattered(fields: Fields, phrase: Phrase) -> bool:
    """Whether a document has every word of a phrase, though not together."""
    words = set(fields.title) | set(fields.keywords) | set(fields.body)
    return all(t in words for t in phrase)


def _apart(fields: Fields, left: list[Phrase], right: list[Phrase]) -> bool:
    """Whether a document has two neighbouring words of the question only far apart: in no
    field within `APART` terms of each other, in either order."""
    lefts, rights = {p[-1] for p in left}, {p[0] for p in right}
    for sequence in (fields.title, fields.keywords, fields.body):
        if lefts.isdisjoint(sequence) or rights.isdisjoint(sequence):
            continue
        ends = [i for i, t in enumerate(sequence) if t in lefts]
        starts = [i for i, t in enumerate(sequence) if t in rights]
        if any(0 < abs(i - j) <= APART for i in ends for j in starts):
            return False
    return True


def _occurrences(sequence: list[str], phrase: Phrase) -> int:
    """How often a phrase occurs (`list.index` jumps from one occurrence of its first term to
    the next)."""
    size, first = len(phrase), phrase[0]
    found, start = 0, 0
    for _ in range(sequence.count(first)):
        at = sequence.index(first, start)
        found += tuple(sequence[at : at + size]) == phrase
        start = at + 1
    return found


def _first(sequence: Sequence[str], phrase: Phrase) -> int:
    size = len(phrase)
    return next(i for i in range(len(sequence)) if tuple(sequence[i : i + size]) == phrase)


def _trim(passage: str, anchor: int) -> str:
    text = passage.strip()
    anchor = max(0, anchor - (len(passage) - len(passage.lstrip())))
    if len(text) <= SNIPPET_WIDTH:
        return text
    start = max(0, min(anchor - 60, len(text) - SNIPPET_WIDTH))
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < anchor else start
    end = start + SNIPPET_WIDTH
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end].strip() + suffix
