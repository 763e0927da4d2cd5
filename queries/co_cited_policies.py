"""``co_cited_policies``: policies cited in the same reports as a given policy.

Example:
    >>> QUERY.columns
    ('policy_id', 'title', 'kind', 'reports', 'mentions')
"""

from __future__ import annotations

import heapq
from typing import Any, TypedDict

import networkx as nx

from graph.memory_index import index_of
from graph.model import Rel
from queries.base import NamedQuery, Row
from queries.embedded import in_edges, key_of, out_edges, prop
from queries.matching import POLICY_NODES, Limit, PolicyParam, matching_policies
from queries.ranking import MOST_CITED_ORDER, most_cited_first, most_cited_key


class Params(PolicyParam):
    """The policy, and how many companions to list."""

    limit: Limit = 20


class CoCitedPolicy(TypedDict):
    """A policy cited alongside the given one: in how many of its reports, how often there."""

    policy_id: str
    title: str | None
    kind: str | None
    reports: int
    mentions: int


CYPHER = f"""
{POLICY_NODES}
MATCH (rep:Report)-[:CITES]->(p)
WITH collect(DISTINCT p) AS anchors, collect(DISTINCT rep) AS reps
UNWIND reps AS rep
MATCH (rep)-[c:CITES]->(other:Policy)
WHERE NOT other IN anchors
WITH other, count(rep) AS reports, sum(c.count) AS mentions
RETURN other.id AS policy_id, other.title AS title, other.kind AS kind, reports, mentions
ORDER BY {MOST_CITED_ORDER}
LIMIT $limit
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER`."""
    anchors = set(matching_policies(graph, params.spellings()))
    reports = {report for anchor in anchors for report, _ in in_edges(graph, anchor, Rel.CITES)}
    companions: dict[str, list[int]] = {}
    index = index_of(graph)
    for report in reports:
        cited = (
            index.contributions[report].cites.items()
            if index is not None
            else ((o, c.get("count") or 0) for o, c in out_edges(graph, report, Rel.CITES))
        )
        for other, count in cited:
            if other not in anchors:
                companions.setdefault(other, []).append(count)
    # rank on plain tuples, then build the rows shown only (a policy has thousands of companions)
    ranked = heapq.nsmallest(
        params.limit,
        companions.items(),
        key=lambda item: most_cited_key(len(item[1]), sum(item[1]), key_of(graph, item[0])),
    )
    return most_cited_first(_row(graph, policy, counts) for policy, counts in ranked)


def _row(graph: nx.MultiDiGraph, policy: str, counts: list[int]) -> dict[str, Any]:
    return {
        "policy_id": key_of(graph, policy),
        "title": prop(graph, policy, "title"),
        "kind": prop(graph, policy, "kind"),
        "reports": len(counts),
        "mentions": sum(counts),
    }


QUERY = NamedQuery(
    name="co_cited_policies",
    description=(
        "Policies cited in the same reports as a given policy (title or 文号): in how many "
        "of those reports, and how many mentions there."
    ),
    params_model=Params,
    row=CoCitedPolicy,
    cypher=CYPHER,
    networkx=run,
)
