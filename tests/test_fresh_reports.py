"""graph.neo4j_tallies.FreshReports: the snapshots the client sends for reports a write
transaction created equal those graph.neo4j_tallies.report_snapshots takes from the graph the
transaction leaves (pure: the Neo4j path is tests/test_neo4j_aggregates.py)."""

from __future__ import annotations

from graph.model import Label
from graph.neo4j_tallies import FreshReports


def test_a_created_report_counts_what_was_written_to_it() -> None:
    fresh = FreshReports()
    fresh.created("r1", {"year": 2020, "published": "2021-01-02", "region_code": "420304"})
    fresh.cites("r1", "p", 2)
    fresh.cites("r1", "q", 1)
    fresh.cites("r1", "p", 3)  # written again (merged evidence): the last count holds
    fresh.about("r1", "420304")
    fresh.cites("elsewhere", "p", 1)  # not created here: not counted here
    assert fresh.snapshots() == [
        {
            "report": "r1",
            "year": 2020,
            "published": "2021-01-02",
            "region_code": "420304",
            "policies": ["p", "q"],
            "counts": [3, 1],
            "regions": ["420304"],
        }
    ]


def test_a_deleted_policy_or_region_takes_its_relationships_along() -> None:
    fresh = FreshReports()
    fresh.created("r1", {"year": 2020})
    fresh.cites("r1", "鄂发〔2016〕22号", 1)
    fresh.about("r1", "420304")
    fresh.deleted(Label.POLICY, "鄂发〔2016〕22号")  # a policy merge DETACH DELETEs it …
    fresh.cites("r1", "titled", 1)  # … and writes the citation again to the titled one
    fresh.deleted(Label.REGION, "420304")
    [snap] = fresh.snapshots()
    assert (snap["policies"], snap["counts"], snap["regions"]) == (["titled"], [1], None)


def test_a_report_deleted_in_the_transaction_is_never_fresh_again() -> None:
    fresh = FreshReports()
    fresh.created("r1", {"year": 2020})
    fresh.report_deleted("r1")  # replaced: the database counts it
    fresh.created("r1", {"year": 2021})  # written again under the same id
    fresh.created("r2", {"year": 2021})
    fresh.deleted(Label.REPORT, "r2")
    assert fresh.snapshots() == []
    assert "r1" not in fresh


def test_properties_written_again_are_the_ones_counted() -> None:
    fresh = FreshReports()
    fresh.created("r1", {"year": 2020})
    fresh.updated("r1", {"year": 2021, "region_code": "42"})
    fresh.updated("other", {"year": 1999})
    [snap] = fresh.snapshots()
    assert (snap["year"], snap["region_code"]) == (2021, "42")
