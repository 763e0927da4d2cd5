"""How long the panel export takes on the synthetic corpus: choosing the top N policies, building
the wide and the long panel, and writing each to CSV, Parquet and Stata.

Run: ``uv run python -m bench.panel --reports 10000 [--top 50] [--store neo4j]`` (the memory
store is filled from bench/out/corpus-<n>.pkl, see :mod:`bench.corpus`; ``--store neo4j``
reads whatever the configured Neo4j holds, e.g. after ``python -m bench.stores``).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench.corpus import build_extractions
from config.settings import get_settings
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.store import GraphStore
from services.panel import Panel, PanelShape, PolicySelection, build_panel, write_panel

T = TypeVar("T")
SHAPES: tuple[PanelShape, ...] = ("wide", "long")


def timed(what: str, work: Callable[[], T]) -> T:
    """Run ``work`` and print how long it took."""
    started = time.perf_counter()
    result = work()
    print(f"{what:<28} {time.perf_counter() - started:7.2f} s")
    return result


def filled_memory_store(count: int) -> GraphStore:
    """A memory store holding the synthetic corpus of ``count`` reports."""
    store = MemoryStore(data_dir=None)
    store.upsert_reports(build_extractions(count))
    return store


def measure(store: GraphStore, top: int) -> None:
    """Print the time of each step and the size of the panels."""
    selection = PolicySelection(top=top)
    for shape in SHAPES:
        build = partial(build_panel, store, selection, shape=shape)
        panel: Panel = timed(f"build {shape} (top {top})", build)
        print(f"{'':<28} {len(panel.frame):,} rows x {len(panel.frame.columns)} columns")
        with tempfile.TemporaryDirectory() as folder:
            for suffix in ("csv", "parquet", "dta"):
                path = Path(folder) / f"panel.{suffix}"
                timed(f"write {shape} .{suffix}", partial(write_panel, panel, path))
                print(f"{'':<28} {path.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--store", choices=("memory", "neo4j"), default="memory")
    args = parser.parse_args()
    if args.store == "memory":
        store = timed("fill memory store", lambda: filled_memory_store(args.reports))
    else:
        store = open_store(get_settings(store="neo4j"))
    with store:
        measure(store, args.top)


if __name__ == "__main__":
    main()
