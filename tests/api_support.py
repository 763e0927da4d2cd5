"""Helpers for the API tests: stores filled with test reports, a store proxy that counts (and can
slow down or break) calls, synthetic reports in any number, and a GraphQL POST helper.

Example:
    >>> store = CountingStore(filled_memory_store())
    >>> _ = store.get_nodes(Label.REGION, ["420304"])
    >>> store.calls["get_nodes"]
    1
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import httpx
import pytest

from api.app import create_app
from config.settings import Settings, get_settings
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.model import Label, Rel
from graph.store import (
    CitationPage,
    Direction,
    Edge,
    GraphStats,
    GraphStore,
    Node,
    Page,
    QuerySpec,
    StoreError,
    UpsertResult,
)
from ingest.model import Extraction, Mention, PolicyRef, RegionInfo, ReportMeta
from ingest.vocabulary import PolicyKind, RegionLevel
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import all_reports

READS = ("ping", "stats", "get_nodes", "edges_of", "find_nodes", "citations", "run", "dump")


def filled_memory_store(reports: Sequence[Extraction] | None = None) -> MemoryStore:
    """An in-memory store holding ``reports`` (default: the store fixtures A, B and C)."""
    store = MemoryStore(data_dir=None)
    for extraction in reports if reports is not None else all_reports():
        store.upsert_report(extraction)
    return store


@pytest.fixture(
    name="store", scope="module", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)]
)
def abc_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A real store of each kind holding reports A, B and C (import it into a test module)."""
    if request.param == "memory":
        yield filled_memory_store()
        return
    settings: Settings = request.getfixturevalue("neo4j_settings")
    wipe_all_nodes(settings)
    with open_store(settings) as neo4j:
        for extraction in all_reports():
            neo4j.upsert_report(extraction)
        yield neo4j
        neo4j.clear()


class CountingStore:
    """A real store behind a proxy that counts read calls, and can delay or fail them."""

    def __init__(
        self,
        inner: GraphStore,
        *,
        delay_s: float = 0.0,
        fail_with: Exception | None = None,
    ) -> None:
        self.inner = inner
        self.calls: Counter[str] = Counter()
        self.delay_s = delay_s
        self.fail_with = fail_with

    @property
    def round_trips(self) -> int:
        """Read calls made so far."""
        return sum(self.calls[name] for name in READS)

    def _count(self, name: str) -> None:
        self.calls[name] += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.fail_with is not None:
            raise self.fail_with

    def upsert_report(self, extraction: Extraction) -> UpsertResult:
        return self.inner.upsert_report(extraction)

    def upsert_reports(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        return self.inner.upsert_reports(extractions)

    def delete_report(self, report_id: str) -> bool:
        return self.inner.delete_report(report_id)

    def clear(self) -> None:
        self.inner.clear()

    def ping(self) -> None:
        self._count("ping")
        self.inner.ping()

    def stats(self) -> GraphStats:
        self._count("stats")
        return self.inner.stats()

    def get_nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        self._count("get_nodes")
        return self.inner.get_nodes(label, keys)

    def edges_of(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> list[list[Edge]]:
        self._count("edges_of")
        return self.inner.edges_of(label, keys, rel, direction)

    def find_nodes(
        self,
        label: Label,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        self._count("find_nodes")
        return self.inner.find_nodes(
            label, where=where, order_by=order_by, descending=descending, limit=limit, offset=offset
        )

    def citations(self, policies: Sequence[str], **page: Any) -> list[CitationPage]:
        self._count("citations")
        return self.inner.citations(policies, **page)

    def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        self._count("run")
        return self.inner.run(query, params)

    def dump(self) -> tuple[list[Node], list[Edge]]:
        self._count("dump")
        return self.inner.dump()

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


UNREACHABLE = StoreError("cannot reach Neo4j at bolt://127.0.0.1:1 (connection refused)")

PROVINCE = RegionInfo("990000", "测试", "测试省", RegionLevel.PROVINCE, None)
CITY = RegionInfo("990100", "甲", "甲市", RegionLevel.PREFECTURE, "990000")


def synthetic_reports(count: int, policies_each: int = 5) -> list[Extraction]:
    """``count`` reports, each about its own county of 甲市 (a made-up province), each citing
    ``policies_each`` of a shared pool of policies (so policies have many citations)."""
    return [synthetic_report(i, policies_each) for i in range(count)]


def synthetic_report(index: int, policies_each: int) -> Extraction:
    """One synthetic report (see :func:`synthetic_reports`)."""
    county = RegionInfo(
        f"9901{index + 1:02d}", f"县{index}", f"县{index}县", RegionLevel.COUNTY, "990100"
    )
    titles = [f"测试条例第{(index + j) % (policies_each * 2)}号" for j in range(policies_each)]
    text = f"{county.full_name}{2020 + index % 4}年法治政府建设情况。"
    refs = []
    for title in titles:
        start = len(text) + 2
        text += f"学习《{title}》。"
        refs.append(
            PolicyRef(title, title, PolicyKind.OTHER, (Mention(start, start + len(title) + 2),))
        )
    return Extraction(
        source=f"synthetic/{index}.txt",
        report_id=f"synthetic{index:06d}",
        text=text,
        report=ReportMeta(region=county.full_name, region_code=county.code, year=2020 + index % 4),
        policies=tuple(refs),
        region_info=(PROVINCE, CITY, county),
    )


async def post_graphql(
    client: httpx.AsyncClient, query: str, variables: Mapping[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    """POST a query to ``/graphql``: the HTTP status and the JSON body."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    body: dict[str, Any] = response.json()
    return response.status_code, body


def graphql_body(store: GraphStore, query: str) -> dict[str, Any]:
    """The body of one GraphQL request to a fresh app over ``store`` (from sync tests)."""

    async def ask() -> dict[str, Any]:
        app = create_app(get_settings(api_graphiql=False), store=store)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return (await post_graphql(client, query))[1]

    return asyncio.run(ask())


def error_messages(body: Mapping[str, Any]) -> list[str]:
    """The messages of a GraphQL response's errors."""
    return [str(error["message"]) for error in body.get("errors") or []]
