"""``regions_citing_policy``: which regions' reports cite a policy, and how often, year by year.

Example:
    >>> QUERY.columns
    ('region_code', 'region_name', 'level', 'year', 'report_id', 'count')
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, TypedDict

import networkx as nx
from pydantic import Field

from graph.memory_index import index_of
from graph.model import Rel
from ingest.model import RegionLevel
from queries.base import NamedQuery, Row
from queries.embedded import ancestors, in_edges, key_of, nulls_last, prop, targets
from queries.matching import (
    POLICY_NODES,
    YEAR_FILTER,
    PolicyParam,
    RegionCode,
    YearRange,
    matching_policies,
    year_ok,
)


class Params(PolicyParam, YearRange):
    """The policy, and optional filters on the citing region and the report year."""

    province_code: RegionCode | None = Field(
        None, description="Only regions with this code or lying within it (any level)."
    )
    level: RegionLevel | None = Field(None, description="Only regions of this level.")


class RegionCitation(TypedDict):
    """One report about one region that cites the policy."""

    region_code: str
    region_name: str | None
    level: str | None
    year: int | None
    report_id: str
    count: int


CYPHER = f"""
{POLICY_NODES}
MATCH (rep:Report)-[c:CITES]->(p)
MATCH (rep)-[:ABOUT]->(reg:Region)
WHERE ($level IS NULL OR reg.level = $level)
  AND {YEAR_FILTER}
  AND ($province_code IS NULL
       OR EXISTS {{ MATCH (reg)-[:PART_OF*0..]->(:Region {{code: $province_code}}) }})
WITH reg, rep, sum(c.count) AS count
RETURN reg.code AS region_code, reg.name AS region_name, reg.level AS level,
       rep.year AS year, rep.id AS report_id, count
ORDER BY year, region_code, report_id
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    index = index_of(graph)
    for policy in matching_policies(graph, params.spellings()):
        for report, cites in in_edges(graph, policy, Rel.CITES):
            about = (
                targets(graph, report, Rel.ABOUT)
                if index is None
                else index.contributions[report].regions  # kept by the store: no edge scan
            )
            for region in about:
                if _wanted(graph, region, report, params):
                    counts[region, report] += cites.get("count") or 0
    rows = [_row(graph, region, report, count) for (region, report), count in counts.items()]
    return sorted(rows, key=lambda r: (nulls_last(r["year"]), r["region_code"], r["report_id"]))


def _wanted(graph: nx.MultiDiGraph, region: str, report: str, params: Params) -> bool:
    if params.level is not None and prop(graph, region, "level") != params.level:
        return False
    if not year_ok(prop(graph, report, "year"), params.year_from, params.year_to):
        return False
    if params.province_code is None:
        return True
    return any(key_of(graph, r) == params.province_code for r in ancestors(graph, region))


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
