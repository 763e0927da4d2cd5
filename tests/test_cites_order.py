"""The CITES sort keys of the Neo4j store (graph.cites_order): right after every write that
changes what they encode, and the pages read through them equal the embedded store's."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import pytest

from config.settings import Settings
from graph import cites_order, cypher
from graph.cites_order import BY_REGION, NEWEST, order_keys
from graph.memory import MemoryStore
from graph.model import Label
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from ingest.model import Extraction
from queries import run_query
from tests import store_fixtures as fx
from tests.neo4j_server import server_rows

YEAR_RANGES = [(None, None), (2019, None), (None, 2019), (2020, 2021), (2022, None)]
REGION_FILTERS: list[dict[str, Any]] = [{}, {"level": "county"}, {"province_code": "420300"}]


@pytest.fixture
def neo4j(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    with Neo4jStore(neo4j_settings) as opened:
        opened.clear()
        yield opened


def assert_keys_right(settings: Settings) -> None:
    """Every CITES carries exactly the keys its report and policy give it now."""
    rows = server_rows(
        settings,
        "MATCH (a:Report)-[c:CITES]->(b:Policy) RETURN a.id AS id, a.year AS year, "
        f"a.region_code AS region_code, b.id AS policy, c.{BY_REGION} AS by_region, "
        f"c.{NEWEST} AS newest",
    )
    assert rows
    for row in rows:
        stored = {BY_REGION: row["by_region"], NEWEST: row["newest"]}
        expected = order_keys(row["policy"], row)
        assert {k: v for k, v in stored.items() if v is not None} == expected, row


def assert_pages_agree(memory: GraphStore, neo4j: GraphStore) -> None:
    """Both queries read through the keys, whole and a row at a time, in every year range."""
    policies = [node.key for node in memory.find_nodes(Label.POLICY, limit=1000).items]
    assert policies
    for policy in policies:
        for year_from, year_to in YEAR_RANGES:
            years = {"year_from": year_from, "year_to": year_to}
            for region in REGION_FILTERS:
                asked = {"policy": policy, **region}
                asked |= {k: v for k, v in years.items() if v is not None}
                assert_regions_agree(memory, neo4j, asked)
            for province in (None, "42", "11"):
                for offset in range(3):
                    page: dict[str, Any] = {"limit": 1, "offset": offset, "province": province}
                    page |= years
                    cited = memory.citations([policy], **page)
                    assert neo4j.citations([policy], **page) == cited, (policy, page)


def assert_regions_agree(memory: GraphStore, neo4j: GraphStore, asked: dict[str, Any]) -> None:
    """The whole answer, and when no region filter reads on, each row as a page of one."""
    whole = run_query(memory, "regions_citing_policy", asked)
    assert run_query(neo4j, "regions_citing_policy", asked) == whole, asked
    paged = asked.keys() <= {"policy", "year_from", "year_to"}
    for offset in range(len(whole) + 1 if paged else 0):
        page = {**asked, "limit": 1, "offset": offset}
        assert run_query(neo4j, "regions_citing_policy", page) == whole[offset : offset + 1]


def write_both(neo4j: Neo4jStore, extractions: Sequence[Extraction]) -> MemoryStore:
    memory = MemoryStore(None, evidence_cap=3)
    for extraction in extractions:
        assert memory.upsert_report(extraction).status == neo4j.upsert_report(extraction).status
    return memory


def corpus() -> list[Extraction]:
    """The fixture reports, one of them with no known year and one with no region code."""
    no_year = replace(fx.report_b(), report=replace(fx.report_b().report, year=None))
    no_region = replace(
        fx.report_c(), report=replace(fx.report_c().report, region_code=None, region=None)
    )
    return [fx.report_a(), no_year, no_region]


def test_keys_encode_the_query_orders() -> None:
    early = order_keys("p", {"id": "r2", "year": 2019, "region_code": "420304"})
    late = order_keys("p", {"id": "r1", "year": 2020, "region_code": "420304"})
    unknown = order_keys("p", {"id": "r0", "region_code": "420304"})
    longer_code = order_keys("p", {"id": "r0", "year": 2019, "region_code": "420304001"})
    assert early[BY_REGION] < longer_code[BY_REGION] < late[BY_REGION] < unknown[BY_REGION]
    assert late[NEWEST] < early[NEWEST] < unknown[NEWEST]
    assert BY_REGION not in order_keys("p", {"id": "r3", "year": 2019})


def test_keys_are_written_and_never_read_back(neo4j: Neo4jStore, neo4j_settings: Settings) -> None:
    memory = write_both(neo4j, corpus())
    assert_keys_right(neo4j_settings)
    assert neo4j.dump() == memory.dump()  # no key among the properties read back
    assert_pages_agree(memory, neo4j)


def test_keys_follow_a_replaced_report(neo4j: Neo4jStore, neo4j_settings: Settings) -> None:
    later = replace(fx.report_a(), report=replace(fx.report_a().report, year=2022))
    changed = replace(
        fx.report_a_changed(), report=replace(fx.report_a_changed().report, year=None)
    )
    memory = write_both(neo4j, [*corpus(), later])  # same text, new facts: replaced in place
    assert_keys_right(neo4j_settings)
    assert_pages_agree(memory, neo4j)
    assert memory.upsert_report(changed).status == neo4j.upsert_report(changed).status
    assert_keys_right(neo4j_settings)
    assert_pages_agree(memory, neo4j)


def test_keys_follow_a_policy_merge(neo4j: Neo4jStore, neo4j_settings: Settings) -> None:
    # report C cites the provincial plan by 文号 alone; B, written after, gives its title
    memory = write_both(neo4j, [fx.report_c(), fx.report_b()])
    number_only = neo4j.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN_NUMBER])
    assert number_only == [None]  # merged into the titled policy, its citations moved
    assert_keys_right(neo4j_settings)
    assert_pages_agree(memory, neo4j)


def test_an_older_database_is_keyed_at_open(
    neo4j: Neo4jStore, neo4j_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    memory = write_both(neo4j, [*corpus(), fx.report_a_changed()])
    server_rows(neo4j_settings, f"MATCH ()-[c:CITES]->() REMOVE c.{BY_REGION}, c.{NEWEST}")
    server_rows(
        neo4j_settings,
        f"MATCH (m:{cypher.MARKER_LABEL} {{name: '{cites_order.MARKER}'}}) DELETE m",
    )
    with caplog.at_level(logging.INFO, logger="graph.neo4j_store"):
        reopened = Neo4jStore(neo4j_settings.model_copy(update={"write_batch_size": 1}))
    with reopened:
        assert "CITES sort keys written for 3 reports" in caplog.text  # a page at a time
        assert_keys_right(neo4j_settings)
        assert_pages_agree(memory, reopened)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="graph.neo4j_store"), Neo4jStore(neo4j_settings):
        assert "CITES sort keys" not in caplog.text  # marked: keyed once
