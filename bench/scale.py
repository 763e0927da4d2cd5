"""Scale benchmark (issue 13): 10,000 and 100,000 reports, every named query end to end.

For each size and store it prints ingest time, peak RSS, store size and load time, then p50 and
p99 of every named query (``namedQuery`` over GraphQL) and of the five :mod:`bench.api` probes,
each sent sequentially to the real API in a subprocess, beside the issue's reference figures
(measured at 10,000 reports before this work: topCitedPolicies 1.1 s, search 195 ms, the
README's example query 93 ms embedded, 280 ms on Neo4j).

The corpus is :mod:`bench.corpus` with ``--distinct`` reports extracted and the rest derived
(:mod:`bench.retarget`). The embedded graph is ingested once per size by a child process that
measures it (``bench/out/scale-memory-<n>/``, its figures in ``ingest.json``) and reused after;
``--rebuild`` ingests again. Load time and the RSS of a loaded store are measured in a fresh
child; the API server's own peak RSS (``VmHWM``) is read after its queries, and the CPU time
the server process spends per request is printed beside the latencies (on a loaded, shared
machine wall-clock latency includes waiting for a core; with Neo4j the database's own CPU is
in the JVM, not in this figure). Neo4j uses
:func:`bench.api.prepare_neo4j`'s server home, which keeps a loaded graph between runs.

Run: ``uv run python -m bench.scale --reports 10000,100000 --store memory``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import bench.api
from bench.api import (
    EXAMPLE_TITLE,
    busiest_region,
    percentile,
    prepare_neo4j,
    probes,
    running_api,
    send,
    sequential_ms,
)
from bench.corpus import OUT, build_extractions
from bench.stores import ingest, peak_rss_mb
from config.settings import get_settings
from graph.memory import MemoryStore

# Issue 13's figures at 10,000 reports (GraphQL end to end, p50), by probe and store.
REFERENCE_MS: dict[tuple[str, str], float] = {
    ("topCitedPolicies", "memory"): 1100.0,
    ("search", "memory"): 195.0,
    ("policy+citations", "memory"): 93.0,
    ("policy+citations", "neo4j"): 280.0,
}
NAMED = 'query($p: JSON) {{ namedQuery(name: "{name}", params: $p) }}'


@dataclass(frozen=True, slots=True)
class Request:
    """One timed GraphQL request."""

    name: str
    body: dict[str, Any]


def named_params(region: str) -> dict[str, dict[str, Any]]:
    """Parameters of every named query: the example policy, the busiest region …"""
    return {
        "regions_citing_policy": {"policy": EXAMPLE_TITLE},
        "policies_cited_by_region": {"region": region},
        "top_cited_policies": {},
        "co_cited_policies": {"policy": EXAMPLE_TITLE},
        "similar_regions": {"region": region},
        "policy_diffusion": {"policy": EXAMPLE_TITLE},
        "documents_issued_by": {"issuer": "国务院"},
        "path_between": {
            "from_label": "Region",
            "from_key": region,
            "to_label": "Policy",
            "to_key": EXAMPLE_TITLE,
        },
        "search": {"text": "行政复议"},
        "coverage": {"year": 2023, "level": "county"},
    }


def requests_for(region: str) -> list[Request]:
    """Every named query, then the five probes of :mod:`bench.api`."""
    named = [
        Request(name, {"query": NAMED.format(name=name), "variables": {"p": params}})
        for name, params in named_params(region).items()
    ]
    return named + [Request(p.name, {"query": p.graphql}) for p in probes(region)]


# ----------------------------------------------------------------------------- embedded


def memory_dir(reports: int) -> Path:
    """Where the embedded graph of ``reports`` reports is kept between runs."""
    return OUT / f"scale-memory-{reports}"


def child_ingest(reports: int, distinct: int, data_dir: Path) -> dict[str, Any]:
    """Ingest the corpus into a new embedded store in ``data_dir`` and save it (a child's work)."""
    extractions = build_extractions(reports, distinct)
    gc.freeze()  # the corpus is input, not the store: collections need not scan it
    baseline = peak_rss_mb()
    store = MemoryStore(data_dir, flush_every=10**9)
    result = ingest(store, extractions, get_settings().ingest_batch_reports)
    started = time.perf_counter()
    store.close()
    result["save_s"] = time.perf_counter() - started
    result["peak_rss_mb"] = peak_rss_mb() - baseline
    result["corpus_rss_mb"] = baseline
    result["busiest_region"] = busiest_region(extractions)
    return result


def child_load(data_dir: Path) -> dict[str, Any]:
    """Open the saved store as the API does; time and this process's peak RSS."""
    baseline = peak_rss_mb()
    started = time.perf_counter()
    with MemoryStore(data_dir) as store:
        seconds = time.perf_counter() - started
        nodes = sum(store.stats().nodes.values())
        about = Counter(far for _, far, rel in store.graph.edges(keys=True) if rel == "ABOUT")
    busiest = about.most_common(1)[0][0].split(":", 1)[1]
    return {
        "load_s": seconds,
        "peak_rss_mb": peak_rss_mb(),
        "base_mb": baseline,
        "nodes": nodes,
        "busiest_region": busiest,
    }


def in_child(*args: str) -> dict[str, Any]:
    """Run ``python -m bench.scale --child …`` and read its JSON answer."""
    command = [sys.executable, "-m", "bench.scale", "--child", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench.scale child {args[0]} failed:\n{done.stderr[-3000:]}")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def prepare_memory(reports: int, distinct: int, rebuild: bool) -> dict[str, Any]:
    """The saved embedded graph of ``reports`` (ingested by a child unless kept) and its
    ingest figures."""
    data_dir = memory_dir(reports)
    figures = data_dir / "ingest.json"
    if rebuild:
        shutil.rmtree(data_dir, ignore_errors=True)
    if not figures.exists():
        partial = data_dir.with_name(data_dir.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        result = in_child("ingest", str(reports), str(distinct), str(partial))
        (partial / "ingest.json").write_text(json.dumps(result), encoding="utf-8")
        partial.rename(data_dir)
    measured: dict[str, Any] = json.loads(figures.read_text(encoding="utf-8"))
    return measured


def describe_memory(
    reports: int, data_dir: Path, ingested: dict[str, Any] | None, loaded: dict[str, Any]
) -> list[str]:
    """The store's figures, printed before its queries."""
    size_mb = (data_dir / "graph.pickle").stat().st_size / 1e6
    loading = (
        f"memory {reports}: graph.pickle {size_mb:.0f} MB, load {loaded['load_s']:.1f} s, "
        f"loaded process peak RSS {loaded['peak_rss_mb']:.0f} MB "
        f"(interpreter {loaded['base_mb']:.0f} MB), {loaded['nodes']} nodes"
    )
    if ingested is None:
        return [f"memory {reports}: ingest not measured (the saved graph {data_dir})", loading]
    return [
        f"memory {reports}: ingest {ingested['seconds']:.0f} s "
        f"({ingested['reports_per_s']:.0f} reports/s), save {ingested['save_s']:.1f} s, "
        f"ingest peak RSS {ingested['peak_rss_mb'] + ingested['corpus_rss_mb']:.0f} MB "
        f"(of which the corpus {ingested['corpus_rss_mb']:.0f} MB)",
        loading,
    ]


# ----------------------------------------------------------------------------- timing


def server_pid() -> int | None:
    """The pid of this process's ``bench.api serve`` child (the API server)."""
    me = str(os.getpid())
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text(encoding="utf-8")
            cmdline = (status.parent / "cmdline").read_bytes()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == me and b"serve" in cmdline:
            return int(status.parent.name)
    return None


def server_peak_rss_mb(pid: int | None) -> float | None:
    """VmHWM (peak resident set) of the API server, in MB."""
    status = Path(f"/proc/{pid}/status")
    for text in status.read_text(encoding="utf-8").splitlines() if pid else ():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return None


def cpu_s(pid: int | None) -> float:
    """CPU seconds (user + system) the process has used so far; 0 when unknown."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_requests(
    base: str, requests: Sequence[Request], args: argparse.Namespace, pid: int | None
) -> list[tuple[int, list[float], float]]:
    """(rows of the first answer, latencies in ms, server CPU ms per request) of each
    request, sent one after another. The server's CPU time per request is what a loaded,
    shared machine changes least (wall-clock latency there includes waiting for a core)."""
    results = []
    with httpx.Client(base_url=base, timeout=600.0) as client:
        for request in requests:
            first = client.post("/graphql", json=request.body).json()
            if first.get("errors"):
                raise RuntimeError(f"{request.name}: {first['errors']}")
            call = {"url": "/graphql", "json": request.body}
            for _ in range(args.warmup):
                send(client, call)
            used = cpu_s(pid)
            latencies = sequential_ms(client, [call], args.requests, 0, args.seconds)[0]
            cpu_ms = (cpu_s(pid) - used) * 1000 / len(latencies)
            results.append((rows_in(first), latencies, cpu_ms))
    return results


def rows_in(body: dict[str, Any]) -> int:
    """Result rows of an answer: the list, or a connection's edges."""
    data = next(iter(body["data"].values()))
    if isinstance(data, list):
        return len(data)
    for value in data.values():
        if isinstance(value, dict) and "edges" in value:
            return len(value["edges"])
    return 1


def line(
    store: str, reports: int, request: Request, rows: int, ms: list[float], cpu_ms: float
) -> str:
    """One printed row: p50 / p99 and the reference beside them."""
    reference = REFERENCE_MS.get((request.name, store)) if reports == 10_000 else None
    beside = f"{reference:>8.0f}" if reference else f"{'':>8}"
    p50 = percentile(ms, 50) if len(ms) > 1 else ms[0]
    p99 = percentile(ms, 99) if len(ms) > 1 else ms[0]
    return (
        f"{store:7} {reports:>7} {request.name:26} {rows:>5} {len(ms):>5} "
        f"{p50:>9.1f} {p99:>9.1f} {cpu_ms:>8.1f} {beside}"
    )


HEADER = (
    f"{'store':7} {'reports':>7} {'query':26} {'rows':>5} {'n':>5} "
    f"{'p50 ms':>9} {'p99 ms':>9} {'cpu ms':>8} {'issue ms':>8}"
)


def bench_size(store: str, reports: int, args: argparse.Namespace) -> list[str]:
    """Prepare the store with ``reports`` reports, serve it, time every request."""
    lines: list[str] = []
    if store == "memory":
        given = args.graph is not None
        data_dir: Path | None = args.graph if given else memory_dir(reports)
        assert data_dir is not None
        ingested = None if given else prepare_memory(reports, args.distinct, args.rebuild)
        loaded = in_child("load", str(data_dir))
        region = loaded["busiest_region"]
        lines += describe_memory(reports, data_dir, ingested, loaded)
        env: dict[str, str] = {}
    else:
        extractions = build_extractions(reports, args.distinct)
        region = busiest_region(extractions)
        started = time.perf_counter()
        saved = memory_dir(reports)  # the same corpus resolved: read, not ingested again
        saved_graph = saved if (saved / "graph.pickle").exists() else None
        env = prepare_neo4j(extractions, saved_graph).environment()
        lines.append(f"neo4j {reports}: ready in {time.perf_counter() - started:.0f} s")
        data_dir = None
        del extractions
    for text in lines:
        print(text, flush=True)
    with running_api(store, data_dir, env) as base:
        pid = server_pid()
        requests = requests_for(region)
        for request, (rows, ms, cpu_ms) in zip(
            requests, time_requests(base, requests, args, pid), strict=True
        ):
            lines.append(line(store, reports, request, rows, ms, cpu_ms))
            print(lines[-1], flush=True)
        peak = server_peak_rss_mb(pid)
    lines.append(f"{store} {reports}: API server peak RSS {peak or 0:.0f} MB")
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (``--child`` is a measuring subprocess's own mode)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", default="10000,100000", help="sizes, comma-separated")
    parser.add_argument("--distinct", type=int, default=3000, help="reports really extracted")
    parser.add_argument("--store", choices=["memory", "neo4j", "all"], default="memory")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0, help="time cap per query")
    parser.add_argument("--boot-seconds", type=float, default=1800.0, help="wait for the API")
    parser.add_argument(
        "--graph", type=Path, default=None, help="measure this saved embedded data dir instead"
    )
    parser.add_argument("--rebuild", action="store_true", help="ingest the embedded graph again")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Benchmark every size on every chosen store and print the table again at the end."""
    args = parse_args(argv)
    if args.child:
        kind, *rest = args.child
        answer = (
            child_ingest(int(rest[0]), int(rest[1]), Path(rest[2]))
            if kind == "ingest"
            else child_load(Path(rest[0]))
        )
        print(json.dumps(answer))
        return
    bench.api.SERVER_BOOT_S = args.boot_seconds  # a 100,000-report graph loads for minutes
    stores = ["memory", "neo4j"] if args.store == "all" else [args.store]
    sizes = [int(size) for size in args.reports.split(",")]
    print("the machine is shared (2 cores, other benchmarks and tests running): figures are noisy")
    lines = [text for size in sizes for store in stores for text in bench_size(store, size, args)]
    print()
    print(HEADER)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
