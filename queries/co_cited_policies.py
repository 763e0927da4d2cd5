"""``co_cited_policies``: policies cited in the same reports as a given policy.

Example:
    >>> QUERY.columns
    ('policy_id', 'title', 'kind', 'reports', 'mentions')
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any, TypedDict

import networkx as nx
import numpy as np

from graph.memory_index import GraphIndex, index_of
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
    index = index_of(graph)
    if index is not None:
        return _from_index(graph, index, anchors, params.limit)
    reports = {report for anchor in anchors for report, _ in in_edges(graph, anchor, Rel.CITES)}
    companions: dict[str, list[int]] = {}
    for report in reports:
        for other, cites in out_edges(graph, report, Rel.CITES):
            if other not in anchors:
                companions.setdefault(other, []).append(cites.get("count") or 0)
    # rank on plain tuples, then build the rows shown only (a policy has thousands of companions)
    ranked = heapq.nsmallest(
        params.limit,
        companions.items(),
        key=lambda item: most_cited_key(len(item[1]), sum(item[1]), key_of(graph, item[0])),
    )
    return most_cited_first(_row(graph, policy, counts) for policy, counts in ranked)


def _from_index(
    graph: nx.MultiDiGraph, index: GraphIndex, anchors: set[str], limit: int
) -> list[Row]:
    """The companions counted by numpy over the citing reports' arrays of cited policies
    (:meth:`~graph.memory_index.GraphIndex.cited_array`): reports and mentions per policy
    number by ``bincount``; for one policy (the usual case) kept by the index until a report
    citing it changes."""
    if len(anchors) == 1:
        (anchor,) = anchors
        counted = index.per_policy(
            anchor, "co_cited", lambda t: _counted(index, anchors, t.reports)
        )
    else:
        counted = _counted(index, anchors, {r for a in anchors for r in _citing(index, a)})
    if counted is None:
        return []
    numbers, citing, mentions = counted
    chosen = _best(citing, mentions, limit)
    ranked = heapq.nsmallest(
        limit,
        chosen,
        key=lambda i: most_cited_key(
            int(citing[i]), int(mentions[i]), index.key(index.numbered[numbers[i]])
        ),
    )
    return [
        _indexed_row(graph, index.numbered[numbers[i]], int(citing[i]), int(mentions[i]))
        for i in ranked
    ]


def _citing(index: GraphIndex, policy: str) -> Iterable[str]:
    tally = index.policies.get(policy)
    return () if tally is None else tally.reports


def _counted(index: GraphIndex, anchors: set[str], reports: Iterable[str]) -> Any:
    """(companion numbers, citing reports, mentions) as numpy arrays, anchors left out."""
    held = [index.cited_array(report) for report in reports]
    if not held:
        return None
    packed = np.concatenate(held)
    numbers, counts = packed >> 32, packed & 0xFFFFFFFF
    size = len(index.numbered)
    citing = np.bincount(numbers, minlength=size)
    mentions = np.bincount(numbers, counts, size)
    for anchor in anchors & index.policy_numbers.keys():
        citing[index.policy_numbers[anchor]] = 0
    found = np.flatnonzero(citing)
    return found, citing[found], mentions[found].astype(np.int64)


def _best(citing: Any, mentions: Any, limit: int) -> list[int]:
    """Positions of the companions that can be among the ``limit`` most cited (ties at the
    last place included: the policy id decides among them)."""
    if len(citing) <= limit:
        return list(range(len(citing)))
    score = citing.astype(np.int64) * (int(mentions.max()) + 1) + mentions
    last = np.partition(score, len(score) - limit)[len(score) - limit]
    return [int(i) for i in np.flatnonzero(score >= last)]


def _indexed_row(graph: nx.MultiDiGraph, policy: str, reports: int, mentions: int) -> Row:
    attrs = graph.nodes[policy]
    return {
        "policy_id": key_of(graph, policy, attrs),
        "title": attrs.get("title"),
        "kind": attrs.get("kind"),
        "reports": reports,
        "mentions": mentions,
    }


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
    kept=True,  # ~600k citations read at 100k reports for the example policy
)
