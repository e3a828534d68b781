"""The second question set, in five tiers (typos, English, contacts, scoped, no-answer):
Relais on SQLite (and PostgreSQL) beside plain BM25, in the same run.

    .venv/bin/python -m bench.qa_tiers [--postgres URL] [--sqlite PATH] [--set FILE]

`--set tests/data/qa_tiers_heldout.yaml` runs the held-out set, written before any measurement.

Per tier: recall@3 (expected projects in the top 3), "sure & right" (a confident answer whose
first project is expected) and, for the no-answer tier, the share of questions answered with
confidence (must be 0). bm25s has no notion of confidence: it always returns its best matches.
The PostgreSQL database given is emptied first.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from bench.qa_common import NOW, ROOT, Bm25Baseline, fresh_store, quality
from handlers.projects.answer import ask
from handlers.projects.importer import import_file
from handlers.projects.record import ProjectRecord
from handlers.projects.sample import SAMPLE

TIERS = ROOT / "tests" / "data" / "qa_tiers.yaml"
Tiers = dict[str, list[tuple[str, set[str]]]]


def tiers(path: Path = TIERS) -> Tiers:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        name: [(item["question"], set(item["expected"])) for item in items]
        for name, items in data.items()
    }


def relais(url: str, questions: list[str]) -> list[tuple[list[str], bool]]:
    engine, sessions = fresh_store(url)
    with sessions() as session, session.begin():
        import_file(session, SAMPLE, now=NOW)
    found = []
    with sessions() as session:
        for question in questions:
            answer = ask(session, question, limit=10)
            found.append(([m.project.slug for m in answer.matches], answer.confident))
    engine.dispose()
    return found


def rows(name: str, items: list[tuple[str, set[str]]], found: list[tuple[list[str], bool]]) -> str:
    answerable = [(i, e) for i, (_, e) in enumerate(items) if e]
    if not answerable:
        confident = sum(sure for _, sure in found) / len(found)
        return f"| {name} | — | — | {confident:.0%} confident (want 0%) |"
    measured = quality([found[i][0] for i, _ in answerable], [e for _, e in answerable])
    right = sum(
        found[i][1] and bool(found[i][0]) and found[i][0][0] in expected
        for i, expected in answerable
    )
    return (
        f"| {name} | {measured.recall_at_3:.3f} | {measured.mrr:.3f} | "
        f"{right}/{len(answerable)} sure & right |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", default="/tmp/relais-bench-tiers.db")
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://… (emptied)")
    parser.add_argument("--set", type=Path, default=TIERS, help="question file, in tiers")
    options = parser.parse_args()
    sets = tiers(options.set)
    records = [ProjectRecord.model_validate(r).stored() for r in yaml.safe_load(SAMPLE.read_text())]
    baseline = Bm25Baseline(records)
    engines = [("Relais, SQLite", f"sqlite:///{options.sqlite}")]
    if options.postgres:
        engines.append(("Relais, PostgreSQL", options.postgres))
    print(f"{sum(map(len, sets.values()))} questions, {len(records)} projects\n")
    print("| tier | engine | recall@3 | MRR | first answer |")
    print("|---|---|---|---|---|")
    everything: list[tuple[str, set[str]]] = [q for items in sets.values() for q in items]
    for tier, items in [*sets.items(), ("all answerable", [q for q in everything if q[1]])]:
        questions = [q for q, _ in items]
        for engine, url in engines:
            print(rows(f"{tier} | {engine}", items, relais(url, questions)))
        bm25 = [(baseline.search(q), True) for q in questions]
        line = rows(f"{tier} | bm25s + Snowball", items, bm25)
        if not any(e for _, e in items):
            line = f"| {tier} | bm25s + Snowball | — | — | answers every question |"
        print(line.rsplit("|", 2)[0] + "| — |" if any(e for _, e in items) else line)


if __name__ == "__main__":
    main()
