"""Answers Neo4j keeps until the next write (graph/neo4j_kept.py): read while nothing was
written, computed afresh after a new, a replaced or a deleted report and a policy merge, and
then equal to the embedded store's. Needs the real Neo4j server.

To tell a kept answer from a computed one, the kept rows are overwritten in the database:
asking again must return the overwritten rows (they are read), and asking after a write must
not (they are computed again)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from config.settings import Settings
from graph import neo4j_kept
from graph.memory import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from queries import QUERIES, run_query
from tests import store_fixtures as fx
from tests.neo4j_server import server_rows

ASKS: list[tuple[str, dict[str, Any]]] = [
    ("co_cited_policies", {"policy": fx.LAW}),
    ("co_cited_policies", {"policy": fx.PROVINCE_PLAN, "limit": 2}),
    ("similar_regions", {"region": fx.YUNYANG.code}),
    ("similar_regions", {"region": fx.SHIYAN.code}),
    ("policy_diffusion", {"policy": fx.PROVINCE_PLAN}),
    ("coverage", {"year": 2019, "province": fx.SHIYAN.code}),
    ("coverage", {"year": 2019, "level": "county", "offset": 1, "limit": 2}),
]
MARKED = [{"kept": "rows read from the database"}]


@pytest.fixture
def stores(neo4j_settings: Settings) -> Iterator[tuple[Neo4jStore, MemoryStore]]:
    with Neo4jStore(neo4j_settings) as opened:
        opened.clear()
        yield opened, MemoryStore(None)


def answers(store: GraphStore) -> list[list[dict[str, Any]]]:
    return [run_query(store, name, params) for name, params in ASKS]


def mark_kept_answers(settings: Settings) -> None:
    server_rows(
        settings, f"MATCH (k:{neo4j_kept.LABEL}) SET k.rows = $rows", rows=json.dumps(MARKED)
    )


def assert_kept_until(
    stores: tuple[Neo4jStore, MemoryStore], settings: Settings, write: Callable[[GraphStore], Any]
) -> None:
    """The answers are kept (asked again, the marked rows come back); after ``write`` on both
    stores they are the embedded store's."""
    neo4j, memory = stores
    assert answers(neo4j) == answers(memory)
    mark_kept_answers(settings)
    assert answers(neo4j) == [MARKED] * len(ASKS)
    write(neo4j)
    write(memory)
    expected = answers(memory)
    assert any(expected), "nothing to answer: the test would prove nothing"
    assert answers(neo4j) == expected


def test_the_kept_queries_are_the_slow_ones() -> None:
    kept = {name for name, query in QUERIES.items() if query.kept}
    assert kept == {name for name, _ in ASKS}


def test_kept_answers_follow_new_replaced_and_deleted_reports(
    stores: tuple[Neo4jStore, MemoryStore], neo4j_settings: Settings
) -> None:
    for store in stores:
        store.upsert_report(fx.report_a())
    assert_kept_until(stores, neo4j_settings, lambda s: s.upsert_report(fx.report_b()))
    assert_kept_until(stores, neo4j_settings, lambda s: s.upsert_report(fx.report_a_changed()))
    assert_kept_until(stores, neo4j_settings, lambda s: s.delete_report(fx.report_b().report_id))
    assert_kept_until(stores, neo4j_settings, lambda s: s.upsert_reports(fx.all_reports()))


def test_kept_answers_follow_a_policy_merge(
    stores: tuple[Neo4jStore, MemoryStore], neo4j_settings: Settings
) -> None:
    for store in stores:
        store.upsert_reports([fx.report_a(), fx.report_c()])  # C: the plan by its 文号 only
    # B names the plan by title and 文号: the two policy nodes merge into one
    assert_kept_until(stores, neo4j_settings, lambda s: s.upsert_report(fx.report_b()))


def test_answers_of_past_generations_are_dropped(
    stores: tuple[Neo4jStore, MemoryStore], neo4j_settings: Settings
) -> None:
    neo4j, _ = stores
    neo4j.upsert_reports(fx.all_reports())
    for _ in range(3):
        answers(neo4j)
        neo4j.forget_kept_answers()
    answers(neo4j)
    kept = server_rows(neo4j_settings, f"MATCH (k:{neo4j_kept.LABEL}) RETURN k.generation AS g")
    marker = "MATCH (m:FazhiSchema {name: 'generation'}) RETURN m.value AS g"
    [generation] = server_rows(neo4j_settings, marker)
    assert [row["g"] for row in kept] == [generation["g"]] * len(ASKS)
