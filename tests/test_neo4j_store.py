"""The Neo4j store beyond the contract: connection errors, schema, the alias index, Cypher text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

import networkx as nx
import pytest
from neo4j import ManagedTransaction
from pydantic import SecretStr

from bench.stores import reference_rows
from config.settings import Settings
from graph import cypher
from graph.memory import MemoryStore
from graph.model import Label, Rel
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore, StoreError
from tests import store_fixtures as fx
from tests.neo4j_server import server_rows
from tests.test_store_contract import BATCHES


@pytest.fixture
def store(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    with Neo4jStore(neo4j_settings) as opened:
        opened.clear()
        yield opened


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", "bolt://10.255.255.1:7687"])
def test_unreachable_server_is_a_store_error_naming_the_uri(
    neo4j_settings: Settings, uri: str
) -> None:
    settings = neo4j_settings.model_copy(update={"neo4j_uri": uri, "neo4j_connect_timeout_s": 2.0})
    with pytest.raises(StoreError, match=re.escape(uri)):  # how soon: python -m bench.timeouts
        Neo4jStore(settings)


def test_wrong_password_is_a_store_error(neo4j_settings: Settings) -> None:
    wrong = neo4j_settings.model_copy(update={"neo4j_password": SecretStr("not-the-password")})
    with pytest.raises(StoreError, match="refused user"):
        Neo4jStore(wrong)


def test_schema_is_created_at_open(store: Neo4jStore, neo4j_settings: Settings) -> None:
    constraints = {row["name"] for row in server_rows(neo4j_settings, "SHOW CONSTRAINTS")}
    assert {"fazhi_policy_id", "fazhi_region_code", "fazhi_policy_alias"} <= constraints
    indexes = {row["name"]: row for row in server_rows(neo4j_settings, "SHOW INDEXES")}
    assert indexes[cypher.FULLTEXT_INDEX]["type"] == "FULLTEXT"
    assert indexes["fazhi_report_source"]["state"] == "ONLINE"


def test_fulltext_index_finds_names_by_chinese_bigrams(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    for report in fx.all_reports():
        store.upsert_report(report)
    rows = server_rows(
        neo4j_settings,
        f"CALL db.index.fulltext.queryNodes('{cypher.FULLTEXT_INDEX}', '司法局') "
        "YIELD node RETURN node.id AS id",
    )
    assert {"郧阳区司法局", "房县司法局", "十堰市司法局"} <= {row["id"] for row in rows}


def test_alias_index_lives_outside_the_model(store: Neo4jStore, neo4j_settings: Settings) -> None:
    for report in fx.all_reports():
        store.upsert_report(report)
    aliases = server_rows(
        neo4j_settings,
        f"MATCH (a:{cypher.ALIAS_LABEL})-[:{cypher.ALIAS_REL}]->(p:Policy) "
        "RETURN a.alias AS alias, p.id AS id",
    )
    assert {"alias": fx.PROVINCE_PLAN_NUMBER, "id": fx.PROVINCE_PLAN} in aliases
    assert all(row["alias"] != row["id"] for row in aliases)  # a policy's id: no alias node
    nodes, _ = store.dump()
    assert cypher.ALIAS_LABEL not in {node.label.value for node in nodes}
    assert cypher.ALIAS_REL not in store.stats().relationships


def test_write_rolls_back_when_a_statement_fails(store: Neo4jStore) -> None:
    store.upsert_report(fx.report_a())
    before = store.dump()
    shape = (Rel.CITES, Label.REPORT, Label.POLICY)
    failing = {cypher.EDGE_PARTS[(shape, new)].param for new in (True, False)}  # both fail
    parts = [  # a server error after the nodes are written
        cypher.WritePart(part.param, f"RETURN size($rows.{part.param}) / 0 AS {part.param}", "x")
        if part.param in failing
        else part
        for part in cypher.WRITE_PARTS
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cypher, "WRITE_ROWS", cypher.write_statement(parts))
        with pytest.raises(StoreError, match="could not write report"):
            store.upsert_report(fx.report_b())
    assert store.dump() == before


@pytest.mark.parametrize("batch", list(BATCHES))
def test_a_batch_sent_a_report_at_a_time_equals_one_by_one(
    neo4j_settings: Settings, batch: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each report a part of its own (its rows prefetched, resolved and sent before the next
    report's): replacements and merges between parts of one transaction, read through the
    buffer's cache and the transaction. The batch commits whole (no report is written again
    on its own after a failure) and as the reports one by one."""

    def written_alone(self: Neo4jStore, extraction: object) -> None:
        raise AssertionError(f"the batch failed and {extraction} was written on its own")

    monkeypatch.setattr(Neo4jStore, "_upsert_or_error", written_alone)
    reports = BATCHES[batch]()
    a_part_a_report = neo4j_settings.model_copy(update={"neo4j_send_every_reports": 1})
    with Neo4jStore(a_part_a_report) as store:
        store.clear()
        results = store.upsert_reports(reports)
        dump = store.dump()
    one_by_one = MemoryStore(None)
    assert results == [one_by_one.upsert_report(report) for report in reports]
    assert dump == one_by_one.dump()


class CountingQuery:
    """A QuerySpec counting Reports, in Cypher and in networkx."""

    name = "count_reports"
    cypher = "MATCH (r:Report) WHERE r.year >= $year RETURN count(r) AS reports"

    def run_networkx(
        self, graph: nx.MultiDiGraph, params: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        years = [a.get("year") for _, a in graph.nodes(data=True) if a["label"] == "Report"]
        return [{"reports": sum(1 for y in years if y is not None and y >= params["year"])}]


def test_run_answers_like_the_embedded_store(store: Neo4jStore) -> None:
    memory = MemoryStore(None)
    for report in fx.all_reports():
        store.upsert_report(report)
        memory.upsert_report(report)
    stores: list[GraphStore] = [store, memory]
    assert [s.run(CountingQuery(), {"year": 2020}) for s in stores] == [[{"reports": 1}]] * 2


class EndlessQuery(CountingQuery):
    """A QuerySpec whose Cypher would count for a very long time."""

    name = "endless"
    cypher = "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS reports"


def test_run_is_limited_by_the_store_query_timeout_not_the_api_one(
    neo4j_settings: Settings,
) -> None:
    limits = {"query_timeout_s": 0.5, "api_query_timeout_s": 600.0}
    with (
        Neo4jStore(neo4j_settings.model_copy(update=limits)) as limited,
        pytest.raises(StoreError, match="read failed"),  # how soon: python -m bench.timeouts
    ):
        limited.run(EndlessQuery(), {})


def test_statements_take_data_only_as_parameters() -> None:
    statements = [
        *(part.body for part in cypher.WRITE_PARTS),
        cypher.WRITE_ROWS,
        cypher.PREFETCH,
        cypher.REPORTS_WITH_SOURCES,
        *cypher.READ_NODES.values(),
        *cypher.EDGES_OF.values(),
        *cypher.find_nodes_statements(Label.POLICY, (("kind", False), ("year", True)), True),
        cypher.POLICY_ALIASES,
        cypher.REPORT_REACH,
        cypher.DELETE_DEAD_ENTITIES,
        cypher.DELETE_DEAD_REGIONS,
    ]
    for statement in statements:
        assert "$" in statement
        assert not re.search(r"[\u4e00-\u9fff]", statement)  # no Chinese data baked in
    assert {shape for shape, _ in cypher.EDGE_PARTS} == set(cypher.SCHEMA)
    assert {rel for rel, _, _ in cypher.SCHEMA} == set(Rel)


def test_find_nodes_names_only_plain_properties() -> None:
    with pytest.raises(ValueError, match="not a property name"):
        cypher.find_nodes_statements(Label.POLICY, (("kind) OR true //", False),), False)


def test_find_nodes_seeks_the_property_index(store: Neo4jStore) -> None:
    count, _ = cypher.find_nodes_statements(Label.POLICY, (("kind", False),), False)
    with store._driver.session(database=store._database) as session:
        plan = session.run(f"EXPLAIN {count}", w0="law").consume().plan
    assert plan is not None
    assert "NodeIndexSeek" in str(plan), plan


def test_a_batch_costs_a_few_statements_not_a_few_per_report(
    store: Neo4jStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    statements: list[str] = []
    run = ManagedTransaction.run

    def counted(tx: ManagedTransaction, query: str, *args: Any, **kwargs: Any) -> Any:
        statements.append(query)
        return run(tx, query, *args, **kwargs)

    monkeypatch.setattr(ManagedTransaction, "run", counted)
    store.upsert_reports([fx.report_a(), fx.report_b()])
    two = len(statements)
    store.clear()
    statements.clear()
    many = [replace(fx.report_c(), source=f"c{i}.txt", report_id=f"{i:016d}") for i in range(40)]
    store.upsert_reports([fx.report_a(), fx.report_b(), *many])
    assert len(statements) <= two + 2  # 40 more reports: at most more shapes, no more per report


def test_the_bench_reference_writes_the_cites_keys_the_store_keeps(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    """bench.stores' plain UNWIND … CREATE reference stores what the graph holds on a CITES,
    its sort keys included (the ratio compares like with like)."""
    reports = fx.all_reports()
    for report in reports:
        store.upsert_report(report)
    stored = server_rows(
        neo4j_settings,
        "MATCH (r:Report)-[c:CITES]->(p:Policy) "
        "RETURN r.id AS report, p.id AS policy, c._newest AS newest, c._by_region AS by_region",
    )
    _, edges = reference_rows(reports, neo4j_settings.evidence_per_relationship)
    reference = edges[(Rel.CITES, Label.REPORT, Label.POLICY)]
    compared = [row for row in stored if (row["report"], row["policy"]) in reference]
    assert compared
    for row in compared:
        props = reference[(row["report"], row["policy"])]
        assert (props["_newest"], props.get("_by_region")) == (row["newest"], row["by_region"])
