"""How soon failures are reported: an unreachable Neo4j (opening a store, ``fazhi ingest``)
and a read stopped by the store's query time-out. The tests check what the failure says;
this prints how long it took, so a regression shows as a number here, never as a flaky test.

The query time-out is measured on the local server of :mod:`devtools.neo4j_local` (started
when it is not running); the unreachable cases need no server.

Example:
    $ python3 -m uv run python -m bench.timeouts
    open bolt://127.0.0.1:1 (connect timeout 2.0 s): 0.00 s — cannot reach Neo4j at …
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from config.settings import Settings, get_settings
from devtools.neo4j_local import ensure_running
from graph.neo4j_store import Neo4jStore
from graph.store import StoreError

UNREACHABLE = ("bolt://127.0.0.1:1", "bolt://10.255.255.1:7687")  # refused; silently dropped
SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "reports"
ENDLESS = "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS n"


class EndlessQuery:
    """A read that would count for a very long time."""

    name = "endless"
    cypher = ENDLESS

    def run_networkx(self, graph: object, params: object) -> list[dict[str, object]]:
        raise NotImplementedError("Neo4j only")


def seconds_to_fail(action: Callable[[], object]) -> tuple[float, str]:
    """How long ``action`` took to raise :class:`StoreError`, and the error's first line."""
    started = time.perf_counter()
    try:
        action()
    except StoreError as error:
        return time.perf_counter() - started, str(error).splitlines()[0]
    return time.perf_counter() - started, "no error"


def open_unreachable(settings: Settings, uri: str) -> None:
    """Print how soon opening a store on ``uri`` fails."""
    unreachable = settings.model_copy(update={"neo4j_uri": uri})
    took, said = seconds_to_fail(lambda: Neo4jStore(unreachable))
    timeout = settings.neo4j_connect_timeout_s
    print(f"open {uri} (connect timeout {timeout} s): {took:.2f} s — {said[:80]}")


def ingest_unreachable(uri: str) -> None:
    """Print how soon ``fazhi ingest`` ends against ``uri``."""
    env = {**os.environ, "FAZHI_STORE": "neo4j", "NEO4J_URI": uri}
    command = [sys.executable, "-c", "from cli import app; app()", "ingest", str(SAMPLE)]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    print(f"fazhi ingest against {uri}: exit {done.returncode} after {took:.2f} s")


def query_timeout(settings: Settings, timeout_s: float) -> None:
    """Print how soon a read is stopped by ``query_timeout_s``."""
    limited = settings.model_copy(update={"query_timeout_s": timeout_s})
    with Neo4jStore(limited) as store:
        took, said = seconds_to_fail(lambda: store.run(EndlessQuery(), {}))
    print(f"endless read (query timeout {timeout_s} s): {took:.2f} s — {said[:80]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connect-timeout", type=float, default=2.0)
    parser.add_argument("--query-timeout", type=float, default=0.5)
    parser.add_argument("--no-server", action="store_true", help="Skip the query time-out.")
    args = parser.parse_args()
    settings = get_settings(store="neo4j", neo4j_connect_timeout_s=args.connect_timeout)
    for uri in UNREACHABLE:
        open_unreachable(settings, uri)
    ingest_unreachable(UNREACHABLE[0])
    if not args.no_server:
        connection = ensure_running(settings)
        query_timeout(
            settings.model_copy(update=connection.settings_overrides()), args.query_timeout
        )


if __name__ == "__main__":
    main()
