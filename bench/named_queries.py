"""Every named query, timed on a loaded store: p50/p99 of the store call alone (no HTTP).

Parameters are picked from the graph itself (the busiest region, an institution that issued
documents, the README's example policy …), so the same command measures any corpus. The
Neo4j store is the one :mod:`bench.api` loaded (its server in ``/tmp/api-bench-neo4j``,
started if it is not running); the embedded store is ``bench/out/api-memory-<n>``.

A query Neo4j keeps the answers of until the next write (``kept``, :mod:`graph.neo4j_kept`)
is also timed as the first call after a write (``first ms``: the median of three calls, each
after a new write generation was made), so a kept answer's p50 is never taken for a scan.

Run: ``uv run python -m bench.named_queries --store neo4j [--runs 30] [--only search …]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from typing import Any

from bench.api import EXAMPLE_TITLE, memory_dir, neo4j_server
from config.settings import get_settings
from devtools.neo4j_local import ensure_running, free_port, running_server
from graph.factory import open_store
from graph.store import GraphStore
from queries import QUERIES, run_query


def pick_params(store: GraphStore) -> dict[str, dict[str, Any]]:
    """Representative parameters of every named query, chosen from what ``store`` holds."""
    citing = run_query(store, "regions_citing_policy", {"policy": EXAMPLE_TITLE})
    counts: dict[str, int] = {}
    for row in citing:
        counts[row["region_code"]] = counts.get(row["region_code"], 0) + 1
    region = max(sorted(counts), key=counts.__getitem__)
    year = max(row["year"] for row in citing if row["year"] is not None)
    return {
        "regions_citing_policy": {"policy": EXAMPLE_TITLE},
        "policies_cited_by_region": {"region": region},
        "top_cited_policies": {"limit": 20},
        "co_cited_policies": {"policy": EXAMPLE_TITLE},
        "similar_regions": {"region": region},
        "policy_diffusion": {"policy": EXAMPLE_TITLE},
        "documents_issued_by": {"issuer": region},  # what its authorities issued
        "path_between": {
            "from_label": "Region",
            "from_key": region,
            "to_label": "Policy",
            "to_key": EXAMPLE_TITLE,
        },
        "search": {"text": "行政复议", "limit": 20},
        "coverage": {"year": year, "level": "county"},
    }


def time_query(store: GraphStore, name: str, params: dict[str, Any], runs: int) -> list[float]:
    """Milliseconds of ``runs`` calls (after one warm-up call)."""
    run_query(store, name, params)
    latencies = []
    for _ in range(runs):
        started = time.perf_counter()
        run_query(store, name, params)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def first_calls(store: GraphStore, name: str, params: dict[str, Any]) -> list[float]:
    """Milliseconds of three calls of a kept query, each the first after a write (none when
    the store keeps no answers or the query is not kept)."""
    forget = getattr(store, "forget_kept_answers", None)
    if forget is None or not QUERIES[name].kept:
        return []
    latencies = []
    for _ in range(3):
        forget()
        started = time.perf_counter()
        run_query(store, name, params)
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def open_bench_store(kind: str, reports: int) -> GraphStore:
    """The store :mod:`bench.api` filled with ``reports`` synthetic reports."""
    if kind == "memory":
        return open_store(get_settings(data_dir=memory_dir(reports)))
    server = neo4j_server(reports)
    running = running_server(server)
    port = running.port if running else free_port()
    connection = ensure_running(get_settings(neo4j_uri=f"bolt://127.0.0.1:{port}"), server=server)
    return open_store(get_settings(store="neo4j", **connection.settings_overrides()))


def main(argv: Sequence[str] | None = None) -> None:
    """Time each named query and print one line per query."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--store", choices=["memory", "neo4j"], default="neo4j")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args(argv)
    with open_bench_store(args.store, args.reports) as store:
        if not store.stats().nodes.get("Report"):
            filler = "bench.api" if args.store == "memory" else "bench.scale"
            raise SystemExit(
                f"the {args.store} benchmark store for {args.reports} reports is empty: fill it "
                f"first with `python -m {filler} --reports {args.reports} --store {args.store}`"
            )
        chosen = pick_params(store)
        print(f"{'store':6} {'query':26} {'rows':>5} {'p50 ms':>8} {'p99 ms':>8} {'first ms':>8}")
        for name in QUERIES:
            if args.only and name not in args.only:
                continue
            rows = len(run_query(store, name, chosen[name]))
            first = first_calls(store, name, chosen[name])
            ms = time_query(store, name, chosen[name], args.runs)
            p99 = statistics.quantiles(ms, n=100, method="inclusive")[98]
            after_write = f"{statistics.median(first):>8.1f}" if first else f"{'-':>8}"
            line = f"{args.store:6} {name:26} {rows:>5} {statistics.median(ms):>8.1f} {p99:>8.1f}"
            line += f" {after_write}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
