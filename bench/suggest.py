"""What "did you mean" costs on a big embedded graph: reading every spelling (the ``names``
query), scoring them with rapidfuzz, and a whole not-found named query, beside a known name.

Run: ``uv run python -m bench.suggest --reports 10000`` (the graph of ``bench.api``, built once
from ``bench.corpus`` into bench/out/api-memory-N). Prints medians in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from rapidfuzz import fuzz, process

from bench.api import memory_dir, prepare_memory
from bench.corpus import build_extractions
from graph.memory import MemoryStore
from graph.model import Label
from services.errors import NotFoundError
from services.querying import run_named
from services.suggest import NameIndex, unspelled

TYPOS = ("重大行政决策程序暂行条列", "行政处罚", "法治政府建设纲要", "郧政办发〔2019〕28号")


def median_ms(action: Callable[[], Any], runs: int) -> float:
    """The median wall time of ``action`` over ``runs`` runs, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def not_found(store: MemoryStore, policy: str) -> list[str]:
    """The suggestions a not-found ``policy_diffusion`` answers (none when it is found)."""
    try:
        run_named(store, "policy_diffusion", {"policy": policy})
    except NotFoundError as error:
        return error.suggestions
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    data_dir = memory_dir(args.reports)
    if not (data_dir / "graph.pickle").exists():
        prepare_memory(build_extractions(args.reports))
    with MemoryStore(data_dir) as store:
        index = NameIndex.read(store, [Label.POLICY])
        policies = store.stats().nodes.get("Policy", 0)
        print(f"{args.reports} reports: {policies} policies, {len(index.spellings)} spellings")
        read = median_ms(lambda: NameIndex.read(store, [Label.POLICY]), args.runs)
        print(f"read and index the policy spellings (once per snapshot): {read:.0f} ms")
        for typo in TYPOS:
            narrowed = median_ms(partial(index.closest, typo), args.runs)
            everything = median_ms(partial(scan_all, index, typo), args.runs)
            whole = median_ms(partial(not_found, store, typo), args.runs)
            shown = ", ".join(not_found(store, typo)[:3])
            print(
                f"{typo}: closest {narrowed:.0f} ms (WRatio over all: {everything:.0f} ms), "
                f"not-found query, index cached {whole:.0f} ms -> {shown}"
            )
        known = median_ms(
            lambda: run_named(store, "policy_diffusion", {"policy": "中华人民共和国行政处罚法"}),
            args.runs,
        )
        print(f"a known policy's policy_diffusion (no check): {known:.0f} ms")


def scan_all(index: NameIndex, text: str) -> list[tuple[str, float, int]]:
    """What :meth:`NameIndex.closest` would cost scoring every spelling."""
    choices = [unspelled(s.text) for s in index.spellings]
    return process.extract(unspelled(text), choices, scorer=fuzz.WRatio, processor=None, limit=20)


if __name__ == "__main__":
    main()
