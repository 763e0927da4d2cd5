"""``panel``: the raw rows of the region × year panel — one per report about a region, with how
often the report cites each of the chosen policies.

The policies come as their ids (``policy_ids``, in the order the panel's columns will have);
choosing them — by title, kind or the most cited — and laying the rows out as a panel is the job
of :mod:`services.panel`. ``mentions[i]`` is the sum of the report's ``CITES.count`` to
``policy_ids[i]`` (0 when it does not cite it). Only reports with a year and a region can take
a place in a panel; the others are left out. ``province_code`` and ``prefecture_code`` follow
``PART_OF`` up from the region (the region itself when it is of that level; null when there is
none, e.g. the prefecture of a province).

Not one of the research questions of :data:`queries.QUERIES` (so not a GraphQL field): its
parameter is a list of node ids chosen beforehand, and its rows are material for a table.

Example:
    >>> QUERY.columns[-4:]
    ('year', 'report_id', 'published', 'mentions')
    >>> QUERY.bind({"policy_ids": ["重大行政决策程序暂行条例"]})["level"] is None
    True
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Annotated, Any, TypedDict

import networkx as nx
from pydantic import Field

from graph.model import Label, Rel
from ingest.vocabulary import RegionLevel
from queries.base import NamedQuery, QueryParams, Row
from queries.embedded import Attrs, ancestors, key_of, nodes_of, out_edges, prop, targets
from queries.matching import YEAR_FILTER, RegionCode, YearRange, year_ok

MAX_POLICIES = 1000

PolicyIds = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=500)]],
    Field(min_length=1, max_length=MAX_POLICIES, description="Policy ids, in column order."),
]


class Params(YearRange, QueryParams):
    """The chosen policies, and optional filters on the reports' years and regions."""

    policy_ids: PolicyIds
    province_code: RegionCode | None = Field(
        None, description="Only regions with this code or lying within it (any level)."
    )
    level: RegionLevel | None = Field(None, description="Only regions of this level.")


class PanelReport(TypedDict):
    """One report about one region: where and when, and its mentions of each chosen policy."""

    region_code: str
    region_name: str | None
    level: str | None
    province_code: str | None
    prefecture_code: str | None
    year: int
    report_id: str
    published: str | None
    mentions: list[int]


CYPHER = f"""
MATCH (rep:Report)-[:ABOUT]->(reg:Region)
WHERE rep.year IS NOT NULL
  AND {YEAR_FILTER}
  AND ($level IS NULL OR reg.level = $level)
  AND ($province_code IS NULL
       OR EXISTS {{ MATCH (reg)-[:PART_OF*0..]->(:Region {{code: $province_code}}) }})
OPTIONAL MATCH (rep)-[c:CITES]->(p:Policy)
WHERE p.id IN $policy_ids
WITH rep, reg, p.id AS policy_id, sum(c.count) AS count
WITH rep, reg, collect([policy_id, count]) AS cited
RETURN reg.code AS region_code, reg.name AS region_name, reg.level AS level,
       head(COLLECT {{ MATCH (reg)-[:PART_OF*0..]->(up:Region {{level: 'province'}})
                      RETURN up.code ORDER BY up.code LIMIT 1 }}) AS province_code,
       head(COLLECT {{ MATCH (reg)-[:PART_OF*0..]->(up:Region {{level: 'prefecture'}})
                      RETURN up.code ORDER BY up.code LIMIT 1 }}) AS prefecture_code,
       rep.year AS year, rep.id AS report_id, rep.published AS published,
       [id IN $policy_ids | coalesce(head([pair IN cited WHERE pair[0] = id | pair[1]]), 0)]
         AS mentions
ORDER BY region_code, year, report_id
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    place = functools.cache(lambda region: _place(graph, region))
    rows = [
        {**place(region), **_of_report(graph, report, attrs, params.policy_ids)}
        for report, attrs in _reports(graph, params)
        for region in targets(graph, report, Rel.ABOUT)
        if _region_ok(graph, region, params)
    ]
    return sorted(rows, key=lambda r: (r["region_code"], r["year"], r["report_id"]))


def _reports(graph: nx.MultiDiGraph, params: Params) -> Iterator[tuple[str, Attrs]]:
    for report, attrs in nodes_of(graph, Label.REPORT):
        year = attrs.get("year")
        if year is not None and year_ok(year, params.year_from, params.year_to):
            yield report, attrs


def _region_ok(graph: nx.MultiDiGraph, region: str, params: Params) -> bool:
    if params.level is not None and prop(graph, region, "level") != params.level:
        return False
    if params.province_code is None:
        return True
    return any(key_of(graph, r) == params.province_code for r in ancestors(graph, region))


def _mentions(graph: nx.MultiDiGraph, report: str, policy_ids: list[str]) -> list[int]:
    counts = dict.fromkeys(policy_ids, 0)
    for policy, cites in out_edges(graph, report, Rel.CITES):
        policy_id = key_of(graph, policy)
        if policy_id in counts:
            counts[policy_id] += cites.get("count") or 0
    return [counts[policy_id] for policy_id in policy_ids]


def _up_to(graph: nx.MultiDiGraph, region: str, level: RegionLevel) -> str | None:
    """The code of the region of ``level`` the region is or lies in (the least code if many)."""
    found = [key_of(graph, r) for r in ancestors(graph, region) if prop(graph, r, "level") == level]
    return min(found, default=None)


def _place(graph: nx.MultiDiGraph, region: str) -> dict[str, Any]:
    """The region's columns of a row (the same for all its reports)."""
    return {
        "region_code": key_of(graph, region),
        "region_name": prop(graph, region, "name"),
        "level": prop(graph, region, "level"),
        "province_code": _up_to(graph, region, RegionLevel.PROVINCE),
        "prefecture_code": _up_to(graph, region, RegionLevel.PREFECTURE),
    }


def _of_report(
    graph: nx.MultiDiGraph, report: str, attrs: Attrs, policy_ids: list[str]
) -> dict[str, Any]:
    """The report's columns of a row."""
    return {
        "year": attrs["year"],
        "report_id": key_of(graph, report, attrs),
        "published": attrs.get("published"),
        "mentions": _mentions(graph, report, policy_ids),
    }


QUERY = NamedQuery(
    name="panel",
    description=(
        "One row per report about a region (with a year): the region, its province and "
        "prefecture, the year, the report's id and publication date, and its mentions of each "
        "policy in policy_ids (0 when it does not cite it)."
    ),
    params_model=Params,
    row=PanelReport,
    cypher=CYPHER,
    networkx=run,
)
