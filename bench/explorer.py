"""Explorer benchmark: how long each kind of page takes on the embedded store of a synthetic
corpus (:mod:`bench.corpus`, saved once as :mod:`bench.api` saves it), rendered in process
through the ASGI app (no network: the time is the services', the template's and plotly's).

Run: ``uv run python -m bench.explorer --reports 10000 [--runs 20]``; prints p50 / max ms and
the HTML size of each page.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from urllib.parse import quote

import httpx

from api.app import create_app
from bench.api import EXAMPLE_TITLE, busiest_region, prepare_memory
from bench.corpus import build_extractions
from config.settings import get_settings
from graph.memory import MemoryStore
from services.querying import run_named


def pages(store: MemoryStore, region: str) -> dict[str, str]:
    """One path per kind of page: home, a search, the example policy, the most cited policy,
    the busiest region."""
    top = run_named(store, "top_cited_policies", {"limit": 1})[0]["policy_id"]
    return {
        "home": "/",
        "search": "/search?q=" + quote("法治政府"),
        "policy (example)": "/policy/" + quote(EXAMPLE_TITLE, safe=""),
        "policy (most cited)": "/policy/" + quote(top, safe=""),
        "region (busiest)": f"/region/{region}",
    }


async def measure(store: MemoryStore, paths: dict[str, str], runs: int) -> None:
    """Request each page ``runs`` times after one warm-up; print p50, max and size."""
    app = create_app(get_settings(store="memory", data_dir=None), store=store)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        for name, path in paths.items():
            size = len((await client.get(path)).content)
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                response = await client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            p50, worst = statistics.median(times), max(times)
            print(f"{name:22} p50 {p50:8.1f} ms   max {worst:8.1f} ms   {size / 1024:7.0f} KB")


def main() -> None:
    """Build (or reuse) the corpus and its embedded graph, then time the pages."""
    parser = argparse.ArgumentParser(description="explorer page latency")
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    extractions = build_extractions(args.reports)
    region = busiest_region(extractions)
    with MemoryStore(prepare_memory(extractions)) as store:
        print(f"explorer pages on the embedded store of {args.reports} synthetic reports")
        asyncio.run(measure(store, pages(store, region), args.runs))


if __name__ == "__main__":
    main()
