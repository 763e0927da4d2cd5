"""The GraphStore contract, run against both stores: same reports in → same graph, same answers.

The Neo4j store runs against the live server of the ``neo4j_settings`` fixture (never skipped);
each test starts from an empty database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from itertools import permutations
from pathlib import Path
from typing import Any

import pytest

import graph.resolve
from config.settings import Settings
from graph.memory import MemoryStore
from graph.model import Label, Rel
from graph.order import citation_page
from graph.store import CitationPage, Edge, GraphStore, Node, StoreError
from ingest.model import Attribution, Extraction, Provenance
from tests import store_fixtures as fx

STORES = ["memory", "neo4j"]


@pytest.fixture(scope="module")
def neo4j_store(neo4j_settings: Settings) -> Iterator[GraphStore]:
    """One Neo4j store for the module (opening creates the schema once)."""
    from graph.neo4j_store import Neo4jStore

    with Neo4jStore(neo4j_settings) as store:
        yield store


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if request.param == "memory":
        with MemoryStore(tmp_path / "data") as memory:
            yield memory
        return
    neo4j: GraphStore = request.getfixturevalue("neo4j_store")
    neo4j.clear()
    yield neo4j


def ingest(store: GraphStore, reports: list[Extraction]) -> None:
    for report in reports:
        store.upsert_report(report)


def reference_dump(reports: list[Extraction]) -> tuple[list[Node], list[Edge]]:
    """What the graph must be: the embedded store, in memory, fed in the given order."""
    reference = MemoryStore(None)
    ingest(reference, reports)
    return reference.dump()


def keys(store: GraphStore, label: Label) -> set[str]:
    return {node.key for node in store.find_nodes(label, limit=1000).items}


def edge_set(store: GraphStore, rel: Rel) -> set[tuple[str, str]]:
    return {(e.source[1], e.target[1]) for e in store.dump()[1] if e.type == rel}


# --- writes -----------------------------------------------------------------------------------
def test_dump_is_the_reference_graph(store: GraphStore) -> None:
    reports = fx.all_reports()
    ingest(store, reports)
    nodes, edges = store.dump()
    assert (nodes, edges) == reference_dump(reports)
    assert len(nodes) == 22
    assert len(edges) == 43


def test_upsert_reports_new_with_counts(store: GraphStore) -> None:
    result = store.upsert_report(fx.report_a())
    assert result.status == "new"
    assert result.replaced_id is None
    assert result.nodes_written == 15
    assert result.relationships_written == 27


@pytest.mark.parametrize("order", list(permutations("abc")), ids="".join)
def test_policy_resolution_does_not_depend_on_order(store: GraphStore, order: tuple[str]) -> None:
    by_name = {"a": fx.report_a, "b": fx.report_b, "c": fx.report_c}
    ingest(store, [by_name[name]() for name in order])
    assert store.dump() == reference_dump(fx.all_reports())
    plan = store.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN])[0]
    assert plan is not None
    assert plan.props["doc_number"] == fx.PROVINCE_PLAN_NUMBER
    assert store.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN_NUMBER]) == [None]


def test_title_then_number_then_number_alone_is_one_policy(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    citing = store.edges_of(Label.POLICY, [fx.PROVINCE_PLAN], Rel.CITES, "in")[0]
    assert [edge.source[1] for edge in citing] == ["a" * 16, "b" * 16, "c" * 16]
    assert keys(store, Label.POLICY) == {
        fx.LAW,
        fx.CITY_PLAN,
        fx.OWN_PLAN,
        fx.NOTICE,
        fx.NESTING_PLAN,
        fx.PROVINCE_PLAN,
        fx.LOOSE_NUMBER,
    }


def test_number_only_policy_merges_into_the_title_and_keeps_its_evidence(
    store: GraphStore,
) -> None:
    ingest(store, [fx.report_c(), fx.report_b()])
    [cites_from_c] = [
        e
        for e in store.edges_of(Label.POLICY, [fx.PROVINCE_PLAN], Rel.CITES, "in")[0]
        if e.source[1] == "c" * 16
    ]
    assert cites_from_c.props["count"] == 1
    assert cites_from_c.props["evidence_text"] == ["一、按照鄂发〔2016〕22号文件要求推进依法行政。"]
    plan = store.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN])[0]
    assert plan is not None
    assert plan.props["aliases"] == sorted([fx.PROVINCE_PLAN_NUMBER, fx.PROVINCE_PLAN])
    assert plan.props["year"] == 2016


def test_reingest_is_unchanged(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    before = store.dump()
    results = [store.upsert_report(report) for report in fx.all_reports()]
    assert {r.status for r in results} == {"unchanged"}
    assert all(r.nodes_written == 0 and r.relationships_written == 0 for r in results)
    assert store.dump() == before


def corrected_year(report: Extraction, year: int) -> Extraction:
    """The same text with another year, attributed to a correction."""
    meta = replace(
        report.report,
        year=year,
        year_attribution=Attribution("correction", 1.0),
        needs_review=False,
    )
    return replace(report, report=meta)


def test_same_text_with_corrected_facts_replaces_itself(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    result = store.upsert_report(corrected_year(fx.report_a(), 2018))
    assert (result.status, result.replaced_id) == ("replaced", "a" * 16)
    [report] = store.get_nodes(Label.REPORT, ["a" * 16])
    assert report is not None
    assert (report.props["year"], report.props["year_source"]) == (2018, "correction")
    assert store.upsert_report(corrected_year(fx.report_a(), 2018)).status == "unchanged"
    expected = [fx.report_b(), fx.report_c(), corrected_year(fx.report_a(), 2018)]
    assert store.dump() == reference_dump(expected)


def test_same_text_and_facts_under_another_path_is_unchanged(store: GraphStore) -> None:
    ingest(store, [fx.report_a()])
    copy = replace(fx.report_a(), source="copies/yunyang-2019.txt")
    assert store.upsert_report(copy).status == "unchanged"
    [report] = store.get_nodes(Label.REPORT, ["a" * 16])
    assert report is not None
    assert report.props["source"] == fx.report_a().source


def test_changed_source_replaces_without_stale_facts(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    result = store.upsert_report(fx.report_a_changed())
    assert (result.status, result.replaced_id) == ("replaced", "a" * 16)
    assert store.get_nodes(Label.REPORT, ["a" * 16]) == [None]
    assert keys(store, Label.POLICY) == {
        fx.LAW,
        fx.CITY_PLAN,
        fx.OWN_PLAN,
        fx.PROVINCE_PLAN,
        fx.LOOSE_NUMBER,
    }
    assert edge_set(store, Rel.IMPLEMENTS) == set()
    assert edge_set(store, Rel.ISSUED_BY) == set()
    assert "郧阳区人民政府办公室" not in keys(store, Label.INSTITUTION)
    assert "双随机一公开" not in keys(store, Label.PROGRAM)
    replaced = [fx.report_b(), fx.report_c(), fx.report_a_changed()]
    assert store.dump() == reference_dump(replaced)


def test_delete_removes_orphans_only(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    assert store.delete_report("b" * 16) is True
    assert store.delete_report("b" * 16) is False
    assert "420325" not in keys(store, Label.REGION)  # 房县: only B referred to it
    assert {"房县司法局", "房县县委县政府"}.isdisjoint(keys(store, Label.INSTITUTION))
    assert {fx.LAW, fx.PROVINCE_PLAN} <= keys(store, Label.POLICY)  # A and C still cite them
    assert "放管服" in keys(store, Label.PROGRAM)
    assert all("b" * 16 not in (e.source[1], e.target[1]) for e in store.dump()[1])
    assert store.stats().nodes == {
        "Institution": 4,
        "Policy": 7,
        "Program": 2,
        "Region": 3,
        "Report": 2,
    }
    # What B taught about a surviving policy stays: C's 文号 still resolves to its title.
    plan = store.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN])[0]
    assert plan is not None
    assert plan.props["doc_number"] == fx.PROVINCE_PLAN_NUMBER


def test_regions_stay_as_ancestors_and_go_with_the_last_reference(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    store.delete_report("a" * 16)
    store.delete_report("b" * 16)
    assert keys(store, Label.REGION) == {"420000", "420300"}  # 湖北 stays as 十堰's parent
    assert edge_set(store, Rel.PART_OF) == {("420300", "420000")}
    store.delete_report("c" * 16)
    assert store.stats().nodes == {}
    assert store.stats().relationships == {}


def test_policy_kept_alive_by_implements_only(store: GraphStore) -> None:
    nested_only = fx.report_a()
    policies = tuple(p for p in nested_only.policies if p.canonical != fx.PROVINCE_PLAN)
    nested_only = replace(nested_only, policies=policies)
    store.upsert_report(nested_only)
    assert fx.PROVINCE_PLAN in keys(store, Label.POLICY)
    assert edge_set(store, Rel.IMPLEMENTS) == {(fx.NESTING_PLAN, fx.PROVINCE_PLAN)}
    store.upsert_report(fx.report_b())
    store.delete_report("b" * 16)
    assert fx.PROVINCE_PLAN in keys(store, Label.POLICY)  # A's nesting plan implements it
    store.delete_report(nested_only.report_id)
    assert store.stats().nodes == {}


def test_deleted_policy_releases_its_aliases(store: GraphStore) -> None:
    ingest(store, [fx.report_b()])
    store.delete_report("b" * 16)
    store.upsert_report(fx.report_c())
    assert fx.PROVINCE_PLAN_NUMBER in keys(store, Label.POLICY)  # no title left to resolve to


def test_failed_write_leaves_nothing_of_the_report(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(store, [fx.report_a(), fx.report_b()])
    before = store.dump()
    written = graph.resolve.write_rows

    def write_then_fail(*args: object, **kwargs: object) -> int:
        written(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(graph.resolve, "write_rows", write_then_fail)
    with pytest.raises(StoreError, match="disk on fire"):
        store.upsert_report(fx.report_a_changed())  # replaces A: the deletion must roll back
    with pytest.raises(StoreError):
        store.upsert_report(fx.report_c())
    assert store.dump() == before
    monkeypatch.undo()
    assert store.upsert_report(fx.report_a_changed()).replaced_id == "a" * 16


BATCHES = {
    "all": lambda: fx.all_reports(),
    "number_before_title": lambda: [fx.report_c(), fx.report_b(), fx.report_a()],
    "correct_in_the_same_batch": lambda: [
        fx.report_a(),
        fx.report_b(),
        corrected_year(fx.report_a(), 2018),  # same text, corrected: replaces the first
    ],
    "replace_and_repeat": lambda: [
        fx.report_a(),
        fx.report_c(),
        fx.report_a(),  # unchanged: written earlier in the same batch
        fx.report_a_changed(),  # replaces a report of the same batch
        fx.report_b(),
        fx.report_a(),  # replaces the replacement: the source's newest text wins
    ],
}


@pytest.mark.parametrize("batch", list(BATCHES))
def test_batch_upsert_equals_one_by_one(store: GraphStore, batch: str) -> None:
    reports = BATCHES[batch]()
    results = store.upsert_reports(reports)
    one_by_one = MemoryStore(None)
    assert results == [one_by_one.upsert_report(report) for report in reports]
    assert store.dump() == one_by_one.dump()


def test_batch_upsert_after_earlier_reports_equals_one_by_one(store: GraphStore) -> None:
    ingest(store, [fx.report_c()])
    results = store.upsert_reports([fx.report_a_changed(), fx.report_b(), fx.report_c()])
    assert [r.status for r in results if not isinstance(r, StoreError)] == [
        "new",
        "new",
        "unchanged",
    ]
    assert store.dump() == reference_dump([fx.report_c(), fx.report_a_changed(), fx.report_b()])


def test_batch_failure_fails_only_the_bad_report(
    store: GraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = graph.resolve.write_rows

    def fail_for_b(tx: graph.resolve.WriteTx, nodes: list[Node], edges: list[Edge]) -> int:
        if any(node.key == "b" * 16 for node in nodes):
            raise RuntimeError("report b is cursed")
        return written(tx, nodes, edges)

    monkeypatch.setattr(graph.resolve, "write_rows", fail_for_b)
    results = store.upsert_reports(fx.all_reports())
    monkeypatch.undo()
    failed = results[1]
    assert isinstance(failed, StoreError)
    assert "b" * 16 in str(failed)
    assert "cursed" in str(failed)
    assert [r.status for r in results if not isinstance(r, StoreError)] == ["new", "new"]
    assert store.dump() == reference_dump([fx.report_a(), fx.report_c()])


def test_empty_batch_writes_nothing(store: GraphStore) -> None:
    assert store.upsert_reports([]) == []
    assert store.dump() == ([], [])


def test_clear_empties_the_store(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    store.clear()
    assert store.dump() == ([], [])
    store.upsert_report(fx.report_c())
    assert fx.PROVINCE_PLAN_NUMBER in keys(store, Label.POLICY)  # the alias index went too


# --- reads ------------------------------------------------------------------------------------
def test_stats_counts_labels_and_types(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    stats = store.stats()
    assert stats.nodes == {"Institution": 6, "Policy": 7, "Program": 2, "Region": 4, "Report": 3}
    assert stats.relationships["CITES"] == 10
    assert stats.relationships["PART_OF"] == 3
    assert "ALIAS_OF" not in stats.relationships


def test_get_nodes_in_order_asked(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    found = store.get_nodes(Label.REGION, ["420304", "999999", "420000"])
    assert [n.key if n else None for n in found] == ["420304", None, "420000"]
    assert found[0] is not None
    assert found[0].props == {
        "name": "郧阳区",
        "short_name": "郧阳",
        "full_name": "湖北省十堰市郧阳区",
        "level": "county",
        "lon": 110.81,
        "lat": 32.83,
    }


def test_edges_of_ordered_by_far_key(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    out, missing = store.edges_of(Label.REPORT, ["a" * 16, "zzz"], Rel.MENTIONS, "out")
    assert missing == []
    far = [edge.target for edge in out]
    assert far == sorted(far, key=lambda ref: ref[1])
    assert (Label.PROGRAM, "双随机一公开") in far
    [parents] = store.edges_of(Label.REGION, ["420300"], Rel.PART_OF, "in")
    assert [edge.source for edge in parents] == [(Label.REGION, "420304"), (Label.REGION, "420325")]


def test_find_nodes_filters_orders_and_pages(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    page = store.find_nodes(Label.REPORT, where={"year": 2019}, order_by="title", limit=1)
    assert page.total == 2
    assert [n.key for n in page.items] == ["b" * 16]  # 房县… sorts before 郧阳区…
    second = store.find_nodes(Label.REPORT, where={"year": 2019}, order_by="title", offset=1)
    assert [n.key for n in second.items] == ["a" * 16]
    untitled = store.find_nodes(Label.REPORT, where={"title": None})
    assert [n.key for n in untitled.items] == ["c" * 16]
    newest = store.find_nodes(Label.POLICY, order_by="year", descending=True, limit=3)
    assert [n.props.get("year") for n in newest.items] == [None, None, None]  # missing first
    oldest = store.find_nodes(Label.POLICY, order_by="year", limit=3)
    assert [n.props.get("year") for n in oldest.items] == [2016, 2019, 2020]
    assert store.find_nodes(Label.POLICY, descending=True, limit=1).items[0].key == fx.NESTING_PLAN


def test_find_nodes_answers_the_same_on_both_stores(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    reference = MemoryStore(None)
    ingest(reference, fx.all_reports())
    for label in Label:
        for order_by in (None, "name", "year", "kind"):
            for descending in (False, True):
                args = {"order_by": order_by, "descending": descending, "limit": 4, "offset": 1}
                assert store.find_nodes(label, **args) == reference.find_nodes(label, **args)  # type: ignore[arg-type]


def with_attributions(report: Extraction, *, needs_review: bool) -> Extraction:
    meta = replace(
        report.report,
        region_attribution=Attribution("self_reference", 0.55),
        year_attribution=Attribution("publication_date", 0.5, inferred=True),
        author_attribution=Attribution("signature", 0.9),
        needs_review=needs_review,
        doc_number="某政呈〔2021〕3号",
    )
    return replace(report, report=meta)


def test_attributions_are_stored_and_read_back_alike(store: GraphStore) -> None:
    ingest(store, [with_attributions(fx.report_a(), needs_review=True), fx.report_b()])
    [a, b] = store.get_nodes(Label.REPORT, ["a" * 16, "b" * 16])
    assert a is not None
    assert b is not None
    attribution = {k: v for k, v in a.props.items() if k.endswith(_ATTRIBUTION_PARTS)}
    assert attribution == {
        "region_source": "self_reference",
        "region_confidence": 0.55,
        "region_inferred": False,
        "year_source": "publication_date",
        "year_confidence": 0.5,
        "year_inferred": True,
        "author_source": "signature",
        "author_confidence": 0.9,
        "author_inferred": False,
    }
    assert (a.props["needs_review"], b.props["needs_review"]) == (True, False)
    assert "region_source" not in b.props
    assert (a.props["doc_number"], b.props.get("doc_number")) == ("某政呈〔2021〕3号", None)


def test_find_nodes_filters_on_needs_review(store: GraphStore) -> None:
    flagged = with_attributions(fx.report_c(), needs_review=True)
    ingest(store, [fx.report_a(), fx.report_b(), flagged])
    review = store.find_nodes(Label.REPORT, where={"needs_review": True})
    assert (review.total, [n.key for n in review.items]) == (1, ["c" * 16])
    fine = store.find_nodes(Label.REPORT, where={"needs_review": False}, order_by="source")
    assert [n.key for n in fine.items] == ["b" * 16, "a" * 16]


_ATTRIBUTION_PARTS = ("_source", "_confidence", "_inferred")


def test_ping_answers_and_changes_nothing(store: GraphStore) -> None:
    before = store.dump()
    store.ping()  # a store that does not answer raises StoreError here
    assert store.dump() == before


@pytest.mark.neo4j
def test_a_fetched_report_keeps_its_url_fetch_time_and_archive_record(store: GraphStore) -> None:
    fetched = Provenance("https://www.fx.gov.cn/r.html", "2024-04-02T08:00:00Z", "warc/a#512")
    store.upsert_report(replace(fx.report_b(), provenance=fetched))
    [report] = store.get_nodes(Label.REPORT, [fx.report_b().report_id])
    assert report is not None
    provenance = {k: report.props.get(k) for k in ("url", "fetched_at", "archive_record")}
    assert provenance == {
        "url": fetched.url,
        "fetched_at": fetched.fetched_at,
        "archive_record": fetched.archive_record,
    }


# --- a policy's citations, paged in the store --------------------------------------------------
CITATION_ASKS: list[dict[str, Any]] = [
    {"limit": 50},
    {"limit": 1},
    {"limit": 1, "offset": 1},
    {"limit": 5, "offset": 7},
    {"limit": 50, "year_from": 2020},
    {"limit": 50, "year_to": 2019},
    {"limit": 50, "province": "42"},
    {"limit": 50, "province": "11"},
]


def reference_citations(store: GraphStore, policy: str, ask: dict[str, Any]) -> CitationPage:
    """The page :func:`graph.order.citation_page` makes from the whole dump."""
    nodes, edges = store.dump()
    cites = [e for e in edges if e.type == Rel.CITES and e.target == (Label.POLICY, policy)]
    years = {n.key: n.props.get("year") for n in nodes if n.label == Label.REPORT}
    regions: dict[str, str | None] = {}
    for edge in edges:
        if edge.type == Rel.ABOUT:
            known = regions.get(edge.source[1])
            regions[edge.source[1]] = min(edge.target[1], known or edge.target[1])
    return citation_page(cites, years, regions, **ask)


def test_citations_are_paged_newest_first(store: GraphStore) -> None:
    ingest(store, fx.all_reports())
    [page, missing] = store.citations([fx.PROVINCE_PLAN, "no such policy"], limit=1)
    assert (page.total, page.years) == (3, [2020])
    assert [e.source for e in page.edges] == [(Label.REPORT, "c" * 16)]
    assert (
        page.edges[0].props
        == reference_citations(store, fx.PROVINCE_PLAN, {"limit": 1}).edges[0].props
    )
    assert missing == CitationPage([], [], 0)


@pytest.mark.parametrize("ask", CITATION_ASKS, ids=str)
def test_citations_answer_as_the_reference(store: GraphStore, ask: dict[str, Any]) -> None:
    ingest(store, fx.all_reports())
    policies = sorted(keys(store, Label.POLICY))
    expected = [reference_citations(store, policy, ask) for policy in policies]
    assert store.citations(policies, **ask) == expected
