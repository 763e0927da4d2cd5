"""The citation aggregates the Neo4j store keeps at write time (graph/neo4j_tallies.py) equal a
full recount from the graph, after new, replaced and deleted reports, a policy merge, and when
a database written without them is opened (backfill). Needs the real Neo4j server."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from config.settings import Settings
from graph import cypher
from graph.neo4j_store import Neo4jStore
from graph.neo4j_tallies import AGGREGATES_VERSION, Current, report_snapshots, updated_tallies
from graph.store import Edge, Node
from ingest.model import Extraction, ReportMeta
from queries import policy_diffusion, similar_regions
from tests import store_fixtures as fx
from tests.neo4j_server import open_driver, server_rows

_TALLIES = ("PolicyTally", "PolicyRegionTally", "RegionYearTally", "RegionTally")


@pytest.fixture
def store(neo4j_settings: Settings) -> Iterator[Neo4jStore]:
    with Neo4jStore(neo4j_settings) as opened:
        opened.clear()
        yield opened


def canonical(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their keys sorted, in a stable order."""
    return sorted((dict(sorted(row.items())) for row in rows), key=repr)


def stored_tallies(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Every tally node's properties, by label."""
    query = "MATCH (n:{}) RETURN properties(n) AS t"
    return {
        label: canonical(row["t"] for row in server_rows(settings, query.format(label)))
        for label in _TALLIES
    }


def recount(nodes: list[Node], edges: list[Edge]) -> dict[str, list[dict[str, Any]]]:
    """The tallies counted afresh from the store's whole graph (its dump), in plain Python."""
    snapshots = report_snapshots(nodes, edges)  # the online path is what is tested
    changes = updated_tallies(Current({}, {}, {}, {}), before=[], after=snapshots)
    dropped = [
        *changes.drop_policies,
        *changes.drop_pairs,
        *changes.drop_region_years,
        *changes.drop_regions,
    ]
    assert dropped == []
    rows = {
        "PolicyTally": changes.policies,
        "PolicyRegionTally": changes.pairs,
        "RegionYearTally": changes.region_years,
        "RegionTally": changes.regions,
    }
    return {label: canonical(found) for label, found in rows.items()}


def assert_recounted(store: Neo4jStore, settings: Settings) -> None:
    expected = recount(*store.dump())
    assert expected["PolicyTally"], "nothing cited: the test would prove nothing"
    assert stored_tallies(settings) == expected


def test_aggregates_follow_new_replaced_and_deleted_reports(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    store.upsert_report(fx.report_a())
    store.upsert_report(fx.report_b())
    assert_recounted(store, neo4j_settings)
    store.upsert_report(fx.report_a_changed())  # same source: replaces report A
    assert_recounted(store, neo4j_settings)
    store.delete_report(fx.report_b().report_id)
    assert_recounted(store, neo4j_settings)


def test_aggregates_follow_a_policy_merge(store: Neo4jStore, neo4j_settings: Settings) -> None:
    store.upsert_report(fx.report_c())  # cites 鄂发〔2016〕22号 by its number only
    before = server_rows(neo4j_settings, "MATCH (t:PolicyTally) RETURN t.policy AS p")
    store.upsert_report(fx.report_b())  # names it with its title: the two policies merge
    after = server_rows(neo4j_settings, "MATCH (t:PolicyTally) RETURN t.policy AS p")
    assert {row["p"] for row in before} - {row["p"] for row in after}, "no merge happened"
    assert_recounted(store, neo4j_settings)


def test_a_batch_counts_as_reports_written_one_by_one(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    uncited = Extraction("plain.txt", "plain00000000001", "正文。", ReportMeta(title="无引用"))
    store.upsert_reports([*fx.all_reports(), uncited])  # a report citing nothing counts too
    assert_recounted(store, neo4j_settings)


def test_an_uncounted_database_gets_its_aggregates_at_open(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    store.upsert_reports(fx.all_reports())
    expected = stored_tallies(neo4j_settings)
    labels = "|".join(("ReportTally", *_TALLIES, cypher.MARKER_LABEL))
    server_rows(neo4j_settings, f"MATCH (n:{labels}) DETACH DELETE n")  # as older code left it
    assert stored_tallies(neo4j_settings) == {label: [] for label in _TALLIES}
    with Neo4jStore(neo4j_settings):
        pass
    assert stored_tallies(neo4j_settings) == expected
    marker = server_rows(neo4j_settings, cypher.AGGREGATES_VERSION_READ)
    assert marker == [{"version": AGGREGATES_VERSION}]


def test_aggregates_of_another_version_are_counted_afresh(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    store.upsert_reports(fx.all_reports())
    expected = stored_tallies(neo4j_settings)
    server_rows(neo4j_settings, "MATCH (t:PolicyTally) SET t.reports = 999")  # stale
    server_rows(neo4j_settings, cypher.AGGREGATES_VERSION_WRITE, version=AGGREGATES_VERSION - 1)
    with Neo4jStore(neo4j_settings):
        pass
    assert stored_tallies(neo4j_settings) == expected


def report_a_of(year: int, number: int) -> Extraction:
    """Report A's citations under another id, source, year and publication date."""
    a = fx.report_a()
    meta = replace(a.report, year=year, published=f"{year + 1}-0{number}-15")
    return replace(
        a, source=f"reports/a-{year}-{number}.txt", report_id=f"{year}{number:012d}", report=meta
    )


def test_deltas_follow_years_replacements_and_the_last_citer(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    years = [report_a_of(2021, 1), report_a_of(2019, 1), report_a_of(2020, 1), report_a_of(2020, 2)]
    store.upsert_reports(years[:2])  # new reports in a batch: years out of order
    store.upsert_reports([fx.report_b(), *years[2:]])  # a year between the held ones, twice
    assert_recounted(store, neo4j_settings)
    moved = replace(report_a_of(2018, 3), source=years[0].source)  # replaces the 2021 one
    store.upsert_report(moved)
    assert_recounted(store, neo4j_settings)
    for report in [moved, *years[1:]]:  # the region's citing reports go, the last one too
        store.delete_report(report.report_id)
        assert_recounted(store, neo4j_settings)
    store.delete_report(fx.report_b().report_id)  # the last citer of every policy
    assert stored_tallies(neo4j_settings) == {label: [] for label in _TALLIES}


def test_region_and_year_figures_take_a_deleted_report_back() -> None:
    first = {
        "year": 2020,
        "region_code": "r",
        "regions": ["r"],
        "policies": ["p", "q"],
        "counts": [2, 1],
        "published": "2021-03-01",
    }
    second = {**first, "policies": ["p"], "counts": [5], "published": "not a date"}
    both = updated_tallies(Current({}, {}, {}, {}), before=[], after=[first, second])
    held = Current(
        {row["policy"]: row for row in both.policies},
        {(row["policy"], row["region"]): row for row in both.pairs},
        {(row["region"], row["year"]): row for row in both.region_years},
        {row["region"]: row for row in both.regions},
    )
    left = updated_tallies(held, before=[first], after=[])
    assert left.policies == [{"policy": "p", "reports": 1, "mentions": 5, "regions": 1}]
    assert left.drop_policies == ["q"]
    assert left.drop_pairs == [["q", "r"]]
    assert left.region_years == [{"region": "r", "year": 2020, "reports": 1}]
    assert Counter(row["policy"] for row in left.pairs) == {"p": 1}
    assert left.regions == [{"region": "r", "policies": 1}]


def test_a_batch_merging_a_policy_its_new_reports_cite_counts_exactly(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    # report C (new) cites 鄂发〔2016〕22号 by number; B, later in the batch, names it with its
    # title: C's citation moves to the titled policy before the batch's aggregates are counted
    store.upsert_reports([fx.report_c(), fx.report_b()])
    assert_recounted(store, neo4j_settings)


def test_a_report_replaced_within_its_batch_counts_once(
    store: Neo4jStore, neo4j_settings: Settings
) -> None:
    store.upsert_reports([fx.report_a(), fx.report_b(), fx.report_a_changed()])
    assert_recounted(store, neo4j_settings)
    store.upsert_reports([fx.report_a(), fx.report_c()])  # A back, replacing the changed one
    assert_recounted(store, neo4j_settings)


@pytest.mark.parametrize("query", [policy_diffusion.CYPHER, similar_regions.CYPHER])
def test_a_policys_regions_are_sought_in_the_pair_uniqueness_index(
    store: Neo4jStore, neo4j_settings: Settings, query: str
) -> None:
    """No index on the policy alone (a write cost per pair): readers seek the (policy, region)
    uniqueness index by its first property, never scan the aggregates."""
    with open_driver(neo4j_settings) as driver, driver.session() as session:
        plan = str(session.run(f"EXPLAIN {query}").consume().plan)
    indexes = server_rows(neo4j_settings, "SHOW INDEXES YIELD name RETURN name")
    assert "fazhi_policy_region_tally_policy" not in {row["name"] for row in indexes}
    assert "PolicyRegionTally(policy, region) WHERE policy = " in plan, plan
    assert "NodeByLabelScan" not in plan, plan
