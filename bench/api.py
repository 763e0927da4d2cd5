"""API benchmark: GraphQL over HTTP against bare FastAPI JSON endpoints, on both stores.

The synthetic corpus (:mod:`bench.corpus`) is stored once per store (the embedded graph is
saved in ``bench/out/api-memory-<n>/``; Neo4j runs as its own local server in
``/tmp/api-bench-neo4j`` so the tests' and other benchmarks' databases are left alone). Each
store is then served by uvicorn in a subprocess on loopback, with the GraphQL app and, beside
it, the bare endpoints of :mod:`bench.api_reference` that make the same store calls. Five
representative queries are sent sequentially, GraphQL and bare endpoint taking turns (p50/p99
latency), and by ``--concurrency`` clients at once (requests per second).

Run: ``uv run python -m bench.api --reports 10000 --store all`` (``--neo4j-reports`` smaller
when ingesting into Neo4j would take too long).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.corpus import OUT, build_extractions
from bench.stores import ingest, sized_server
from config.settings import Settings, get_settings
from devtools.neo4j_local import (
    LocalServer,
    Neo4jConnection,
    connection_for,
    ensure_running,
    free_port,
    running_server,
)
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.store import GraphStore
from ingest.model import Extraction

NEO4J_HOME = Path("/tmp/api-bench-neo4j")
NEO4J_IMPORT_OFF_HEAP = "4G"  # the importer takes 90% of free memory by default
EXAMPLE_TITLE = "重大行政决策程序暂行条例"
SERVER_BOOT_S = 120.0


@dataclass(frozen=True, slots=True)
class Probe:
    """One benchmark query: the GraphQL request and the bare endpoint returning the same rows."""

    name: str
    graphql: str
    bare_path: str
    bare_params: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Timing:
    """Latencies of sequential requests and the throughput of concurrent ones."""

    p50_ms: float
    p99_ms: float
    rps: float
    samples: int  # sequential requests timed (fewer than asked when the time budget ran out)


def probes(region_code: str) -> list[Probe]:
    """The five representative queries (``region_code``: a region with many reports)."""
    return [
        Probe(
            "policy+citations",
            f'{{ policy(title: "{EXAMPLE_TITLE}") {{ title kind citations(first: 50) '
            "{ totalCount edges { node { year region { name code } evidence { text } } } } } }",
            "/bare/policy",
            {"title": EXAMPLE_TITLE, "first": 50},
        ),
        Probe(
            "region+parent+cited",
            f'{{ region(code: "{region_code}") {{ name parent {{ name code }} '
            "citedPolicies(first: 20) { totalCount edges { node { count reportCount "
            "policy { id title } } } } } }",
            "/bare/region",
            {"code": region_code, "first": 20},
        ),
        Probe(
            "topCitedPolicies",
            "{ topCitedPolicies(limit: 20) { group policyId title regions reports mentions } }",
            "/bare/top-cited",
            {"limit": 20},
        ),
        Probe(
            "policies(kind)",
            "{ policies(kind: law, first: 50) { totalCount edges { node { id title year } } } }",
            "/bare/policies",
            {"kind": "law", "first": 50},
        ),
        Probe(
            "search",
            '{ search(text: "行政复议", limit: 20) { label key name } }',
            "/bare/search",
            {"text": "行政复议", "limit": 20},
        ),
    ]


def busiest_region(extractions: Sequence[Extraction]) -> str:
    """The region code with the most reports (its citedPolicies aggregate the most)."""
    codes = Counter(x.report.region_code for x in extractions if x.report.region_code)
    return codes.most_common(1)[0][0]


# ----------------------------------------------------------------------------- stores


def memory_dir(reports: int) -> Path:
    """Where the embedded graph of ``reports`` synthetic reports is saved (built once)."""
    return OUT / f"api-memory-{reports}"


def prepare_memory(extractions: Sequence[Extraction]) -> Path:
    """Store the corpus in a saved MemoryStore unless it is there already; its data dir."""
    data_dir = memory_dir(len(extractions))
    if (data_dir / "graph.pickle").exists():
        return data_dir
    partial = data_dir.with_name(data_dir.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    with MemoryStore(partial, flush_every=len(extractions) + 1) as store:
        fill(store, extractions)
    partial.rename(data_dir)
    print(f"memory: stored {len(extractions)} reports in {time.perf_counter() - started:.0f} s")
    return data_dir


def fill(store: GraphStore, extractions: Sequence[Extraction]) -> None:
    """Write the corpus in the batches ``fazhi ingest`` writes; any failure stops the bench."""
    measured = ingest(store, list(extractions), get_settings().ingest_batch_reports)
    if measured["failed"]:
        raise SystemExit(f"{measured['failed']} reports failed to store")


def neo4j_home(reports: int) -> Path:
    """The benchmark server's home for a corpus of ``reports``: one per size above 10,000 (a
    100,000-report graph takes long to load, and the smaller one stays loaded beside it)."""
    return NEO4J_HOME if reports <= 10_000 else NEO4J_HOME.with_name(f"{NEO4J_HOME.name}-{reports}")


def neo4j_server(reports: int = 10_000) -> LocalServer:
    """The benchmark's own Neo4j server, reusing the jars of the project's server if fetched."""
    server = sized_server(reports, home=neo4j_home(reports))
    project_lib = LocalServer().lib
    if not server.lib.exists() and (project_lib / ".pom-sha256").exists():
        server.home.mkdir(parents=True, exist_ok=True)
        shutil.copytree(project_lib, server.lib)
    return server


def prepare_neo4j(
    extractions: Sequence[Extraction], saved_graph: Path | None = None
) -> Neo4jConnection:
    """Start the benchmark's Neo4j and fill it with the corpus unless it holds it already.

    A first load goes through the bulk path (``fazhi ingest --store neo4j --bulk``'s importer)
    with its figures printed; ``saved_graph``: an embedded data dir holding the same corpus
    already resolved (read instead of ingesting ``extractions`` in memory).
    """
    server = neo4j_server(len(extractions))
    port = _stored_port(server) or free_port()
    connection = ensure_running(get_settings(neo4j_uri=f"bolt://127.0.0.1:{port}"), server=server)
    marker = server.home / "corpus-reports"
    if marker.exists() and marker.read_text().strip() == str(len(extractions)):
        return connection
    marker.unlink(missing_ok=True)
    settings = get_settings(  # a 100,000-report store takes minutes to index and count
        store="neo4j",
        neo4j_index_wait_s=1800.0,
        query_timeout_s=1800.0,
        **connection.settings_overrides(),
    )
    for text in bulk_fill(server, settings, extractions, saved_graph):
        print(text, flush=True)
    marker.write_text(str(len(extractions)))
    running = running_server(server)
    return connection_for(server, running.port) if running else connection


def bulk_fill(
    server: LocalServer,
    settings: Settings,
    extractions: Sequence[Extraction],
    saved_graph: Path | None,
) -> list[str]:
    """Replace the benchmark database by the corpus through the bulk importer; its figures."""
    from services.bulk_loading import import_graph_files, write_graph_files

    started = time.perf_counter()
    graph = resolved_graph(extractions, saved_graph, settings)
    how = f"read {saved_graph}" if saved_graph else "resolved in memory"
    lines = [f"neo4j {len(extractions)}: graph {how} in {time.perf_counter() - started:.0f} s"]
    with tempfile.TemporaryDirectory(prefix="fazhi-bench-bulk-") as folder:
        started = time.perf_counter()
        files = write_graph_files(graph, Path(folder))
        csv_s = time.perf_counter() - started
        csv_mb = sum(f.stat().st_size for f in Path(folder).iterdir()) / 1e6
        del graph  # the importer and the server need the memory
        gc.collect()
        load = import_graph_files(
            files,
            Path(folder),
            settings=settings,
            server=server,
            csv_s=csv_s,
            importer_options=[f"--max-off-heap-memory={NEO4J_IMPORT_OFF_HEAP}"],
        )
    lines.append(f"neo4j {len(extractions)}: {load.line()} ({csv_mb:.0f} MB of CSV)")
    lines.append(f"neo4j {len(extractions)}: {neo4j_footprint(server)}")
    return lines


def resolved_graph(
    extractions: Sequence[Extraction], saved_graph: Path | None, settings: Settings
) -> MemoryStore:
    """The corpus resolved by the embedded store: the saved one, or ingested now."""
    if saved_graph is not None:
        return MemoryStore(saved_graph)
    graph = MemoryStore(None, evidence_cap=settings.evidence_per_relationship)
    fill(graph, extractions)
    return graph


def neo4j_footprint(server: LocalServer) -> str:
    """The database's size on disk and the server's resident memory, in one line."""
    data = server.home / "data"
    stored = [data / "databases" / "neo4j", data / "transactions" / "neo4j"]
    size_mb = sum(f.stat().st_size for d in stored for f in d.rglob("*") if f.is_file()) / 1e6
    running = running_server(server)
    rss = _rss_mb(running.pid) if running else 0.0
    return (
        f"store {size_mb:.0f} MB on disk (with its transaction logs), server RSS {rss:.0f} MB "
        f"(heap {server.heap}, page cache {server.pagecache})"
    )


def _rss_mb(pid: int) -> float:
    """VmRSS of a process, in MB (0 when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0.0
    found = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(found[0]) / 1024 if found else 0.0


def _stored_port(server: LocalServer) -> int | None:
    """The port of the benchmark server when it already runs (its state file says)."""
    running = running_server(server)
    return running.port if running else None


# ----------------------------------------------------------------------------- server


def serve(store_kind: str, data_dir: str | None, port: int, variant: str = "custom") -> None:
    """Run the GraphQL app plus the bare endpoints on ``port`` (the subprocess's entry), with
    the custom pieces of :mod:`bench.api_variants` ``variant`` swaps."""
    import uvicorn

    from api.app import create_app
    from bench.api_reference import add_reference_routes
    from bench.api_variants import apply_variant

    apply_variant(variant)

    # Throughput runs queue slow queries behind each other: time-out only stuck requests.
    where = {"data_dir": data_dir} if data_dir else {}
    settings = get_settings(
        store=store_kind, api_graphiql=False, api_query_timeout_s=300.0, **where
    )
    with open_store(settings) as store:
        app = create_app(settings, store=store)
        add_reference_routes(app, store)
        uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@contextmanager
def running_api(
    store_kind: str, data_dir: Path | None, env: dict[str, str], variant: str = "custom"
) -> Iterator[str]:
    """A uvicorn subprocess serving the store; yields its base URL and stops it at the end."""
    port = free_port()
    command = [sys.executable, "-m", "bench.api", "serve", "--store", store_kind]
    command += ["--variant", variant]
    command += ["--port", str(port)] + (["--data-dir", str(data_dir)] if data_dir else [])
    process = subprocess.Popen(command, env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_ready(base: str, process: subprocess.Popen[bytes]) -> None:
    """Poll ``/readyz`` until the server answers (or fail when it exits or takes too long)."""
    deadline = time.monotonic() + SERVER_BOOT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server exited with code {process.returncode}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the API server at {base} was not ready after {SERVER_BOOT_S:.0f} s")


# ----------------------------------------------------------------------------- driving

Send = Callable[[httpx.Client], httpx.Response]


def graphql_request(query: str) -> dict[str, Any]:
    """The keyword arguments of one GraphQL POST."""
    return {"url": "/graphql", "json": {"query": query}}


def checked(response: httpx.Response) -> Any:
    """The JSON body of a successful answer (GraphQL errors count as failures)."""
    response.raise_for_status()
    body = response.json()
    if isinstance(body, dict) and body.get("errors"):
        raise RuntimeError(f"GraphQL errors: {body['errors']}")
    return body


def sequential_ms(
    client: httpx.Client,
    requests: Sequence[dict[str, Any]],
    count: int,
    warmup: int,
    budget_s: float,
) -> list[list[float]]:
    """Latencies (ms) of each of ``requests``, sent one after another in turns (ABBA order, so
    neither side always follows the other), up to ``count`` rounds after ``warmup`` rounds,
    stopping early when ``budget_s`` seconds have passed.

    Taking turns puts both sides of a comparison under the same conditions: on a shared
    machine, load comes and goes over seconds, and timing one side after the other let a
    quiet or a busy spell fall on one side only.
    """
    for _ in range(warmup):
        for request in requests:
            send(client, request)
    latencies: list[list[float]] = [[] for _ in requests]
    deadline = time.perf_counter() + budget_s
    rounds = 0
    while rounds < count and (rounds < 2 or time.perf_counter() < deadline):
        order = range(len(requests)) if rounds % 2 == 0 else reversed(range(len(requests)))
        for index in order:
            started = time.perf_counter()
            send(client, requests[index])
            latencies[index].append((time.perf_counter() - started) * 1000)
        rounds += 1
    return latencies


def send(client: httpx.Client, request: dict[str, Any]) -> Any:
    """Send one request (POST when it has a JSON body) and check its answer."""
    method = "POST" if "json" in request else "GET"
    return checked(client.request(method, **request))


async def concurrent_rps(
    base: str, request: dict[str, Any], count: int, workers: int, budget_s: float
) -> float:
    """Requests per second when ``workers`` clients send up to ``count`` requests in all
    (stopping after ``budget_s`` seconds)."""
    method = "POST" if "json" in request else "GET"
    remaining = iter(range(count))
    done = 0
    deadline = time.perf_counter() + budget_s

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal done
        for _ in remaining:
            checked(await client.request(method, **request))
            done += 1
            if time.perf_counter() > deadline:
                return

    limits = httpx.Limits(max_connections=workers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60.0) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(workers)))
        return done / (time.perf_counter() - started)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100) of ``values``, interpolated."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def measure(
    base: str, requests: Sequence[dict[str, Any]], args: argparse.Namespace
) -> list[Timing]:
    """p50/p99 of each request over sequential turns, and req/s of each at ``args.concurrency``."""
    with httpx.Client(base_url=base, timeout=60.0) as client:
        budget_s = args.seconds * len(requests)  # the time cap is per side
        series = sequential_ms(client, requests, args.requests, args.warmup, budget_s)
    timings = []
    for request, latencies in zip(requests, series, strict=True):
        rps = asyncio.run(
            concurrent_rps(base, request, args.requests, args.concurrency, args.seconds)
        )
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        timings.append(Timing(p50, p99, rps, len(latencies)))
    return timings


def row_count(body: Any) -> int:
    """How many result rows an answer holds (to check both sides return the same rows)."""
    if isinstance(body, list):
        return len(body)
    if "rows" in body:
        return len(body["rows"])
    data = next(iter(body["data"].values()))
    if isinstance(data, list):
        return len(data)
    connection = data.get("citations") or data.get("citedPolicies") or data
    return len(connection["edges"])


def same_rows(base: str, probe: Probe) -> int:
    """The row count both sides answer with; an error when they differ."""
    with httpx.Client(base_url=base, timeout=60.0) as client:
        graphql = row_count(checked(client.post("/graphql", json={"query": probe.graphql})))
        bare = row_count(checked(client.get(probe.bare_path, params=probe.bare_params)))
    if graphql != bare:
        raise RuntimeError(f"{probe.name}: GraphQL gave {graphql} rows, the bare endpoint {bare}")
    return graphql


# ----------------------------------------------------------------------------- report


HEADER = (
    f"{'store':7} {'reports':>7} {'query':20} {'rows':>4} {'n':>7} | {'GQL p50':>8} {'p99':>7} "
    f"{'req/s':>7} | {'bare p50':>8} {'p99':>7} {'req/s':>7} | {'x p50':>5} {'x p99':>5} "
    f"{'x rps':>5}"
)


def table_row(store: str, reports: int, probe: Probe, rows: int, gql: Timing, bare: Timing) -> str:
    """One printed line: both timings and GraphQL's ratio to the bare endpoint."""
    return (
        f"{store:7} {reports:>7} {probe.name:20} {rows:>4} {gql.samples:>3}/{bare.samples:<3} | "
        f"{gql.p50_ms:>8.2f} {gql.p99_ms:>7.2f} "
        f"{gql.rps:>7.0f} | {bare.p50_ms:>8.2f} {bare.p99_ms:>7.2f} {bare.rps:>7.0f} | "
        f"{gql.p50_ms / bare.p50_ms:>5.2f} {gql.p99_ms / bare.p99_ms:>5.2f} "
        f"{bare.rps / gql.rps:>5.2f}"
    )


def bench_store(
    store: str, base: str, reports: int, region: str, args: argparse.Namespace
) -> list[str]:
    """The table lines of one served store."""
    lines = []
    for probe in probes(region):
        if args.only and probe.name not in args.only:
            continue
        rows = same_rows(base, probe)
        bare_request = {"url": probe.bare_path, "params": probe.bare_params}
        gql, bare = measure(base, [graphql_request(probe.graphql), bare_request], args)
        lines.append(table_row(store, reports, probe, rows, gql, bare))
        print(lines[-1], flush=True)
    return lines


def run_store(store: str, args: argparse.Namespace) -> list[str]:
    """Prepare ``store`` with the corpus, serve it and measure the five queries."""
    reports = args.neo4j_reports if store == "neo4j" and args.neo4j_reports else args.reports
    extractions = build_extractions(args.reports)[:reports]  # a smaller Neo4j graph: a prefix
    region = busiest_region(extractions)
    if store == "memory":
        data_dir: Path | None = prepare_memory(extractions)
        env: dict[str, str] = {}
    else:
        data_dir, env = None, prepare_neo4j(extractions).environment()
    del extractions
    with running_api(store, data_dir, env, args.variant) as base:
        return bench_store(store, base, reports, region, args)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (``serve`` is the subprocess's own mode)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", nargs="?", choices=["bench", "serve"], default="bench")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--neo4j-reports", type=int, default=None)
    parser.add_argument("--store", choices=["memory", "neo4j", "all"], default="all")
    # a p99 of 300 samples is their third-worst: 1000 make it a tail, not an accident
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0, help="time cap per side and phase")
    parser.add_argument("--only", nargs="*", help="only these query names")
    parser.add_argument(
        "--variant",
        default="custom",
        choices=["custom", "dataloader", "limiters", "plain-schema"],
        help="swap one custom piece of the API for strawberry's own (bench/api_variants.py)",
    )
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    """Benchmark the chosen stores and print the table."""
    args = parse_args(argv)
    if args.mode == "serve":
        serve(args.store, args.data_dir, args.port, args.variant)
        return
    stores = ["memory", "neo4j"] if args.store == "all" else [args.store]
    lines = [line for store in stores for line in run_store(store, args)]
    print()
    print(HEADER)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
