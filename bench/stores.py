"""Store ingestion throughput and memory: the embedded store, Neo4j, and a plain Neo4j reference.

Run: ``uv run python -m bench.stores --reports 10000 [--store memory|neo4j|all] [--no-bulk]``.

Each store is measured in a fresh subprocess over the cached synthetic corpus of
:mod:`bench.corpus`, ingested through ``upsert_reports`` in batches of
``settings.ingest_batch_reports``. Peak memory is ``ru_maxrss`` minus its value once the corpus
is loaded; the loaded corpus is then kept out of the cycle collector's scans (a real ingest,
reading its files a batch at a time, never holds it). Neo4j runs on a server of its own
(``/tmp/bench-neo4j``, a free port), started here and stopped at the end, so the tests'
database is never touched; its JVM peak RSS (``VmHWM``) is printed too, and the CPU seconds of
the server (by what its threads do) and of this process.
Both ways are timed on a warm server, as a running one is: a fresh JVM spends more CPU
compiling (its C2 JIT threads) than executing for its first minute of writes, so ours and the
reference each write the whole corpus once (then emptied) just before they are timed. With a
300-report warm-up of ours alone, the JIT took 13.6 of the server's 25 CPU seconds of our
3,000-report ingest, and the reference, run after it, found the server warm; after 2,000
reports of each it still took 14 of our 46 at 10,000 (2.5 of the reference's 18); after the
whole corpus, 1.8 of 32 (0.7 of 15).

After both, the same reports go the bulk way (:mod:`services.bulk_loading`, ``fazhi ingest
--bulk``): resolved in memory by the embedded store, written as neo4j-admin CSV files and
imported into the emptied database with the server stopped, then the server started and the
constraints and indexes created; each step is timed. The JVM peak is read before that restart.

The Neo4j reference writes the same rows (:func:`graph.rows.rows_for` of every report, each
CITES with the sort keys the graph keeps on it) with
plain ``UNWIND $rows AS row CREATE …`` statements into the emptied database (same constraints
and indexes), in batches of ``settings.write_batch_size``. Node and relationship rows are
de-duplicated by key in Python first (a shared region or policy is created once), which is
the fairer reference: it does the least work any loader of these rows must do. No policy
resolution, property merging, replacement checks or atomicity per report.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from neo4j import GraphDatabase

from bench.corpus import build_extractions
from config.settings import Settings, get_settings
from devtools.neo4j_local import LocalServer, ensure_running, free_port, running_server, stop
from graph import heap
from graph.cites_order import order_keys
from graph.memory import MemoryStore, load_graph
from graph.model import KEYS, Label, Rel
from graph.rows import rows_for
from graph.store import GraphStore, StoreError
from ingest.model import Extraction

BENCH_HOME = Path("/tmp/bench-neo4j")
NEO4J_PAGECACHE = "2g"
NEO4J_BIG_PAGECACHE = "4g"  # above 10,000 reports
NEO4J_HEAP = "2g"
NEO4J_BIG_HEAP = "4g"
STORES = ("memory", "neo4j")

Measurement = dict[str, Any]


def sized_server(reports: int, home: Path) -> LocalServer:
    """A benchmark Neo4j server at ``home`` sized for ``reports``, as a production server is.

    Its page cache holds the store: the project's 128 MB default (enough for tests) made every
    read of a 10,000-report graph (178 MB) go to disk. Its heap holds a batch's transaction
    state without collecting all the time: at 1 GB, GC took 7.7 of the server's 42 CPU seconds
    of our 10,000-report ingest (6.4 of 46 at 2 GB). Above 10,000 reports the store (about 2 GB
    at 100,000) and its queries need more of both.
    """
    big = reports > 10_000
    return LocalServer(
        home=home,
        pagecache=NEO4J_BIG_PAGECACHE if big else NEO4J_PAGECACHE,
        heap=NEO4J_BIG_HEAP if big else NEO4J_HEAP,
        boot_timeout_s=600.0,  # a restart after a big import recovers and checks the store
    )


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of ``size``."""
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


# What a JVM thread does, by the start of its name (Linux keeps 15 characters of it).
_THREAD_KINDS = (
    ("transactions", "neo4j.BoltWorke"),  # the statements and commits of the sessions
    ("JIT", "C1 CompilerThre"),
    ("JIT", "C2 CompilerThre"),
    ("GC", "GC Thread"),
    ("GC", "G1 "),
)


def server_cpu_s() -> dict[str, float]:
    """CPU seconds the benchmark's Neo4j server (its JVM) has used so far, in all and by what
    its threads do (transactions, JIT, GC; the rest, ended threads' too, is "other"); {}
    when none runs."""
    running = running_server(LocalServer(home=BENCH_HOME))
    if running is None:
        return {}
    process = Path(f"/proc/{running.pid}")
    used = {"all": _cpu_s(process / "stat"), "transactions": 0.0, "JIT": 0.0, "GC": 0.0}
    for task in process.joinpath("task").iterdir():
        try:
            name = task.joinpath("comm").read_text(encoding="utf-8")
            seconds = _cpu_s(task / "stat")
        except OSError:  # the thread ended meanwhile
            continue
        kind = next((kind for kind, start in _THREAD_KINDS if name.startswith(start)), None)
        if kind:
            used[kind] += seconds
    used["other"] = used["all"] - used["transactions"] - used["JIT"] - used["GC"]
    return used


def _cpu_s(stat: Path) -> float:
    """utime + stime of a /proc stat file, in seconds."""
    fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _spent(before: dict[str, float]) -> dict[str, float]:
    """Server CPU seconds since ``before``, by kind."""
    now = server_cpu_s()
    return {kind: now.get(kind, 0.0) - before.get(kind, 0.0) for kind in now}


def ingest(store: GraphStore, reports: list[Extraction], batch: int) -> Measurement:
    """Upsert ``reports`` in batches; time, CPU seconds (ours and the server's), counts and
    failures. CPU seconds tell the work done, which a busy machine does not stretch as it
    stretches the wall clock."""
    started, cpu, server_cpu = time.perf_counter(), time.process_time(), server_cpu_s()
    written = failed = 0
    for chunk in batches(reports, batch):
        for result in store.upsert_reports(chunk):
            if isinstance(result, StoreError):
                failed += 1
            else:
                written += result.relationships_written
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "client_cpu_s": time.process_time() - cpu,
        "server_cpu_s": _spent(server_cpu),
        "reports_per_s": len(reports) / seconds,
        "relationships": written,
        "relationships_per_s": written / seconds,
        "failed": failed,
    }


# --- one store per subprocess ---------------------------------------------------------------
def measure_memory(reports: list[Extraction], settings: Settings) -> Measurement:
    """Ingest into the embedded store, then save and load its pickle."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as data_dir:
        store = MemoryStore(
            Path(data_dir), evidence_cap=settings.evidence_per_relationship, flush_every=10**9
        )
        result = ingest(store, reports, settings.ingest_batch_reports)
        result["stats"] = store.stats().nodes
        started = time.perf_counter()
        store.flush()
        result["save_s"] = time.perf_counter() - started
        path = store.path
        assert path is not None
        result["file_mb"] = path.stat().st_size / 1e6
        started = time.perf_counter()
        load_graph(path)
        result["load_s"] = time.perf_counter() - started
    return result


def measure_neo4j(reports: list[Extraction], settings: Settings) -> Measurement:
    """Ingest into Neo4j, then empty it and write the same rows the plain way."""
    from graph.neo4j_store import Neo4jStore

    with Neo4jStore(settings) as store:
        store.clear()
        ingest(store, reports, settings.ingest_batch_reports)  # warm-up
        store.clear()
        result = ingest(store, reports, settings.ingest_batch_reports)
        result["stats"] = store.stats().nodes
        result["rss_after_ours_mb"] = peak_rss_mb()
        store.clear()
        reference_load(reports, settings)  # warm-up
        store.clear()
        result["reference"] = reference_load(reports, settings)
        store.clear()
    running = running_server(LocalServer(home=BENCH_HOME))
    result["jvm_peak_rss_mb"] = jvm_peak_mb(running.pid) if running else None
    if not os.environ.get("FAZHI_BENCH_NO_BULK"):
        result["bulk"] = bulk_import(reports, settings)
    return result


def bulk_import(reports: list[Extraction], settings: Settings) -> Measurement:
    """The same reports resolved in memory and imported by neo4j-admin into the emptied
    database (services.bulk_loading, what ``fazhi ingest --bulk`` runs)."""
    from services.bulk_loading import bulk_load_graph, local_target

    local, server = local_target(settings, sized_server(len(reports), home=BENCH_HOME))
    started = time.perf_counter()
    graph = MemoryStore(None, evidence_cap=settings.evidence_per_relationship, flush_every=10**9)
    ingest(graph, reports, settings.ingest_batch_reports)
    resolve_s = time.perf_counter() - started
    load = bulk_load_graph(graph, settings=local, server=server)
    return {
        "resolve_s": resolve_s,
        "csv_s": load.csv_s,
        "import_s": load.import_s,
        "schema_s": load.schema_s,
        "files": load.files,
        "nodes": sum(load.summary.graph_after.nodes.values()),
    }


NodeRows = dict[tuple[Label, str], dict[str, Any]]
EdgeRows = dict[tuple[Rel, Label, Label], dict[tuple[str, str], dict[str, Any]]]


def reference_load(reports: list[Extraction], settings: Settings) -> Measurement:
    """The same rows, de-duplicated by key, written with plain UNWIND … CREATE."""
    started = time.perf_counter()
    nodes, edges = reference_rows(reports, settings.evidence_per_relationship)
    rows_s = time.perf_counter() - started
    started, cpu, server_cpu = time.perf_counter(), time.process_time(), server_cpu_s()
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    with (
        GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver,
        driver.session(database=settings.neo4j_database) as session,
    ):
        for label in Label:
            node_rows = [props for (lab, _), props in nodes.items() if lab == label]
            write_plain(session, reference_nodes(label), node_rows, settings.write_batch_size)
        for shape, by_ends in edges.items():
            edge_rows = [{"s": s, "t": t, "props": p} for (s, t), p in by_ends.items()]
            write_plain(session, reference_edges(shape), edge_rows, settings.write_batch_size)
    seconds = time.perf_counter() - started
    count = sum(len(by_ends) for by_ends in edges.values())
    return {
        "rows_s": rows_s,
        "write_s": seconds,
        "client_cpu_s": time.process_time() - cpu,
        "server_cpu_s": _spent(server_cpu),
        "nodes": len(nodes),
        "relationships": count,
    }


def reference_rows(reports: list[Extraction], evidence_cap: int) -> tuple[NodeRows, EdgeRows]:
    """Every report's rows, the first of each node and relationship key kept; a CITES row
    holds its sort keys (:mod:`graph.cites_order`), as the graph stores them (online they are
    set in Cypher, by neo4j-admin import read from the row)."""
    nodes: NodeRows = {}
    edges: EdgeRows = {}
    for report in reports:
        rows = rows_for(report, evidence_cap=evidence_cap)
        for node in rows.nodes:
            nodes.setdefault((node.label, node.key), {**node.props, KEYS[node.label]: node.key})
        report_props = {**rows.nodes[0].props, "id": rows.report_id}
        for edge in rows.edges:
            shape = (edge.type, edge.source[0], edge.target[0])
            ends = (edge.source[1], edge.target[1])
            props = dict(edge.props)
            if edge.type == Rel.CITES:
                props |= order_keys(edge.target[1], report_props)
            edges.setdefault(shape, {}).setdefault(ends, props)
    return nodes, edges


def reference_nodes(label: Label) -> str:
    """Plain node creation."""
    return f"UNWIND $rows AS row CREATE (n:{label.value}) SET n = row"


def reference_edges(shape: tuple[Rel, Label, Label]) -> str:
    """Plain relationship creation between nodes found by their unique key."""
    rel, source, target = shape
    return (
        f"UNWIND $rows AS row MATCH (a:{source.value} {{{KEYS[source]}: row.s}}) "
        f"MATCH (b:{target.value} {{{KEYS[target]}: row.t}}) "
        f"CREATE (a)-[r:{rel.value}]->(b) SET r = row.props"
    )


def write_plain(session: Any, query: str, rows: list[dict[str, Any]], size: int) -> None:
    """One write transaction per batch of rows."""
    for chunk in batches(rows, size):
        session.execute_write(lambda tx, chunk=chunk: tx.run(query, rows=list(chunk)).consume())


def child(kind: str, count: int) -> None:
    """Measure one store in this (fresh) process and print the measurement as JSON."""
    reports = build_extractions(count)
    # The corpus stands in for files a real ingest reads a batch at a time: out of the cycle
    # collector's scans, as the embedded store's graph is (graph.heap). Left in them, full
    # collections rescanned its 587 MB of objects at 10,000 reports: 7.4 s of a 32.7 s Neo4j
    # ingest, and none of the reference's (it allocates few containers while it writes).
    heap.settle()
    baseline = peak_rss_mb()
    settings = get_settings()
    measure: Callable[[list[Extraction], Settings], Measurement] = (
        measure_memory if kind == "memory" else measure_neo4j
    )
    result = measure(reports, settings)
    result["peak_rss_mb"] = result.pop("rss_after_ours_mb", peak_rss_mb()) - baseline
    result["corpus_rss_mb"] = baseline
    print(json.dumps(result))


# --- the parent: servers, subprocesses, printing ---------------------------------------------
def run_child(kind: str, count: int, env: dict[str, str]) -> Measurement:
    """Run :func:`child` in a fresh interpreter; its JSON answer."""
    command = [sys.executable, "-m", "bench.stores", "--child", kind, "--reports", str(count)]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{kind} benchmark failed:\n{done.stderr[-3000:]}")
    answer: Measurement = json.loads(done.stdout.strip().splitlines()[-1])
    return answer


def bench_neo4j(count: int, *, bulk: bool = True) -> Measurement:
    """Start the benchmark's own server, measure in a child, read the JVM peak, stop it."""
    server = sized_server(count, home=BENCH_HOME)
    running = running_server(server)
    port = running.port if running else free_port()
    connection = ensure_running(get_settings(neo4j_uri=f"bolt://127.0.0.1:{port}"), server=server)
    env = connection.environment() | ({} if bulk else {"FAZHI_BENCH_NO_BULK": "1"})
    try:
        result = run_child("neo4j", count, env)
    finally:
        stop(server=server)
    return result


def jvm_peak_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def show(kind: str, r: Measurement) -> None:
    """Print one store's numbers."""
    print(f"== {kind}")
    print(
        f"  ingest: {r['seconds']:.1f} s, {r['reports_per_s']:.0f} reports/s, "
        f"{r['relationships_per_s']:.0f} relationships/s ({r['relationships']} written), "
        f"{r['failed']} failed"
    )
    print(f"  nodes: {r['stats']}")
    total = r["peak_rss_mb"] + r["corpus_rss_mb"]
    print(
        f"  peak RSS: {r['peak_rss_mb']:.0f} MB above the loaded corpus "
        f"(process peak {total:.0f} MB, of which loading the corpus {r['corpus_rss_mb']:.0f} MB)"
    )
    if kind == "memory":
        print(
            f"  pickle: save {r['save_s']:.2f} s, load {r['load_s']:.2f} s, {r['file_mb']:.1f} MB"
        )
        return
    ref = r["reference"]
    print(
        f"  reference (UNWIND … CREATE, rows de-duplicated): write {ref['write_s']:.1f} s "
        f"(+ rows {ref['rows_s']:.1f} s) for {ref['nodes']} nodes, "
        f"{ref['relationships']} relationships"
    )
    print(
        f"  ours / reference: {r['seconds'] / ref['write_s']:.2f}x of the write alone, "
        f"{r['seconds'] / (ref['write_s'] + ref['rows_s']):.2f}x of rows + write"
    )
    ours_cpu, ref_cpu = r["server_cpu_s"], ref["server_cpu_s"]
    split = ", ".join(
        f"{kind} {ours_cpu.get(kind, 0):.1f} / {ref_cpu.get(kind, 0):.1f}"
        for kind in ("transactions", "JIT", "GC", "other")
    )
    print(
        f"  CPU seconds, ours / reference: server {ours_cpu.get('all', 0):.1f} / "
        f"{ref_cpu.get('all', 0):.1f} s ({split}); client {r['client_cpu_s']:.1f} / "
        f"{ref['client_cpu_s']:.1f} s (+ rows {ref['rows_s']:.1f} s)"
    )
    if r.get("jvm_peak_rss_mb") is not None:
        print(f"  Neo4j server JVM peak RSS (VmHWM): {r['jvm_peak_rss_mb']:.0f} MB")
    bulk = r.get("bulk")
    if bulk is None:
        return
    total = bulk["csv_s"] + bulk["import_s"] + bulk["schema_s"]
    print(
        f"  bulk (--bulk: neo4j-admin import into the emptied database): {total:.1f} s = "
        f"CSV {bulk['csv_s']:.1f} s ({bulk['files']} files) + import {bulk['import_s']:.1f} s "
        f"(server stopped) + restart, constraints and indexes {bulk['schema_s']:.1f} s; "
        f"before it, resolving in memory {bulk['resolve_s']:.1f} s; {bulk['nodes']} nodes"
    )


def main() -> None:
    """Measure the chosen stores and print their numbers."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--store", choices=[*STORES, "all"], default="all")
    parser.add_argument(
        "--no-bulk", action="store_true", help="Neo4j: skip the bulk import (ingest vs plain only)"
    )
    parser.add_argument("--child", choices=STORES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.reports)
        return
    build_extractions(args.reports)  # build the cache once, before the children
    settings = get_settings()
    print(f"{args.reports} reports, batches of {settings.ingest_batch_reports} reports")
    for kind in STORES if args.store == "all" else (args.store,):
        result = (
            run_child(kind, args.reports, {})
            if kind == "memory"
            else bench_neo4j(args.reports, bulk=not args.no_bulk)
        )
        show(kind, result)


if __name__ == "__main__":
    main()
