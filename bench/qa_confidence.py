"""Whether one fitted decision can replace "probability + split rules" for « sure or not »,
measured set by set. Every question of every set in `tests/data/` (the tiered and held-out
sets, the English dev sets, the dev set and its out-of-scope questions) is asked once on the
sample catalogue (SQLite); then, leaving out one set at a time, a logistic model of "the first
project is right" is fitted on the other sets, its threshold chosen there too (the lowest that
answers none of their no-answer questions with confidence), and the left-out set counts its
confident & right answers and its confident no-answer ones. The same counts are printed for
`Answer.confident` as it stands, on the same questions.

    .venv/bin/python -m bench.qa_confidence

Every set is read but those in `UNTOUCHED`: a held-out set stays there until its one
measurement (README); the last two, `qa_tiers_heldout19.yaml` and `qa_tiers_heldout20.yaml`,
have had it.
A filter alone (« projets en Bretagne ») lists projects without searching; the model leaves
those, and answers without any match, as `Answer.confident` decides them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import yaml

from bench.qa_common import DEVSET, NOW, ROOT, fresh_store
from handlers.projects.answer import TIED_LEAD, Answer, ask
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE

DATA = ROOT / "tests" / "data"
UNTOUCHED: frozenset[str] = frozenset()
NEWTON_STEPS = 50
Decide = Callable[[list["Row"], list["Row"]], list[bool]]


@dataclass(frozen=True)
class Row:
    """One question asked, and what a decision may read of its answer."""

    set: str
    answerable: bool
    right: bool
    current: bool
    searched: bool
    vetoed: bool
    """Stopped by the current rules whatever the probability (`split`, `absent`)."""
    probability: float
    values: dict[str, float]


def questions() -> list[tuple[str, str, set[str]]]:
    """(set, question, expected projects) for every set but the untouched ones."""
    found: list[tuple[str, str, set[str]]] = []
    for path in sorted(DATA.glob("qa_*.yaml")):
        if path.name in UNTOUCHED:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path == DEVSET:
            found += [(path.stem, i["question"], set(i["expected"])) for i in data]
        elif isinstance(data, list):
            found += [(path.stem, question, set()) for question in data]
        else:
            for items in data.values():
                found += [(path.stem, i["question"], set(i["expected"])) for i in items]
    return found


def values(answer: Answer) -> dict[str, float]:
    """The candidate features: the current probability's three (best score, lead, known
    share), what the split rules read (the share of the question found elsewhere, the share
    of its concepts the first project lacks, a lacking part written in several words, a
    concept lacking with the second as good), the absent words' veto, and a few more."""
    first, second = ([m.score for m in answer.matches[:2]] + [0.0, 0.0])[:2]
    lead = first - second
    concepts = max(1, answer.concepts + bool(answer.applied))
    lacking = float(answer.missing > 0)
    return {
        "score": first,
        "lead": lead,
        "known": answer.known,
        "elsewhere": answer.elsewhere,
        "missing share": answer.missing / concepts,
        "lacking": lacking,
        "lacking/concepts": lacking / concepts,
        "lacking×lead": lacking * lead,
        "compound": float(answer.compound),
        "tied": float(answer.missing > 0 and lead < TIED_LEAD),
        "absent": float(bool(answer.absent)),
        "log concepts": math.log(concepts),
        "english": float(answer.language == "en"),
        "corrected": float(answer.read_as is not None),
        "filtered": float(bool(answer.applied)),
    }


def collect() -> list[Row]:
    engine, sessions = fresh_store("sqlite:////tmp/relais-bench-confidence.db")
    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=NOW)
    rows = []
    with sessions() as session:
        for name, question, expected in questions():
            answer = ask(session, question)
            rows.append(
                Row(
                    set=name,
                    answerable=bool(expected),
                    right=bool(answer.matches) and answer.matches[0].project.slug in expected,
                    current=answer.confident,
                    searched=bool(answer.matches) and answer.concepts > 0,
                    vetoed=answer.split or bool(answer.absent),
                    probability=answer.confidence,
                    values=values(answer),
                )
            )
    engine.dispose()
    return rows


def fit(x: np.ndarray, y: np.ndarray, ridge: float) -> np.ndarray:
    """Logistic regression with an L2 penalty (not on the bias), by Newton's method."""
    x = np.c_[np.ones(len(x)), x]
    penalty = ridge * np.diag(np.r_[0.0, np.ones(x.shape[1] - 1)])
    weights = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-x @ weights))
        gradient = x.T @ (p - y) / len(y) + penalty @ weights
        hessian = (x.T * (p * (1 - p))) @ x / len(y) + penalty
        weights -= np.linalg.solve(hessian, gradient)
    return weights


@dataclass(frozen=True)
class Model:
    """A logistic model over some features (standardised on the training rows), and the
    threshold that answers none of the training no-answer questions with confidence."""

    names: tuple[str, ...]
    ridge: float = 0.1

    def decide(self, train: list[Row], test: list[Row]) -> list[bool]:
        used = [r for r in train if r.searched]
        x = np.array([[r.values[n] for n in self.names] for r in used])
        mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
        weights = fit((x - mean) / scale, np.array([float(r.right) for r in used]), self.ridge)

        def probability(rows: Sequence[Row]) -> np.ndarray:
            z = (np.array([[r.values[n] for n in self.names] for r in rows]) - mean) / scale
            return np.asarray(1 / (1 + np.exp(-(weights[0] + z @ weights[1:]))))

        negatives = [r for r in used if not r.answerable]
        threshold = float(probability(negatives).max()) + 1e-9
        scored = iter(probability([r for r in test if r.searched]) >= threshold)
        return [bool(next(scored)) if r.searched else r.current for r in test]


def current(train: list[Row], test: list[Row]) -> list[bool]:
    return [r.current for r in test]


def current_rethresholded(train: list[Row], test: list[Row]) -> list[bool]:
    """The current rules with the probability's threshold chosen like the model's, on the
    training sets (the lowest that answers none of their no-answer questions)."""
    threshold = max(
        r.probability for r in train if r.searched and not r.answerable and not r.vetoed
    )
    return [r.probability > threshold and not r.vetoed if r.searched else r.current for r in test]


def leave_one_set_out(rows: list[Row], decide: Decide) -> dict[str, tuple[int, int, int]]:
    """Per left-out set: confident & right, confident & wrong (answerable), confident
    no-answer."""
    counts = {}
    for name in sorted({r.set for r in rows}):
        test = [r for r in rows if r.set == name]
        sure = decide([r for r in rows if r.set != name], test)
        counts[name] = (
            sum(s and r.answerable and r.right for r, s in zip(test, sure, strict=True)),
            sum(s and r.answerable and not r.right for r, s in zip(test, sure, strict=True)),
            sum(s and not r.answerable for r, s in zip(test, sure, strict=True)),
        )
    return counts


BASE = ("score", "lead", "known")
RULES = (*BASE, "elsewhere", "missing share", "compound", "tied", "absent")
MODEL = Model(RULES)
VARIANTS = {
    "the current probability's features only": Model(BASE),
    "+ per-concept lack, lack × lead": Model(
        (*BASE, "elsewhere", "lacking/concepts", "lacking×lead", "compound", "absent")
    ),
    "+ lacking, log concepts": Model((*RULES, "lacking", "log concepts")),
    "+ English, corrected, filtered": Model((*RULES, "english", "corrected", "filtered")),
    "model, ridge 0.01": Model(RULES, ridge=0.01),
    "model, ridge 1": Model(RULES, ridge=1.0),
}


def main() -> None:
    rows = collect()
    answerable = sum(r.answerable for r in rows)
    print(f"{len(rows)} questions: {answerable} answerable, {len(rows) - answerable} without\n")
    now, model = leave_one_set_out(rows, current), leave_one_set_out(rows, MODEL.decide)
    print("| set | answerable | no answer | current: sure & right | current: confident "
          "no-answer | model: sure & right | model: confident no-answer |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for name in sorted(now):
        kept = [r for r in rows if r.set == name]
        a = sum(r.answerable for r in kept)
        print(
            f"| {name} | {a} | {len(kept) - a} | {now[name][0]} | {now[name][2]} | "
            f"{model[name][0]} | {model[name][2]} |"
        )
    totals = [sum(c[i] for c in counts.values()) for counts in (now, model) for i in range(3)]
    print(
        f"| **total** | {answerable} | {len(rows) - answerable} | **{totals[0]}** "
        f"| **{totals[2]}** | **{totals[3]}** | **{totals[5]}** |"
    )
    print(f"\nconfident & wrong (answerable): current {totals[1]}, model {totals[4]}")
    print(f"model: {', '.join(MODEL.names)}; L2 {MODEL.ridge}\n\nOther models, same measure:")
    decisions: dict[str, Decide] = {
        "current rules, threshold chosen out of set": current_rethresholded,
        **{label: variant.decide for label, variant in VARIANTS.items()},
    }
    for label, decide in decisions.items():
        counts = leave_one_set_out(rows, decide)
        right, wrong, none = (sum(c[i] for c in counts.values()) for i in range(3))
        print(f"  {label}: {right} sure & right, {none} confident no-answer, {wrong} wrong")


if __name__ == "__main__":
    main()
