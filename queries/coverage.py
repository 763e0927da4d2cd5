"""``coverage``: which regions have a report for a year, which do not, and whether it was on time.

A question about regions that have *no* report cannot be read from the graph alone (it holds
only regions something refers to): the regions to expect come from the gazetteer, as they were
in that year (:meth:`ingest.gazetteer.Gazetteer.valid_in`), and reach the Cypher text as the
derived parameter ``$expected``. Hong Kong, Macao and Taiwan publish no such reports and are
left out.

Timeliness follows the rule in force: reports on 2019 and later are due by 1 April of the next
year (中共中央办公厅 国务院办公厅《法治政府建设与责任落实督察工作规定》, 2019, art. 25); before
that, within the first quarter (by 31 March). A region's publication date is the earliest of its
reports for the year; ``delay_days`` counts from 1 January of the next year.

Example:
    >>> QUERY.columns[:4]
    ('region_code', 'region_name', 'level', 'province_code')
    >>> deadline_for(2018), deadline_for(2023)
    ('2019-03-31', '2024-04-01')
"""

from __future__ import annotations

import functools
import statistics
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, ClassVar, TypedDict

import networkx as nx
from pydantic import Field

from graph.memory_index import index_of
from graph.model import Label, Rel, node_id
from ingest.gazetteer import load_gazetteer
from ingest.model import RegionInfo, RegionLevel
from queries.base import NamedQuery, Row
from queries.embedded import in_edges, prop
from queries.matching import Paged, RegionCode, Year

FIRST_YEAR_DUE_BY_1_APRIL = 2019
# Hong Kong, Macao, Taiwan: no 法治政府建设年度报告 to expect.
_NOT_EXPECTED_PREFIXES = ("71", "81", "82")


def deadline_for(year: int) -> str:
    """The last publication date (ISO) still on time for a report on ``year``.

    Example:
        >>> deadline_for(2019)
        '2020-04-01'
    """
    if year >= FIRST_YEAR_DUE_BY_1_APRIL:
        return f"{year + 1}-04-01"
    return f"{year + 1}-03-31"


class Params(Paged):
    """The reported year, optional filters on the regions expected to report, and the page."""

    derived_keys: ClassVar[frozenset[str]] = frozenset({"expected", "deadline", "year_end"})

    year: Year = Field(description="The year reported on, e.g. 2023.")
    level: RegionLevel | None = Field(None, description="Only regions of this level.")
    province: RegionCode | None = Field(
        None, description="Only regions with this code or lying within it (any level)."
    )

    def derived(self) -> dict[str, Any]:
        return {
            "expected": expected_regions(self.year),
            "deadline": deadline_for(self.year),
            "year_end": f"{self.year + 1}-01-01",
        }


class RegionCoverage(TypedDict):
    """One region expected to report on the year: its reports and when the first appeared."""

    region_code: str
    region_name: str
    level: str
    province_code: str
    reports: int
    first_published: str | None
    on_time: bool | None
    delay_days: int | None


class CoverageSummary(TypedDict):
    """The rows of :data:`QUERY` counted up."""

    regions: int
    with_report: int
    without_report: int
    on_time: int
    late: int
    undated: int
    median_delay_days: float | None


@functools.cache
def expected_regions(year: int) -> list[dict[str, Any]]:
    """The regions expected to report on ``year`` (the Cypher parameter ``$expected``), each
    with the codes of the regions it lies within (itself included), for the filters; by code.

    Example:
        >>> [r["name"] for r in expected_regions(2019) if "420300" in r["within"]][:3]
        ['十堰市', '茅箭区', '张湾区']
    """
    gazetteer = load_gazetteer()
    expected = [
        _expected(region, [*gazetteer.ancestors(region.code), region])
        for region in gazetteer.valid_in(year)
        if not region.code.startswith(_NOT_EXPECTED_PREFIXES)
    ]
    return sorted(expected, key=lambda region: region["code"])


def _expected(region: RegionInfo, chain: list[RegionInfo]) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.full_name,
        "level": str(region.level),
        "province_code": chain[0].code,
        "within": [r.code for r in chain],
    }


# The page is cut from $expected (in code order) before any lookup; each region's reports on
# the year and their first ISO publication date come from the aggregate the Neo4j store keeps
# per region code and year at write time (graph/neo4j_tallies.py, by the reports'
# region_code, the field their ABOUT relationship is written from).
CYPHER = """
UNWIND $expected AS region
WITH region
WHERE ($level IS NULL OR region.level = $level)
  AND ($province IS NULL OR $province IN region.within)
WITH region ORDER BY region.code SKIP $offset LIMIT $limit
OPTIONAL MATCH (t:RegionYearTally {region: region.code, year: $year})
WITH region, coalesce(t.reports, 0) AS reports, t.first_published AS first_published
RETURN region.code AS region_code, region.name AS region_name, region.level AS level,
       region.province_code AS province_code, reports, first_published,
       CASE WHEN first_published IS NULL THEN NULL ELSE first_published <= $deadline END
         AS on_time,
       CASE WHEN first_published IS NULL THEN NULL
            ELSE duration.inDays(date($year_end), date(first_published)).days END AS delay_days
ORDER BY region_code
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER` (``$expected`` is in code order already: the page
    is cut before any row is built)."""
    bound = params.cypher_params()
    wanted = params.page([region for region in bound["expected"] if _wanted(region, params)])
    index = index_of(graph)
    if index is None:
        return [_row(graph, region, bound) for region in wanted]
    # every expected region's row of the year, kept by the index until the next write
    rows = index.derived(("coverage", params.year), lambda: _rows_by_code(graph, bound))
    return [dict(rows[region["code"]]) for region in wanted]


def _rows_by_code(graph: nx.MultiDiGraph, bound: Mapping[str, Any]) -> dict[str, Row]:
    return {region["code"]: _row(graph, region, bound) for region in bound["expected"]}


def _wanted(region: Mapping[str, Any], params: Params) -> bool:
    if params.level is not None and region["level"] != params.level:
        return False
    return params.province is None or params.province in region["within"]


def _row(graph: nx.MultiDiGraph, region: Mapping[str, Any], bound: Mapping[str, Any]) -> Row:
    dates = _publication_dates(graph, region["code"], bound["year"])
    first = min((d for d in dates if d is not None and _is_iso_date(d)), default=None)
    return {
        "region_code": region["code"],
        "region_name": region["name"],
        "level": region["level"],
        "province_code": region["province_code"],
        "reports": len(dates),
        "first_published": first,
        "on_time": None if first is None else first <= bound["deadline"],
        "delay_days": None if first is None else _days_between(bound["year_end"], first),
    }


def _publication_dates(graph: nx.MultiDiGraph, code: str, year: int) -> list[str | None]:
    """The ``published`` of every report about the region on ``year`` (None when unknown)."""
    region = node_id(Label.REGION, code)
    if region not in graph:
        return []
    index = index_of(graph)
    if index is not None:  # the region's reports with their year and date, kept by the store
        about = index.about.get(region, {})
        return [index.contributions[r].published for r, y in about.items() if y == year]
    reports = [report for report, _ in in_edges(graph, region, Rel.ABOUT)]
    return [prop(graph, r, "published") for r in reports if prop(graph, r, "year") == year]


def _is_iso_date(text: str) -> bool:
    return len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit()


def _days_between(start: str, end: str) -> int:
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


def summarize(rows: Iterable[Mapping[str, Any]]) -> CoverageSummary:
    """Counts over the rows of ``coverage``: regions with and without a report, on time, late,
    undated (a report without a publication date), and the median delay in days.

    Example:
        >>> rows = [
        ...     {"reports": 1, "on_time": True, "delay_days": 80},
        ...     {"reports": 2, "on_time": False, "delay_days": 130},
        ...     {"reports": 1, "on_time": None, "delay_days": None},
        ...     {"reports": 0, "on_time": None, "delay_days": None},
        ... ]
        >>> summarize(rows)["median_delay_days"], summarize(rows)["without_report"]
        (105.0, 1)
    """
    listed = list(rows)
    covered = [row for row in listed if row["reports"]]
    delays = [row["delay_days"] for row in covered if row["delay_days"] is not None]
    return {
        "regions": len(listed),
        "with_report": len(covered),
        "without_report": len(listed) - len(covered),
        "on_time": sum(row["on_time"] is True for row in covered),
        "late": sum(row["on_time"] is False for row in covered),
        "undated": sum(row["on_time"] is None for row in covered),
        "median_delay_days": float(statistics.median(delays)) if delays else None,
    }


QUERY = NamedQuery(
    name="coverage",
    description=(
        "Regions expected to report on a year (the gazetteer's regions of that year, by level "
        "and province): how many reports each has, the first publication date, whether it was "
        "on time (by 1 April of the next year; first quarter before 2019) and the delay in days "
        "after the year ended. Regions without a report have reports = 0."
    ),
    params_model=Params,
    row=RegionCoverage,
    cypher=CYPHER,
    networkx=run,
    kept=True,  # the gazetteer sent, ~2,000 aggregates read: ~100 ms at 100k
)
