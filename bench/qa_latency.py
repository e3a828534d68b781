"""`ask` latency at 1k / 10k / 100k synthetic projects on SQLite and PostgreSQL, beside bm25s,
and the time to import them (JSON file → validation → upsert → index, one transaction).

    .venv/bin/python -m bench.qa_latency [--sizes 1000 10000 100000] [--postgres URL]

The first question of a fresh process builds its in-memory index from the store ("first ask");
then each dev-set question is asked once to warm up, then `--rounds` times; p50/p95 are over
every timed call (the full `ask`: analysis, vocabulary, candidates, scoring, snippets, records).
PostgreSQL gets the `ANALYZE` autovacuum would run after such a load. bm25s is timed on
tokenising the question and retrieving the top 3 in memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.qa_common import NOW, Bm25Baseline, dev_questions, fresh_store
from bench.qa_synthetic import Generator
from handlers.projects.answer import ask
from handlers.projects.importer import import_file


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def relais(
    url: str, source: Path, questions: list[str], rounds: int
) -> tuple[float, float, float, float]:
    engine, sessions = fresh_store(url)
    started = time.perf_counter()
    with sessions() as session, session.begin():
        report = import_file(session, source, now=NOW)
    imported = time.perf_counter() - started
    assert not report.errors, report.errors[:3]
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    timings = []
    with sessions() as session:
        began = time.perf_counter()
        ask(session, questions[0])
        first = time.perf_counter() - began
        for question in questions:
            ask(session, question)
        for _ in range(rounds):
            for question in questions:
                began = time.perf_counter()
                ask(session, question)
                timings.append(time.perf_counter() - began)
    engine.dispose()
    return imported, first, *percentiles(timings)


def baseline(
    records: list[dict[str, Any]], questions: list[str], rounds: int
) -> tuple[float, float, float]:
    started = time.perf_counter()
    engine = Bm25Baseline(records)
    indexed = time.perf_counter() - started
    for question in questions:
        engine.search(question, k=3)
    timings = []
    for _ in range(rounds):
        for question in questions:
            began = time.perf_counter()
            engine.search(question, k=3)
            timings.append(time.perf_counter() - began)
    return indexed, *percentiles(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--postgres", default=None, help="postgresql+psycopg://… (emptied)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workdir", default=tempfile.gettempdir())
    options = parser.parse_args()
    questions = [q for q, _ in dev_questions()]
    work = Path(options.workdir)
    print(f"{len(questions)} questions × {options.rounds} rounds per cell\n")
    print("| projects | engine | load (s) | first ask (s) | p50 ask (ms) | p95 ask (ms) |")
    print("|---|---|---|---|---|---|")
    for size in options.sizes:
        records = Generator().records(size)
        source = work / f"relais-bench-{size}.json"
        source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        engines = [("SQLite", f"sqlite:///{work / f'relais-bench-{size}.db'}")]
        if options.postgres:
            engines.append(("PostgreSQL", options.postgres))
        for name, url in engines:
            loaded, first, p50, p95 = relais(url, source, questions, options.rounds)
            print(
                f"| {size:,} | {name} | {loaded:.1f} | {first:.1f} | {p50:.1f} | {p95:.1f} |",
                flush=True,
            )
        loaded, p50, p95 = baseline(records, questions, options.rounds)
        print(
            f"| {size:,} | bm25s (in memory) | {loaded:.1f} | — | {p50:.2f} | {p95:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
