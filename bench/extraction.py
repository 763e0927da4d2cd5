"""Extraction throughput on one core, beside a plain ``jieba.lcut`` pass over the same text.

Run: ``make bench`` or ``uv run python -m bench.extraction [--mb 50]``. Prints MB/s (UTF-8 bytes).
The corpus is the bundled samples, each kept as its own report, repeated until it reaches --mb.
Extraction runs as ``fazhi ingest`` runs it: ``settings.extract_batch_reports`` reports at a
time through :func:`~ingest.pipeline.extract_texts`; one report at a time
(:func:`~ingest.pipeline.extract_text`) is printed beside it.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import jieba

from config import get_settings
from ingest.gazetteer import load_gazetteer
from ingest.pipeline import ReportText, extract_text, extract_texts
from ingest.wordseg import pos_tagger

SAMPLES = Path("samples/reports")
_Work = TypeVar("_Work", str, list[str])  # a report's text, or a batch of them


def _texts(corpus: Sequence[str] | Sequence[list[str]]) -> list[str]:
    return [text for item in corpus for text in ([item] if isinstance(item, str) else item)]


def build_corpus(megabytes: float) -> list[str]:
    """Sample reports repeated until their UTF-8 size reaches ``megabytes``."""
    reports = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
    corpus: list[str] = []
    size = 0
    while size < megabytes * 1_000_000:
        for text in reports:
            corpus.append(text)
            size += len(text.encode("utf-8"))
    return corpus


def throughput(name: str, corpus: Sequence[_Work], work: Callable[[_Work], object]) -> float:
    """Run ``work`` over every item (a report, or a batch of them); print and return MB/s."""
    size = sum(len(text.encode("utf-8")) for text in _texts(corpus)) / 1_000_000
    started = time.perf_counter()
    for item in corpus:
        work(item)
    seconds = time.perf_counter() - started
    print(f"{name:<28} {size:8.1f} MB {seconds:9.2f} s {size / seconds:8.2f} MB/s", flush=True)
    return size / seconds


def main() -> None:
    """Measure extraction and the jieba reference; print the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (UTF-8)")
    args = parser.parse_args()
    corpus = build_corpus(args.mb)
    started = time.perf_counter()
    load_gazetteer()
    jieba.initialize()
    pos_tagger()  # loaded on first need (a township office); a one-off cost, not throughput
    extract_text(corpus[0])  # the script marks and the other lazily built tables
    print(f"set-up (gazetteer, jieba dictionary and tagger): {time.perf_counter() - started:.2f} s")
    print(f"corpus: {len(corpus)} reports")
    size = max(1, get_settings().extract_batch_reports)
    batches = [corpus[start : start + size] for start in range(0, len(corpus), size)]
    throughput("extract_text, one at a time", corpus, extract_text)
    ours = throughput(f"extract_texts, by {size}", batches, _extract_batch)
    reference = throughput("jieba.lcut (reference)", corpus, jieba.lcut)
    print(f"extraction / jieba = {ours / reference:.1f}x (target >= 10x)")


def _extract_batch(texts: list[str]) -> object:
    return extract_texts([ReportText(text) for text in texts])


if __name__ == "__main__":
    main()
