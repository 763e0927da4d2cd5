"""``policy_diffusion``: how a policy spreads — per year, the regions citing it and the new ones.

One row per year in which some report about a region cites the policy (reports without a year
are left out): ``citing_regions`` cite it that year, ``new_regions`` cite it for the first time
(their codes, sorted, in ``regions``), ``cumulative_regions`` have cited it by then.

Example:
    >>> QUERY.columns
    ('year', 'citing_regions', 'new_regions', 'cumulative_regions', 'regions')
"""

from __future__ import annotations

from typing import Any, TypedDict

import networkx as nx

from graph.memory_index import index_of
from graph.model import Rel
from queries.base import NamedQuery, Row
from queries.embedded import in_edges, key_of, prop, targets
from queries.matching import POLICY_NODES, PolicyParam, matching_policies


class Params(PolicyParam):
    """The policy, by title or 文号."""


class DiffusionStep(TypedDict):
    """One year of the policy's spread."""

    year: int
    citing_regions: int
    new_regions: int
    cumulative_regions: int
    regions: list[str]


# Each region's citing years come from the per-(policy, region) aggregates the Neo4j store keeps
# at write time (graph/neo4j_tallies.py): one node per citing region, not every citation. The
# ~2,800 regions are put in code order before their ~20,000 (region, year) rows are unwound, so
# each year's new regions are collected in code order without sorting those rows (100k reports,
# the example policy: server time 720 -> 190 ms under load ~12, same db hits). They are sought
# in the (policy, region) uniqueness index, which serves a policy only with its region present.
CYPHER = f"""
{POLICY_NODES}
MATCH (t:PolicyRegionTally {{policy: p.id}})
WHERE t.region IS NOT NULL AND t.years IS NOT NULL
WITH t.region AS code, collect(t.years) AS held
ORDER BY code
WITH code, reduce(seen = [], ys IN held | seen + [y IN ys WHERE NOT y IN seen]) AS years
WITH code, years, reduce(m = years[0], y IN years | CASE WHEN y < m THEN y ELSE m END) AS first
UNWIND years AS year
WITH year, count(*) AS citing, collect(CASE WHEN year = first THEN code END) AS new
ORDER BY year
WITH collect({{year: year, citing: citing, new: new}}) AS steps
UNWIND range(0, size(steps) - 1) AS i
RETURN steps[i].year AS year, steps[i].citing AS citing_regions,
       size(steps[i].new) AS new_regions,
       reduce(total = 0, step IN steps[..i + 1] | total + size(step.new)) AS cumulative_regions,
       steps[i].new AS regions
ORDER BY year
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`; on the embedded store, for one policy node, kept
    by the index until a report citing it changes."""
    index = index_of(graph)
    policies = matching_policies(graph, params.spellings())
    if index is None or len(policies) != 1:
        return _steps(_citing_years(graph, policies))
    kept = index.per_policy(
        policies[0], "diffusion", lambda _: _steps(_citing_years(graph, policies))
    )
    return [{**row, "regions": list(row["regions"])} for row in kept or ()]


def _steps(years_by_region: dict[str, set[int]]) -> list[Row]:
    """The rows, from each region's citing years."""
    first = {code: min(years) for code, years in years_by_region.items()}
    all_years = sorted({year for years in years_by_region.values() for year in years})
    rows, total = [], 0
    for year in all_years:
        new = sorted(code for code, start in first.items() if start == year)
        total += len(new)
        citing = sum(1 for years in years_by_region.values() if year in years)
        rows.append(_row(year, citing, new, total))
    return rows


def _citing_years(graph: nx.MultiDiGraph, policies: list[str]) -> dict[str, set[int]]:
    """Region code → the years of the reports about it that cite the policies."""
    years: dict[str, set[int]] = {}
    index = index_of(graph)
    if index is not None:  # the per-policy aggregates of graph/memory_index.py
        for policy in policies:
            tally = index.policies.get(policy)
            for region, year in tally.region_years if tally else ():
                years.setdefault(index.key(region), set()).add(year)
        return years
    for policy in policies:
        for report, _ in in_edges(graph, policy, Rel.CITES):
            year = prop(graph, report, "year")
            for region in targets(graph, report, Rel.ABOUT) if year is not None else ():
                years.setdefault(key_of(graph, region), set()).add(year)
    return years


def _row(year: int, citing: int, new: list[str], total: int) -> dict[str, Any]:
    return {
        "year": year,
        "citing_regions": citing,
        "new_regions": len(new),
        "cumulative_regions": total,
        "regions": new,
    }


QUERY = NamedQuery(
    name="policy_diffusion",
    description=(
        "How a policy (title or 文号) spreads: per report year, the regions citing it, the "
        "regions citing it for the first time (with their codes) and the running total."
    ),
    params_model=Params,
    row=DiffusionStep,
    cypher=CYPHER,
    networkx=run,
    kept=True,  # every citing region's years read: ~100 ms at 100k reports
)
