"""Every named query on both stores, after ingesting the same fixture reports: identical rows,
and the expected content. Also the ``fazhi query`` command on a saved embedded store.

Fixture reports (``tests/store_fixtures.py``): A = 郧阳区 2019, B = 房县 2019, C = 十堰市 2020,
all in 湖北 ⊃ 十堰.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cli.query import register
from config.settings import Settings
from graph.memory import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from queries import QUERIES, run_query
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import (
    CITY_PLAN,
    LAW,
    LOOSE_NUMBER,
    NESTING_PLAN,
    NOTICE,
    OWN_PLAN,
    PROVINCE_PLAN,
    all_reports,
)

A, B, C = "a" * 16, "b" * 16, "c" * 16

CASES: list[tuple[str, dict[str, Any]]] = [
    ("regions_citing_policy", {"policy": f"《{PROVINCE_PLAN}》"}),
    ("regions_citing_policy", {"policy": "鄂发[2016]22号", "level": "county"}),
    ("regions_citing_policy", {"policy": "行政处罚法", "province_code": "420000", "year_to": 2019}),
    ("policies_cited_by_region", {"region": "十堰", "include_subregions": True}),
    ("policies_cited_by_region", {"region": "郧阳区", "kind": "law"}),
    ("top_cited_policies", {"limit": 2}),
    ("top_cited_policies", {"kind": "law"}),  # Neo4j: from the aggregates, filtered
    ("top_cited_policies", {"group_by": "year"}),
    ("top_cited_policies", {"group_by": "province", "level": "county"}),
    ("co_cited_policies", {"policy": LAW}),
    ("similar_regions", {"region": "420325"}),
    ("policy_diffusion", {"policy": PROVINCE_PLAN}),
    ("documents_issued_by", {"issuer": "郧阳区"}),
    ("documents_issued_by", {"issuer": "郧阳区人民政府办公室"}),
    (
        "path_between",
        {
            "from_label": "Institution",
            "from_key": "房县司法局",
            "to_label": "Program",
            "to_key": "双随机一公开",
        },
    ),
    (
        "path_between",
        {
            "from_label": "Report",
            "from_key": C,
            "to_label": "Policy",
            "to_key": NOTICE,
            "max_hops": 3,
        },
    ),
    ("search", {"text": "法治政府建设实施方案"}),
    ("search", {"text": "司法局", "labels": "Institution"}),
    ("search", {"text": "4203"}),
    ("search", {"text": "放"}),
    ("coverage", {"year": 2019, "province": "420300"}),
    ("coverage", {"year": 2020, "province": "420300", "limit": 3}),  # 十堰市 first
]


def _ingested(store: GraphStore) -> GraphStore:
    for extraction in all_reports():
        store.upsert_report(extraction)
    return store


@pytest.fixture(scope="module")
def memory() -> GraphStore:
    return _ingested(MemoryStore(data_dir=None))


@pytest.fixture(scope="module")
def neo4j(neo4j_settings: Settings) -> Iterator[GraphStore]:
    wipe_all_nodes(neo4j_settings)
    with Neo4jStore(neo4j_settings) as store:
        yield _ingested(store)
    wipe_all_nodes(neo4j_settings)


@pytest.fixture(params=["memory", "neo4j"])
def store(request: pytest.FixtureRequest) -> GraphStore:
    found: GraphStore = request.getfixturevalue(request.param)
    return found


def _case_id(case: tuple[str, dict[str, Any]]) -> str:
    return case[0] + ":" + ",".join(f"{k}={v}" for k, v in case[1].items())


def test_every_query_has_a_contract_case() -> None:
    assert {name for name, _ in CASES} == set(QUERIES)


@pytest.mark.neo4j
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_both_stores_give_identical_rows(
    case: tuple[str, dict[str, Any]], memory: GraphStore, neo4j: GraphStore
) -> None:
    name, params = case
    embedded = run_query(memory, name, params)
    served = run_query(neo4j, name, params)
    assert embedded, "a contract case must return rows"
    assert served == embedded
    assert [tuple(row) for row in served] == [QUERIES[name].columns] * len(served)


def ask(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    return run_query(store, name, params)


@pytest.mark.neo4j
def test_regions_citing_policy_by_title_or_number(store: GraphStore) -> None:
    rows = ask(store, "regions_citing_policy", policy=f"《{PROVINCE_PLAN}》")
    assert [(r["year"], r["region_code"], r["report_id"], r["count"]) for r in rows] == [
        (2019, "420304", A, 1),
        (2019, "420325", B, 1),
        (2020, "420300", C, 1),
    ]
    counties = ask(store, "regions_citing_policy", policy="鄂发[2016]22号", level="county")
    assert [r["region_name"] for r in counties] == ["郧阳区", "房县"]


@pytest.mark.neo4j
def test_policies_cited_by_region_and_subregions(store: GraphStore) -> None:
    rows = ask(store, "policies_cited_by_region", region="十堰", include_subregions=True)
    assert len(rows) == 7
    assert rows[0] == {
        "policy_id": PROVINCE_PLAN,
        "title": PROVINCE_PLAN,
        "kind": "normative_document",
        "doc_number": "鄂发〔2016〕22号",
        "reports": 3,
        "first_year": 2019,
        "last_year": 2020,
        "mentions": 3,
    }
    assert [r["policy_id"] for r in rows[1:4]] == [LAW, OWN_PLAN, CITY_PLAN]
    only_city = ask(store, "policies_cited_by_region", region="十堰市")
    assert [r["policy_id"] for r in only_city] == [LOOSE_NUMBER, PROVINCE_PLAN]


@pytest.mark.neo4j
def test_top_cited_and_co_cited(store: GraphStore) -> None:
    top = ask(store, "top_cited_policies", limit=2)
    assert [(r["policy_id"], r["regions"], r["reports"], r["mentions"]) for r in top] == [
        (PROVINCE_PLAN, 3, 3, 3),
        (LAW, 2, 2, 2),
    ]
    by_year = ask(store, "top_cited_policies", group_by="year", limit=1)
    assert [(r["group"], r["policy_id"]) for r in by_year] == [
        ("2019", LAW),
        ("2020", LOOSE_NUMBER),
    ]
    co = ask(store, "co_cited_policies", policy="《行政处罚法》")
    assert [(r["policy_id"], r["reports"], r["mentions"]) for r in co] == [
        (PROVINCE_PLAN, 2, 2),
        (OWN_PLAN, 1, 2),
        (CITY_PLAN, 1, 1),
        (NOTICE, 1, 1),
        (NESTING_PLAN, 1, 1),
    ]


@pytest.mark.neo4j
def test_similar_regions_and_diffusion(store: GraphStore) -> None:
    similar = ask(store, "similar_regions", region="房县")
    assert [(r["region_code"], r["shared"], r["jaccard"]) for r in similar] == [
        ("420304", 2, 1 / 3),
        ("420300", 1, 1 / 3),
    ]
    steps = ask(store, "policy_diffusion", policy="鄂发〔2016〕22号")
    assert steps == [
        {
            "year": 2019,
            "citing_regions": 2,
            "new_regions": 2,
            "cumulative_regions": 2,
            "regions": ["420304", "420325"],
        },
        {
            "year": 2020,
            "citing_regions": 1,
            "new_regions": 1,
            "cumulative_regions": 3,
            "regions": ["420300"],
        },
    ]


@pytest.mark.neo4j
def test_documents_issued_by(store: GraphStore) -> None:
    rows = ask(store, "documents_issued_by", issuer="郧阳区")
    assert [(r["policy_id"], r["year"]) for r in rows] == [
        (NOTICE, 2019),
        (OWN_PLAN, None),
        (NESTING_PLAN, None),
    ]
    assert rows[0]["institutions"] == ["郧阳区人民政府办公室"]
    assert rows[0]["regions"] == ["420304"]


@pytest.mark.neo4j
def test_path_between_breaks_ties_alike(store: GraphStore) -> None:
    rows = ask(
        store,
        "path_between",
        from_label="Institution",
        from_key="房县司法局",
        to_label="Program",
        to_key="双随机一公开",
    )
    assert [(r["label"], r["key"], r["rel"]) for r in rows] == [
        ("Institution", "房县司法局", None),
        ("Region", "420325", "IN_REGION"),
        ("Region", "420300", "PART_OF"),
        ("Report", A, "MENTIONS"),
        ("Program", "双随机一公开", "MENTIONS"),
    ]
    assert (
        ask(
            store,
            "path_between",
            from_label="Report",
            from_key=C,
            to_label="Policy",
            to_key=NOTICE,
            max_hops=2,
        )
        == []
    )


@pytest.mark.neo4j
def test_search_is_substring_in_both(store: GraphStore) -> None:
    plans = ask(store, "search", text="法治政府建设实施方案")
    assert [(r["label"], r["key"]) for r in plans] == [
        ("Policy", CITY_PLAN),
        ("Policy", PROVINCE_PLAN),
        ("Policy", OWN_PLAN),
        ("Policy", NESTING_PLAN),
    ]
    bureaus = ask(store, "search", text="司法局", labels=["Institution"])
    assert [r["key"] for r in bureaus] == ["十堰市司法局", "房县司法局", "郧阳区司法局"]
    assert [r["key"] for r in ask(store, "search", text="4203")] == ["420300", "420304", "420325"]


# --------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def saved_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("fazhi")
    with MemoryStore(data_dir=data_dir) as store:
        _ingested(store)
    return data_dir


def _cli(*args: str) -> Any:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Test root, so ``query`` stays a sub-command."""

    return CliRunner().invoke(app, ["query", *args])


def test_cli_prints_json_rows(saved_store: Path) -> None:
    result = _cli(
        "policy_diffusion",
        "--param",
        "policy=《湖北省法治政府建设实施方案》",
        "--json",
        "--store",
        "memory",
        "--data-dir",
        str(saved_store),
    )
    assert result.exit_code == 0, result.output
    assert [row["cumulative_regions"] for row in json.loads(result.stdout)] == [2, 3]


def test_cli_prints_a_table_and_collects_repeated_params(saved_store: Path) -> None:
    result = _cli(
        "search",
        "-p",
        "text=司法局",
        "-p",
        "labels=Institution",
        "-p",
        "labels=Region",
        "--data-dir",
        str(saved_store),
        "--store",
        "memory",
    )
    assert result.exit_code == 0, result.output
    assert "search: 3 rows" in result.stdout
    assert "房县司法局" in result.stdout


def test_cli_lists_queries_with_their_parameters() -> None:
    result = _cli("--list")
    assert result.exit_code == 0, result.output
    for name in QUERIES:
        assert name in result.stdout
    assert "max_hops" in result.stdout


def test_cli_names_a_bad_parameter(saved_store: Path) -> None:
    result = _cli(
        "regions_citing_policy",
        "-p",
        "policy=x",
        "-p",
        "year_from=soon",
        "--data-dir",
        str(saved_store),
    )
    assert result.exit_code == 2
    assert "parameter 'year_from'" in result.stderr
    unknown = _cli("nope", "--data-dir", str(saved_store))
    assert unknown.exit_code == 2
    assert "valid names: co_cited_policies" in unknown.stderr
    malformed = _cli("search", "-p", "text", "--data-dir", str(saved_store))
    assert malformed.exit_code == 2
    assert "'text' is not key=value" in malformed.output
