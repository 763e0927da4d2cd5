"""The embedded store's indexes and aggregates (graph/memory_index.py) stay true to the graph.

Every named query answered from the index equals the same query scanning a copy of the graph
(which no store indexes) after new reports, a replaced report, a deleted one, a write that
failed half-way and a reload from disk; and on both stores the aggregates follow a delete and
a replacement (most cited, search, diffusion).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import graph.resolve
from config.settings import Settings
from graph.memory import MemoryStore
from graph.memory_index import index_of
from graph.model import Label
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore, StoreError
from queries import QUERIES, run_query
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import LAW, PROVINCE_PLAN, all_reports, report_a_changed, report_b
from tests.test_queries_contract import CASES


def scanned(store: MemoryStore, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """The query's rows read from a copy of the graph, which has no index."""
    copy = store.graph.copy()
    assert index_of(copy) is None
    query = QUERIES[name]
    return query.run_networkx(copy, query.bind(params))


# report keys (hashes) are found by a scan beside the index; the rest by the index alone;
# pages read from the kept, sorted citations and rows; a search stopping at its limit
MORE_CASES: list[tuple[str, dict[str, Any]]] = [
    ("search", {"text": "aaaa"}),
    ("search", {"text": "ab"}),
    ("search", {"text": "郧"}),
    ("search", {"text": "十", "limit": 2}),
    ("regions_citing_policy", {"policy": PROVINCE_PLAN, "offset": 1, "limit": 1}),
    ("regions_citing_policy", {"policy": PROVINCE_PLAN, "year_from": 2020}),
    ("regions_citing_policy", {"policy": LAW, "level": "county", "offset": 1}),
    ("policies_cited_by_region", {"region": "十堰", "include_subregions": True, "offset": 2}),
    ("documents_issued_by", {"issuer": "郧阳区", "limit": 1}),
    ("coverage", {"year": 2019, "province": "420300", "offset": 2, "limit": 3}),
    ("coverage", {"year": 2020, "level": "prefecture", "province": "420000"}),
    ("co_cited_policies", {"policy": PROVINCE_PLAN, "limit": 1}),
    ("similar_regions", {"region": "郧阳区", "limit": 1}),
]


def assert_index_agrees(store: MemoryStore) -> None:
    assert index_of(store.graph) is not None
    for name, params in [*CASES, *MORE_CASES]:
        assert run_query(store, name, params) == scanned(store, name, params), (name, params)


def test_indexed_answers_equal_a_scan_after_every_kind_of_write(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path)
    for extraction in all_reports():
        store.upsert_report(extraction)
    assert_index_agrees(store)
    assert run_query(store, "search", {"text": "aaaa"})[0]["key"] == "a" * 16
    assert store.upsert_report(report_a_changed()).status == "replaced"
    assert_index_agrees(store)
    assert store.delete_report(report_b().report_id)
    assert_index_agrees(store)
    store.close()
    with MemoryStore(tmp_path) as reloaded:
        assert_index_agrees(reloaded)
        reloaded.clear()
        assert run_query(reloaded, "top_cited_policies", {}) == []
        assert run_query(reloaded, "search", {"text": "法"}) == []


def test_a_failed_write_leaves_the_aggregates_as_they_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = MemoryStore(None)
    for extraction in all_reports()[:2]:
        store.upsert_report(extraction)
    before = {name: run_query(store, name, params) for name, params in CASES}
    written = graph.resolve.write_rows

    def write_then_fail(*args: object, **kwargs: object) -> int:
        written(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(graph.resolve, "write_rows", write_then_fail)
    with pytest.raises(StoreError, match="disk on fire"):
        store.upsert_report(report_a_changed())  # replaces A: its deletion is rolled back too
    monkeypatch.undo()
    assert {name: run_query(store, name, params) for name, params in CASES} == before
    assert_index_agrees(store)


# --- both stores: the aggregates follow deletes and replacements ---------------------------


@pytest.fixture
def memory() -> GraphStore:
    return MemoryStore(data_dir=None)


@pytest.fixture
def neo4j(neo4j_settings: Settings) -> Iterator[GraphStore]:
    wipe_all_nodes(neo4j_settings)
    with Neo4jStore(neo4j_settings) as store:
        yield store
    wipe_all_nodes(neo4j_settings)


@pytest.fixture(params=["memory", "neo4j"])
def store(request: pytest.FixtureRequest) -> GraphStore:
    found: GraphStore = request.getfixturevalue(request.param)
    return found


def top(store: GraphStore) -> list[tuple[str, int, int, int]]:
    rows = run_query(store, "top_cited_policies", {"limit": 3})
    return [(r["policy_id"], r["regions"], r["reports"], r["mentions"]) for r in rows]


@pytest.mark.neo4j
def test_aggregates_follow_a_delete_and_a_replacement(store: GraphStore) -> None:
    for extraction in all_reports():
        store.upsert_report(extraction)
    assert top(store)[:2] == [(PROVINCE_PLAN, 3, 3, 3), (LAW, 2, 2, 2)]
    assert store.delete_report(report_b().report_id)
    assert top(store)[0] == (PROVINCE_PLAN, 2, 2, 2)
    assert "420325" not in {
        code
        for step in run_query(store, "policy_diffusion", {"policy": PROVINCE_PLAN})
        for code in step["regions"]
    }
    assert run_query(store, "search", {"text": "房县", "labels": "Region"}) == []
    store.upsert_report(report_b())
    assert top(store)[:2] == [(PROVINCE_PLAN, 3, 3, 3), (LAW, 2, 2, 2)]
    assert [r["key"] for r in run_query(store, "search", {"text": "房县", "labels": "Region"})] == [
        "420325"
    ]


def breadth_first_path(store: MemoryStore, start: str, end: str, cutoff: int) -> list[str]:
    """The path the embedded path_between gave before it grew from both ends: distances to
    ``end`` of everything within ``cutoff``, then the greedy walk from ``start``."""
    undirected = store.graph.to_undirected(as_view=True)
    distance, todo = {end: 0}, [end]
    while todo:
        here = todo.pop(0)
        for near in undirected[here] if distance[here] < cutoff else ():
            if near not in distance:
                distance[near] = distance[here] + 1
                todo.append(near)
    if start not in distance:
        return []
    path = [start]
    while path[-1] != end:
        here = path[-1]
        path.append(min(n for n in undirected[here] if distance.get(n) == distance[here] - 1))
    return path


@pytest.mark.parametrize("cutoff", [1, 2, 4])
def test_path_between_grown_from_both_ends_equals_one_from_the_end(cutoff: int) -> None:
    store = MemoryStore(None)
    for extraction in all_reports():
        store.upsert_report(extraction)
    nodes = sorted(store.graph.nodes)
    found = 0
    for start in nodes[::3]:
        for end in nodes[1::4]:
            if start == end:
                continue
            (from_label, from_key), (to_label, to_key) = (n.split(":", 1) for n in (start, end))
            rows = run_query(
                store,
                "path_between",
                {
                    "from_label": from_label,
                    "from_key": from_key,
                    "to_label": to_label,
                    "to_key": to_key,
                    "max_hops": cutoff,
                },
            )
            path = [f"{row['label']}:{row['key']}" for row in rows]
            assert path == breadth_first_path(store, start, end, cutoff), (start, end)
            found += bool(path)
    assert found >= 5  # pairs joined within the cutoff were compared, not only empty answers


def test_nodes_found_by_property_follow_writes() -> None:
    store = MemoryStore(None)

    def laws() -> list[str]:
        return [n.key for n in store.find_nodes(Label.POLICY, where={"kind": "law"}).items]

    def scanned_laws() -> list[str]:
        return sorted(
            nid.split(":", 1)[1]
            for nid, attrs in store.graph.nodes(data=True)
            if attrs["label"] == Label.POLICY and attrs.get("kind") == "law"
        )

    assert laws() == []  # kept until the next write
    for extraction in all_reports():
        store.upsert_report(extraction)
    assert laws() == scanned_laws() != []
    for extraction in all_reports():
        assert store.delete_report(extraction.report_id)
    assert laws() == scanned_laws() == []


def test_a_count_alone_follows_writes() -> None:
    # find_nodes(limit=0) is how services/suggest.py tells the graph changed: counted, no page
    store = MemoryStore(None)

    def counted(label: Label) -> tuple[int, int]:
        page = store.find_nodes(label, limit=0)
        assert page.items == []
        held = sum(1 for _, attrs in store.graph.nodes(data=True) if attrs["label"] == label)
        return page.total, held

    assert counted(Label.POLICY) == (0, 0)
    for extraction in all_reports():
        store.upsert_report(extraction)
    for label in (Label.POLICY, Label.REGION, Label.INSTITUTION):
        total, held = counted(label)
        assert total == held > 0
        assert store.find_nodes(label, limit=held + 1).total == held
    assert store.delete_report(report_b().report_id)
    total, held = counted(Label.INSTITUTION)
    assert total == held
