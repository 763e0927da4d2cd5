"""``top_cited_policies``: the most cited policies, overall or per province or per year.

A report about no region still counts (its ``regions`` contribution is none) unless a region
filter is given. ``group`` is null for ``group_by=none``, the province code for ``province``
(null when the region lies in no province in the graph) and the year as text for ``year``.

Example:
    >>> QUERY.columns
    ('group', 'policy_id', 'title', 'regions', 'reports', 'mentions')
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypedDict

import networkx as nx
from pydantic import Field

from graph.memory_index import GraphIndex, index_of
from graph.model import Label, Rel
from ingest.model import PolicyKind, RegionLevel
from queries.base import NamedQuery, QueryParams, Row
from queries.embedded import ancestors, key_of, nodes_of, nulls_last, out_edges, prop, targets
from queries.matching import YEAR_FILTER, Limit, RegionCode, YearRange, year_ok
from queries.ranking import most_cited_first_key

GroupBy = Literal["none", "province", "year"]


class Params(YearRange, QueryParams):
    """Filters on the citing report, its region and the policy; grouping; rows per group."""

    province_code: RegionCode | None = Field(
        None, description="Only reports about regions with this code or within it."
    )
    level: RegionLevel | None = Field(None, description="Only reports about regions of this level.")
    kind: PolicyKind | None = Field(None, description="Only policies of this kind.")
    group_by: GroupBy = Field("none", description="none, province or year.")
    limit: Limit = 20


class TopPolicy(TypedDict):
    """One policy's standing within its group."""

    group: str | None
    policy_id: str
    title: str | None
    regions: int
    reports: int
    mentions: int


# The overall ranking (a kind filter allowed) reads the per-policy aggregates the Neo4j store
# keeps at write time (graph/neo4j_tallies.py), most cited first in its index's order; the
# other filters and groupings need each citing report's year or region, so they keep the scan
# of every citation (the second branch; each branch runs only when its condition holds).
CYPHER = f"""
CALL () {{
  WITH 1 AS ranked
  WHERE $group_by = 'none' AND $province_code IS NULL AND $level IS NULL
    AND $year_from IS NULL AND $year_to IS NULL
  MATCH (t:PolicyTally) WHERE t.reports > 0
  WITH t ORDER BY t.reports DESC, t.mentions DESC, t.policy
  MATCH (p:Policy {{id: t.policy}}) WHERE $kind IS NULL OR p.kind = $kind
  WITH p, t ORDER BY t.reports DESC, t.mentions DESC, t.policy LIMIT $limit
  RETURN null AS grp, collect({{policy_id: p.id, title: p.title, regions: t.regions,
                               reports: t.reports, mentions: t.mentions}}) AS top
  UNION ALL
  WITH 1 AS scanned
  WHERE NOT ($group_by = 'none' AND $province_code IS NULL AND $level IS NULL
             AND $year_from IS NULL AND $year_to IS NULL)
  MATCH (rep:Report)-[c:CITES]->(p:Policy)
  WHERE ($kind IS NULL OR p.kind = $kind)
    AND {YEAR_FILTER}
  OPTIONAL MATCH (rep)-[:ABOUT]->(reg:Region)
  WITH rep, c, p, reg
  WHERE ($level IS NULL OR reg.level = $level)
    AND ($province_code IS NULL
         OR EXISTS {{ MATCH (reg)-[:PART_OF*0..]->(:Region {{code: $province_code}}) }})
  WITH rep, c, p, reg,
       CASE $group_by
         WHEN 'year' THEN toString(rep.year)
         WHEN 'province' THEN head(
           [(reg)-[:PART_OF*0..]->(prov:Region {{level: 'province'}}) | prov.code])
         ELSE null
       END AS grp
  WITH grp, p, count(DISTINCT reg) AS regions, count(DISTINCT rep) AS reports,
       sum(c.count) AS mentions
  ORDER BY grp, reports DESC, mentions DESC, p.id
  RETURN grp, collect({{policy_id: p.id, title: p.title, regions: regions, reports: reports,
                       mentions: mentions}})[..$limit] AS top
}}
WITH grp, top ORDER BY grp
UNWIND top AS row
RETURN grp AS `group`, row.policy_id AS policy_id, row.title AS title, row.regions AS regions,
       row.reports AS reports, row.mentions AS mentions
"""
# The groups are ordered before UNWIND, the rows of each by the collect above: a final
# ORDER BY on the unwound rows made Neo4j 5.26 reserve ~200 MB for twenty rows (PartialSort),
# and on 10,000 reports the query failed at the 1 GB server's transaction memory limit.


@dataclass(slots=True)
class _Tally:
    regions: set[str] = field(default_factory=set)
    reports: set[str] = field(default_factory=set)
    mentions: int = 0


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    index = index_of(graph)
    if index is not None and _unfiltered(params):
        ranked = index.derived("top_cited_policies", lambda: _ranking(graph, index))
        return [dict(row) for row in ranked[: params.limit]]
    tallies: dict[tuple[str | None, str], _Tally] = {}
    for report, cites, policy, region, group in _citations(graph, params):
        tally = tallies.setdefault((group, policy), _Tally())
        if region is not None:
            tally.regions.add(region)
        tally.reports.add(report)
        tally.mentions += cites.get("count") or 0
    rows = [_row(graph, group, policy, tally) for (group, policy), tally in tallies.items()]
    rows.sort(key=lambda r: (nulls_last(r["group"]), *most_cited_first_key(r)))
    return _top_per_group(rows, params.limit)


def _unfiltered(params: Params) -> bool:
    """Whether the question is the overall ranking, which the store's aggregates answer."""
    filters = (params.province_code, params.level, params.kind, params.year_from, params.year_to)
    return params.group_by == "none" and all(f is None for f in filters)


def _ranking(graph: nx.MultiDiGraph, index: GraphIndex) -> list[Row]:
    """Every cited policy, most cited first, from the per-policy aggregates (kept until the
    next write; :mod:`graph.memory_index`)."""
    rows = [
        {
            "group": None,
            "policy_id": key_of(graph, policy),
            "title": prop(graph, policy, "title"),
            "regions": len(tally.regions),
            "reports": len(tally.reports),
            "mentions": tally.mentions,
        }
        for policy, tally in index.policies.items()
    ]
    rows.sort(key=most_cited_first_key)
    return rows


def _citations(
    graph: nx.MultiDiGraph, params: Params
) -> Iterator[tuple[str, dict[str, Any], str, str | None, str | None]]:
    """``(report, CITES attributes, policy, region or None, group)`` rows that pass the filters."""
    region_ok = cache(lambda region: _region_ok(graph, region, params))
    province = cache(lambda region: _province(graph, region))
    for report, attrs in nodes_of(graph, Label.REPORT):
        if not year_ok(attrs.get("year"), params.year_from, params.year_to):
            continue
        about: list[str | None] = [*targets(graph, report, Rel.ABOUT)] or [None]
        places = [(region, _group(attrs, region, params, province)) for region in about]
        places = [(region, group) for region, group in places if region_ok(region)]
        for policy, cites in out_edges(graph, report, Rel.CITES) if places else ():
            if params.kind is None or prop(graph, policy, "kind") == params.kind:
                for region, group in places:
                    yield report, cites, policy, region, group


def _region_ok(graph: nx.MultiDiGraph, region: str | None, params: Params) -> bool:
    if params.level is not None and prop(graph, region, "level") != params.level:
        return False
    if params.province_code is None:
        return True
    return region is not None and any(
        key_of(graph, r) == params.province_code for r in ancestors(graph, region)
    )


def _province(graph: nx.MultiDiGraph, region: str | None) -> str | None:
    """The code of the province the region lies in (or is), None when there is none."""
    if region is None:
        return None
    provinces = [r for r in ancestors(graph, region) if prop(graph, r, "level") == "province"]
    return key_of(graph, min(provinces)) if provinces else None


def _group(
    report: dict[str, Any],
    region: str | None,
    params: Params,
    province: Callable[[str | None], str | None],
) -> str | None:
    if params.group_by == "year":
        year = report.get("year")
        return None if year is None else str(year)
    return province(region) if params.group_by == "province" else None


def _row(graph: nx.MultiDiGraph, group: str | None, policy: str, tally: _Tally) -> dict[str, Any]:
    return {
        "group": group,
        "policy_id": key_of(graph, policy),
        "title": prop(graph, policy, "title"),
        "regions": len(tally.regions),
        "reports": len(tally.reports),
        "mentions": tally.mentions,
    }


def _top_per_group(rows: list[Row], limit: int) -> list[Row]:
    """The first ``limit`` rows of each group (rows arrive sorted by group)."""
    taken: dict[Any, int] = {}
    top = []
    for row in rows:
        taken[row["group"]] = taken.get(row["group"], 0) + 1
        if taken[row["group"]] <= limit:
            top.append(row)
    return top


QUERY = NamedQuery(
    name="top_cited_policies",
    description=(
        "The most cited policies by reports, then mentions — overall, per province or per "
        "year; filter by province (or any enclosing region), level, years and policy kind."
    ),
    params_model=Params,
    row=TopPolicy,
    cypher=CYPHER,
    networkx=run,
)
