"""The ``coverage`` query on both stores, on a fixture graph of 十堰's counties: regions with and
without a report, on time and late, undated, and the deadline rule before and after 2019.

Reports (year reported on → published): 郧阳区 2023 twice (2024-03-28, 2024-04-10: the first
counts), 房县 2023 (2024-05-06, late), 竹山县 2023 (no date), 十堰市 2022 only, 郧阳区 2017
(2018-04-01: late, first quarter then), 郧阳区 2019 (2020-04-01: on time, by 1 April).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from config.settings import Settings, get_settings
from graph.memory import MemoryStore
from graph.neo4j_store import Neo4jStore
from graph.store import GraphStore
from ingest.model import Extraction, ReportMeta
from queries import run_query
from queries.coverage import summarize
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import FANGXIAN, HUBEI, SHIYAN, YUNYANG

ZHUSHAN = YUNYANG.__class__("420323", "竹山", "竹山县", YUNYANG.level, "420300")


def _report(key: str, code: str, year: int, published: str | None) -> Extraction:
    region = {r.code: r for r in (YUNYANG, FANGXIAN, ZHUSHAN, SHIYAN)}[code]
    return Extraction(
        source=f"https://example.gov.cn/{key}.html",
        report_id=key * 16,
        text=f"{region.full_name}{year}年法治政府建设年度报告",
        report=ReportMeta(
            region=region.full_name, region_code=code, year=year, published=published
        ),
        region_info=(HUBEI, SHIYAN, region),
    )


REPORTS = [
    _report("a", "420304", 2023, "2024-04-10"),
    _report("b", "420304", 2023, "2024-03-28"),
    _report("c", "420325", 2023, "2024-05-06"),
    _report("d", "420323", 2023, None),
    _report("e", "420300", 2022, "2023-03-01"),
    _report("f", "420304", 2017, "2018-04-01"),
    _report("g", "420304", 2019, "2020-04-01"),
]


def _ingested(store: GraphStore) -> GraphStore:
    for extraction in REPORTS:
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


def coverage(store: GraphStore, **params: Any) -> dict[str, dict[str, Any]]:
    return {row["region_code"]: row for row in run_query(store, "coverage", params)}


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "params",
    [{"year": 2023, "province": "420300"}, {"year": 2017, "level": "county"}, {"year": 2019}],
    ids=str,
)
def test_both_stores_give_identical_rows(
    params: dict[str, Any], memory: GraphStore, neo4j: GraphStore
) -> None:
    assert run_query(neo4j, "coverage", params) == run_query(memory, "coverage", params)


@pytest.mark.neo4j
def test_regions_with_and_without_reports_on_time_and_late(store: GraphStore) -> None:
    rows = coverage(store, year=2023, province="420300", level="county")
    assert len(rows) == 8  # 十堰's counties in 2023
    assert rows["420304"] == {
        "region_code": "420304",
        "region_name": "郧阳区",
        "level": "county",
        "province_code": "420000",
        "reports": 2,
        "first_published": "2024-03-28",
        "on_time": True,
        "delay_days": 87,
    }
    assert (rows["420325"]["on_time"], rows["420325"]["delay_days"]) == (False, 126)
    assert (rows["420323"]["reports"], rows["420323"]["on_time"]) == (1, None)
    assert rows["420302"]["reports"] == 0  # 茅箭区: nothing published
    assert summarize(rows.values()) == {
        "regions": 8,
        "with_report": 3,
        "without_report": 5,
        "on_time": 1,
        "late": 1,
        "undated": 1,
        "median_delay_days": 106.5,
    }


@pytest.mark.neo4j
def test_deadline_is_first_quarter_before_2019_and_1_april_after(store: GraphStore) -> None:
    assert coverage(store, year=2017, province="420304")["420304"]["on_time"] is False
    assert coverage(store, year=2019, province="420304")["420304"]["on_time"] is True


@pytest.mark.neo4j
def test_a_report_of_another_year_does_not_cover(store: GraphStore) -> None:
    assert coverage(store, year=2023, province="420300")["420300"]["reports"] == 0


def test_provinces_expected_are_the_mainland_31() -> None:
    rows = run_query(MemoryStore(data_dir=None), "coverage", {"year": 2023, "level": "province"})
    assert len(rows) == 31
    assert not {"710000", "810000", "820000"} & {row["region_code"] for row in rows}


async def test_graphql_lists_the_regions_and_counts_them_up(memory: GraphStore) -> None:
    query = """{ coverage(year: 2023, level: county, province: "420300") { regionCode onTime }
                 coverageSummary(year: 2023, level: county, province: "420300") {
                   withReport withoutReport onTime late undated medianDelayDays } }"""
    app = create_app(get_settings(api_graphiql=False), store=memory)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = (await client.post("/graphql", json={"query": query})).json()
    assert "errors" not in answer, answer
    on_time = {row["regionCode"]: row["onTime"] for row in answer["data"]["coverage"]}
    assert (len(on_time), on_time["420304"], on_time["420325"]) == (8, True, False)
    assert answer["data"]["coverageSummary"] == {
        "withReport": 3,
        "withoutReport": 5,
        "onTime": 1,
        "late": 1,
        "undated": 1,
        "medianDelayDays": 106.5,
    }
