"""Fits the confidence of past-projects answers: a logistic model of "the first project is one
of those expected", from the best score, its lead over the second and the share of the
question's words the collection knows, on the dev set and its out-of-scope questions.

    .venv/bin/python -m bench.qa_calibrate

Prints the coefficients to copy into `handlers/projects/answer.py` (`CALIBRATION`). The tiered
set (`qa_tiers.yaml`) is left out of the fit so that it measures the result.
"""

from __future__ import annotations

import numpy as np
import yaml

from bench.qa_common import NOW, ROOT, dev_questions, fresh_store
from bench.qa_confidence import fit
from handlers.projects.answer import ask, features
from handlers.projects.importer import import_file
from handlers.projects.sample import SAMPLE

UNANSWERABLE = ROOT / "tests" / "data" / "qa_unanswerable.yaml"
RIDGE = 0.001


def main() -> None:
    questions = dev_questions()
    questions += [(q, set()) for q in yaml.safe_load(UNANSWERABLE.read_text(encoding="utf-8"))]
    engine, sessions = fresh_store("sqlite:////tmp/relais-bench-calibrate.db")
    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=NOW)
    rows, labels = [], []
    with sessions() as session:
        for question, expected in questions:
            answer = ask(session, question)
            rows.append(list(features(answer)))
            labels.append(
                float(bool(answer.matches) and answer.matches[0].project.slug in expected)
            )
    engine.dispose()
    weights = fit(np.array(rows), np.array(labels), RIDGE)
    print(f"{len(labels)} questions, {int(sum(labels))} with a right first answer")
    print("CALIBRATION = (" + ", ".join(f"{w:.3f}" for w in weights) + ")")


if __name__ == "__main__":
    main()
