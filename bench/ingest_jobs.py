"""Ingest throughput with 1, 2 … extraction processes, on files of the synthetic corpus.

Run: ``uv run python -m bench.ingest_jobs [--reports 200] [--jobs 1 2]``. Writes the reports of
:mod:`bench.corpus` as text files in a temporary folder, ingests them into an in-memory store
once per ``--jobs`` value (each in a fresh store, the same files) and prints files/s and the
speed-up over the first value; the graphs must come out the same (it says so, or fails).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.corpus import generate
from config import get_settings
from graph.memory import MemoryStore
from graph.store import GraphStats
from services.ingesting import ingest_files


def write_corpus(folder: Path, count: int) -> list[Path]:
    """``count`` synthetic reports as UTF-8 text files in ``folder``."""
    files = []
    for source, text in generate(count):
        path = folder / Path(source).name
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def timed_ingest(files: list[Path], jobs: int) -> tuple[float, GraphStats]:
    """Seconds to ingest ``files`` with ``jobs`` processes, and the graph's counts after."""
    settings = get_settings(data_dir=None, corrections=None)
    with MemoryStore(None) as store:
        started = time.perf_counter()
        summary = ingest_files(store, files, settings=settings, jobs=jobs)
        elapsed = time.perf_counter() - started
        assert not summary.failed, summary.failed[:3]
        return elapsed, store.stats()


def main() -> None:
    """Print files/s per number of jobs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-") as folder:
        files = write_corpus(Path(folder), args.reports)
        size_mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"{len(files)} synthetic reports, {size_mb:.1f} MB")
        baseline: tuple[float, GraphStats] | None = None
        for jobs in args.jobs:
            elapsed, stats = timed_ingest(files, jobs)
            baseline = baseline or (elapsed, stats)
            same = "same graph" if stats == baseline[1] else "A DIFFERENT GRAPH"
            print(
                f"jobs={jobs}: {elapsed:6.1f} s, {len(files) / elapsed:6.1f} files/s, "
                f"x{baseline[0] / elapsed:.2f}, {same}"
            )
            assert stats == baseline[1], "parallel extraction changed the graph"


if __name__ == "__main__":
    main()
