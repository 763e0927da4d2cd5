"""``regions_citing_policy``: which regions' reports cite a policy, and how often, year by year.

Example:
    >>> QUERY.columns
    ('region_code', 'region_name', 'level', 'year', 'report_id', 'count')
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, ClassVar, TypedDict

import networkx as nx
from pydantic import Field

from graph.cites_order import BY_REGION, by_region_bounds
from graph.memory_index import Citation, GraphIndex, index_of
from graph.model import Rel
from ingest.model import RegionLevel
from queries.base import NamedQuery, Row
from queries.embedded import ancestors, in_edges, key_of, nulls_last, prop, targets
from queries.matching import (
    POLICY_NODES,
    YEAR_FILTER,
    Paged,
    PolicyParam,
    RegionCode,
    YearRange,
    matching_policies,
    year_ok,
)


class Params(PolicyParam, YearRange, Paged):
    """The policy, optional filters on the citing region and the report year, and the page."""

    province_code: RegionCode | None = Field(
        None, description="Only regions with this code or lying within it (any level)."
    )
    level: RegionLevel | None = Field(None, description="Only regions of this level.")

    derived_keys: ClassVar[frozenset[str]] = PolicyParam.derived_keys | {"key_from", "key_to"}

    def derived(self) -> dict[str, Any]:
        """The policy's spellings, and the ends of the year range among its CITES sort keys
        (:func:`graph.cites_order.by_region_bounds`)."""
        return super().derived() | by_region_bounds(self.year_from, self.year_to)


class RegionCitation(TypedDict):
    """One report about one region that cites the policy."""

    region_code: str
    region_name: str | None
    level: str | None
    year: int | None
    report_id: str
    count: int


# A report is ABOUT exactly the region its ``region_code`` names (graph/rows.py writes both):
# the region is found by that code's index, not by walking the report's relationships (a
# report has dozens), and only the page's rows look it up unless a region filter needs it.
_REGION_WANTED = """(($level IS NULL AND $province_code IS NULL)
   OR EXISTS {
     MATCH (reg:Region {code: rep.region_code})
     WHERE ($level IS NULL OR reg.level = $level)
       AND ($province_code IS NULL
            OR EXISTS { MATCH (reg)-[:PART_OF*0..]->(:Region {code: $province_code}) })
   })"""

# One policy node (the usual case): its citations are read in the order of the CITES
# ``_by_region`` key's index (graph.cites_order: policy, year, region code, report id), from
# the year range's first key ($key_from after the id) and only as far as the page's end: a
# policy 30,000 reports cite reads a page, not 30,000 (a region filter reads on, as needed).
# Several nodes (spellings of one title): their citations are summed per report and sorted.
CYPHER = f"""
{POLICY_NODES}
WITH collect(p) AS policies
CALL (policies) {{
  WITH policies WHERE size(policies) = 1
  WITH policies[0] AS p
  MATCH (rep:Report)-[c:CITES]->(q)
  WHERE c.{BY_REGION} >= p.id + $key_from AND c.{BY_REGION} < p.id + $key_to AND q = p
    AND {YEAR_FILTER}
    AND {_REGION_WANTED}
  WITH rep, c ORDER BY c.{BY_REGION} SKIP $offset LIMIT $limit
  RETURN rep, coalesce(c.count, 0) AS count
UNION ALL
  WITH policies WHERE size(policies) > 1
  UNWIND policies AS p
  MATCH (rep:Report)-[c:CITES]->(p)
  WHERE rep.region_code IS NOT NULL
    AND {YEAR_FILTER}
  WITH rep, sum(c.count) AS count
  WHERE {_REGION_WANTED}
  WITH rep, count ORDER BY rep.year, rep.region_code, rep.id SKIP $offset LIMIT $limit
  RETURN rep, count
}}
WITH rep, count, rep.year AS year, rep.region_code AS region_code, rep.id AS report_id
MATCH (reg:Region {{code: region_code}})
RETURN region_code, reg.name AS region_name, reg.level AS level, year, report_id, count
ORDER BY year, region_code, report_id
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    index = index_of(graph)
    if index is not None:
        return _page_from_index(graph, index, params)
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for policy in matching_policies(graph, params.spellings()):
        for report, cites in in_edges(graph, policy, Rel.CITES):
            for region in targets(graph, report, Rel.ABOUT):
                if _wanted(graph, region, report, params):
                    counts[region, report] += cites.get("count") or 0
    rows = [_row(graph, region, report, count) for (region, report), count in counts.items()]
    rows.sort(key=lambda r: (nulls_last(r["year"]), r["region_code"], r["report_id"]))
    return params.page(rows)


def _page_from_index(graph: nx.MultiDiGraph, index: GraphIndex, params: Params) -> list[Row]:
    """The page read from the policies' citations the store keeps in this query's order: only
    the rows up to the page's end are filtered, none after it is looked at."""
    policies = matching_policies(graph, params.spellings())
    merged = heapq.merge(*(index.citations(policy) for policy in policies))
    wanted = _Filter(graph, params)
    kept = (cited for cited in _summed(merged) if wanted(cited[4], cited[5]))
    page = islice(kept, params.offset, params.offset + params.limit)
    return [_indexed_row(graph, cited) for cited in page]


def _summed(citations: Iterable[Citation]) -> Iterator[Citation]:
    """One citation per (region, report): a report citing several spellings' nodes sums them."""
    held: Citation | None = None
    for cited in citations:
        if held is not None and held[:6] == cited[:6]:
            held = (*held[:6], held[6] + cited[6])
            continue
        if held is not None:
            yield held
        held = cited
    if held is not None:
        yield held


class _Filter:
    """:func:`_wanted`, each region's test (level, province) done once per request."""

    def __init__(self, graph: nx.MultiDiGraph, params: Params) -> None:
        self.graph, self.params = graph, params
        self.regions: dict[str, bool] = {}

    def __call__(self, region: str, report: str) -> bool:
        region_ok = self.regions.get(region)
        if region_ok is None:
            region_ok = self.regions[region] = _region_ok(self.graph, region, self.params)
        return region_ok and _year_ok(self.graph, report, self.params)


def _wanted(graph: nx.MultiDiGraph, region: str, report: str, params: Params) -> bool:
    return _year_ok(graph, report, params) and _region_ok(graph, region, params)


def _year_ok(graph: nx.MultiDiGraph, report: str, params: Params) -> bool:
    return year_ok(prop(graph, report, "year"), params.year_from, params.year_to)


def _region_ok(graph: nx.MultiDiGraph, region: str, params: Params) -> bool:
    if params.level is not None and prop(graph, region, "level") != params.level:
        return False
    if params.province_code is None:
        return True
    return any(key_of(graph, r) == params.province_code for r in ancestors(graph, region))


def _indexed_row(graph: nx.MultiDiGraph, cited: Citation) -> dict[str, Any]:
    """:func:`_row` of a kept citation, which holds the keys and the year already."""
    region = graph.nodes[cited[4]]
    return {
        "region_code": cited[2],
        "region_name": region.get("name"),
        "level": region.get("level"),
        "year": None if cited[0] else cited[1],
        "report_id": cited[3],
        "count": cited[6],
    }


def _row(graph: nx.MultiDiGraph, region: str, report: str, count: int) -> dict[str, Any]:
    return {
        "region_code": key_of(graph, region),
        "region_name": prop(graph, region, "name"),
        "level": prop(graph, region, "level"),
        "year": prop(graph, report, "year"),
        "report_id": key_of(graph, report),
        "count": count,
    }


QUERY = NamedQuery(
    name="regions_citing_policy",
    description=(
        "Regions whose reports cite a policy (by title or 文号): one row per report, with the "
        "number of mentions; filter by province (or any enclosing region), level and years."
    ),
    params_model=Params,
    row=RegionCitation,
    cypher=CYPHER,
    networkx=run,
)
