"""``policies_cited_by_region``: what a region's reports cite, most cited first.

Example:
    >>> QUERY.columns[:3]
    ('policy_id', 'title', 'kind')
"""

from __future__ import annotations

from typing import Any, TypedDict

import networkx as nx
from pydantic import Field

from graph.memory_index import index_of
from graph.model import Rel
from ingest.model import PolicyKind
from queries.base import NamedQuery, Row
from queries.embedded import in_edges, key_of, out_edges, prop
from queries.matching import (
    REGION_MATCH,
    YEAR_FILTER,
    Paged,
    RegionParam,
    YearRange,
    matching_regions,
    year_ok,
)
from queries.ranking import MOST_CITED_ORDER, most_cited_first


class Params(RegionParam, YearRange, Paged):
    """The region, optional year range and policy kind, and the page."""

    kind: PolicyKind | None = Field(None, description="Only policies of this kind.")
    include_subregions: bool = Field(
        False, description="Also count reports about regions within it (a city's counties)."
    )


class CitedPolicy(TypedDict):
    """One policy the region's reports cite."""

    policy_id: str
    title: str | None
    kind: str | None
    doc_number: str | None
    reports: int
    first_year: int | None
    last_year: int | None
    mentions: int


CYPHER = f"""
MATCH (t:Region)
WHERE {REGION_MATCH}
MATCH (rep:Report)-[:ABOUT]->(reg:Region)-[:PART_OF*0..]->(t)
WHERE ($include_subregions OR reg = t)
  AND {YEAR_FILTER}
WITH DISTINCT rep
MATCH (rep)-[c:CITES]->(p:Policy)
WHERE $kind IS NULL OR p.kind = $kind
WITH p, count(rep) AS reports, min(rep.year) AS first_year, max(rep.year) AS last_year,
     sum(c.count) AS mentions
RETURN p.id AS policy_id, p.title AS title, p.kind AS kind, p.doc_number AS doc_number,
       reports, first_year, last_year, mentions
ORDER BY {MOST_CITED_ORDER}
SKIP $offset LIMIT $limit
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    cited: dict[str, list[tuple[Any, int]]] = {}
    for report in _reports(graph, params):
        for policy, cites in out_edges(graph, report, Rel.CITES):
            if params.kind is None or prop(graph, policy, "kind") == params.kind:
                year = prop(graph, report, "year")
                cited.setdefault(policy, []).append((year, cites.get("count") or 0))
    rows = [_row(graph, policy, uses) for policy, uses in cited.items()]
    return params.page(most_cited_first(rows))


def _reports(graph: nx.MultiDiGraph, params: Params) -> set[str]:
    """Reports about the region (or within it, when asked), in the year range: read from the
    regions' ABOUT relationships, not from every report."""
    regions = set(matching_regions(graph, params.region))
    if params.include_subregions:
        regions = _below(graph, regions)
    index = index_of(graph)
    if index is not None:  # each region's reports with their year, kept by the store
        return {
            report
            for region in regions
            for report, year in index.about.get(region, {}).items()
            if year_ok(year, params.year_from, params.year_to)
        }
    return {
        report
        for region in regions
        for report, _ in in_edges(graph, region, Rel.ABOUT)
        if year_ok(prop(graph, report, "year"), params.year_from, params.year_to)
    }


def _below(graph: nx.MultiDiGraph, regions: set[str]) -> set[str]:
    """The regions and every region within them along ``PART_OF``."""
    seen = set(regions)
    todo = list(regions)
    while todo:
        for child, _ in in_edges(graph, todo.pop(), Rel.PART_OF):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _row(graph: nx.MultiDiGraph, policy: str, uses: list[tuple[Any, int]]) -> dict[str, Any]:
    years = [year for year, _ in uses if year is not None]
    return {
        "policy_id": key_of(graph, policy),
        "title": prop(graph, policy, "title"),
        "kind": prop(graph, policy, "kind"),
        "doc_number": prop(graph, policy, "doc_number"),
        "reports": len(uses),
        "first_year": min(years, default=None),
        "last_year": max(years, default=None),
        "mentions": sum(count for _, count in uses),
    }


QUERY = NamedQuery(
    name="policies_cited_by_region",
    description=(
        "Policies cited by a region's reports (region by code or name; optionally its "
        "subregions too), with report counts, first and last year and mentions."
    ),
    params_model=Params,
    row=CitedPolicy,
    cypher=CYPHER,
    networkx=run,
)
