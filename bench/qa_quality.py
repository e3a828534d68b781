"""Recall@3 and MRR on the French dev set: Relais on SQLite and PostgreSQL, and plain BM25.

    .venv/bin/python -m bench.qa_quality [--postgres URL] [--sqlite PATH]

All three read the same shipped corpus (the sample projects, loaded by the user importer) in
the same run; the PostgreSQL database given is emptied first.
"""

from __future__ import annotations

import argparse

import yaml

from bench.qa_common import NOW, Bm25Baseline, Quality, dev_questions, fresh_store, quality
from handlers.projects.answer import ask
from handlers.projects.importer import import_file
from handlers.projects.record import ProjectRecord
from handlers.projects.sample import SAMPLE


def relais(url: str, questions: list[str]) -> tuple[list[list[str]], float]:
    engine, sessions = fresh_store(url)
    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=NOW)
    ranked, confident = [], 0
    with sessions() as session:
        for question in questions:
            answer = ask(session, question, limit=10)
            ranked.append([m.project.slug for m in answer.matches])
            confident += answer.confident
    engine.dispose()
    return ranked, confident / len(questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", default="/tmp/relais-bench-quality.db")
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://… (emptied)")
    options = parser.parse_args()
    dev = dev_questions()
    questions = [q for q, _ in dev]
    expected = [e for _, e in dev]
    rows: list[tuple[str, Quality, str]] = []
    ranked, confident = relais(f"sqlite:///{options.sqlite}", questions)
    rows.append(("Relais, SQLite", quality(ranked, expected), f"{confident:.0%}"))
    if options.postgres:
        ranked, confident = relais(options.postgres, questions)
        rows.append(("Relais, PostgreSQL", quality(ranked, expected), f"{confident:.0%}"))
    records = [
        ProjectRecord.model_validate(r).model_dump() for r in yaml.safe_load(SAMPLE.read_text())
    ]
    baseline = Bm25Baseline(records)
    rows.append(
        (
            "bm25s + Snowball (baseline)",
            quality([baseline.search(q) for q in questions], expected),
            "—",
        )
    )
    print(f"{len(questions)} questions, {len(records)} projects\n")
    print("| engine | recall@3 | MRR | confident |")
    print("|---|---|---|---|")
    for name, measured, share in rows:
        print(f"| {name} | {measured.recall_at_3:.3f} | {measured.mrr:.3f} | {share} |")


if __name__ == "__main__":
    main()
