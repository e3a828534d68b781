"""Shared pieces of the past-projects benchmarks: stores, the dev set, the BM25 baseline.

Run by hand from the repository root (never in the test suite), e.g.
`.venv/bin/python -m bench.qa_quality --postgres postgresql+psycopg://postgres@127.0.0.1/bench`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bm25s
import snowballstemmer
import yaml
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from store import migrate
from store.db import make_engine, make_session_factory
from store.projects import document_of

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "qa_devset.yaml"
NOW = datetime(2026, 12, 7, tzinfo=UTC)


def dev_questions() -> list[tuple[str, set[str]]]:
    items = yaml.safe_load(DEVSET.read_text(encoding="utf-8"))
    return [(item["question"], set(item["expected"])) for item in items]


def fresh_store(url: str) -> tuple[Engine, sessionmaker[Session]]:
    """An empty database at the newest schema (PostgreSQL: the public schema is recreated)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    return engine, make_session_factory(engine)


@dataclass
class Quality:
    recall_at_3: float
    mrr: float


def quality(ranked: Sequence[Sequence[str]], expected: Sequence[set[str]]) -> Quality:
    """Recall@3 (share of the expected slugs in the top 3, averaged) and MRR (first hit)."""
    recall = reciprocal = 0.0
    for found, wanted in zip(ranked, expected, strict=True):
        recall += len(wanted & set(found[:3])) / len(wanted)
        rank = next((i for i, slug in enumerate(found, 1) if slug in wanted), None)
        reciprocal += 1 / rank if rank else 0.0
    return Quality(recall / len(expected), reciprocal / len(expected))


class Bm25Baseline:
    """Plain BM25 (bm25s) over the same text, French stop words and Snowball stemmer; no field
    weights, synonyms, prefixes or typo tolerance."""

    def __init__(self, records: Sequence[dict[str, Any]]) -> None:
        self.stemmer = snowballstemmer.stemmer("french")
        self.slugs = [record["slug"] for record in records]
        texts = []
        for record in records:
            document = document_of(0, record)
            texts.append(f"{document.title}\n{document.keywords}\n{document.body}")
        self.retriever = bm25s.BM25()
        self.retriever.index(self._tokens(texts), show_progress=False)

    def _tokens(self, texts: list[str]) -> Any:
        return bm25s.tokenize(
            texts, stopwords="fr", stemmer=self.stemmer, show_progress=False, allow_empty=True
        )

    def search(self, question: str, k: int = 10) -> list[str]:
        cleaned = re.sub(r"[^\w\s]", " ", question)
        tokens = self._tokens([cleaned])
        k = min(k, len(self.slugs))
        documents, scores = self.retriever.retrieve(tokens, k=k, show_progress=False)
        return [self.slugs[int(i)] for i, s in zip(documents[0], scores[0], strict=True) if s > 0]
