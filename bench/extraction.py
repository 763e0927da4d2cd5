"""Extraction throughput on one core, beside a plain ``jieba.lcut`` pass over the same text.

Run: ``make bench`` or ``uv run python -m bench.extraction [--mb 50]``. Prints MB/s (UTF-8 bytes).
The corpus is the bundled samples, each kept as its own report, repeated until it reaches --mb.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import jieba

from ingest.gazetteer import load_gazetteer
from ingest.pipeline import extract_text
from ingest.wordseg import pos_tagger

SAMPLES = Path("samples/reports")


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


def throughput(name: str, corpus: list[str], work: Callable[[str], object]) -> float:
    """Run ``work`` over every report; print and return MB/s."""
    size = sum(len(text.encode("utf-8")) for text in corpus) / 1_000_000
    started = time.perf_counter()
    for text in corpus:
        work(text)
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
    ours = throughput("extract_text (full pipeline)", corpus, extract_text)
    reference = throughput("jieba.lcut (reference)", corpus, jieba.lcut)
    print(f"extraction / jieba = {ours / reference:.1f}x (target >= 10x)")


if __name__ == "__main__":
    main()
