"""``path_between``: the shortest chain of relationships joining two nodes, in either direction.

Ties are broken the same way in both stores: among all shortest paths, the one whose sequence
of node ids (``Label:key``) is smallest, then whose sequence of relationship types is smallest
(strings compared by code point). One row per node on the path; ``rel`` is the type of the
relationship that leads to it (null on the first row).

Cypher cannot take the hop bound as a parameter, so the pattern uses the fixed bound
:data:`MAX_HOPS` and keeps paths no longer than ``$max_hops``; the endpoints are found by one
``UNION`` branch per label, generated here from :mod:`graph.model` (never from user data).

Example:
    >>> QUERY.columns
    ('step', 'label', 'key', 'name', 'rel')
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Self, TypedDict

import networkx as nx
from pydantic import Field, model_validator

from graph.model import KEYS, Label, Rel, node_id
from queries.base import NamedQuery, QueryParams, Row
from queries.embedded import display_name, key_of

MAX_HOPS = 6
_LABELS = "[" + ", ".join(f"'{label}'" for label in Label) + "]"
_RELS = "|".join(Rel)  # only the model's relationships (the store keeps private ones too)


class Params(QueryParams):
    """Both ends as label + key, and the longest path worth reporting."""

    from_label: Label = Field(description="Label of the start node, e.g. Region.")
    from_key: str = Field(min_length=1, max_length=500, description="Key of the start node.")
    to_label: Label = Field(description="Label of the end node, e.g. Policy.")
    to_key: str = Field(min_length=1, max_length=500, description="Key of the end node.")
    max_hops: int = Field(4, ge=1, le=MAX_HOPS, description=f"At most {MAX_HOPS} relationships.")

    @model_validator(mode="after")
    def _distinct_ends(self) -> Self:
        if (self.from_label, self.from_key) == (self.to_label, self.to_key):
            raise ValueError("from_label/from_key and to_label/to_key name the same node")
        return self


class PathStep(TypedDict):
    """One node of the path and the relationship type that reached it."""

    step: int
    label: str
    key: str
    name: str | None
    rel: str | None


def _endpoint(side: str) -> str:
    """``CALL`` subquery finding the node ``$<side>_label``/``$<side>_key`` via its key index."""
    branches = "\n  UNION\n".join(
        f"  MATCH (n:{label} {{{KEYS[label]}: ${side}_key}}) "
        f"WHERE ${side}_label = '{label}' RETURN n AS {side}_node"
        for label in Label
    )
    return f"CALL () {{\n{branches}\n}}"


_NODE_ID = f"[l IN labels(n) WHERE l IN {_LABELS}][0] + ':' + coalesce(n.id, n.code)"

CYPHER = f"""
{_endpoint("from")}
{_endpoint("to")}
MATCH path = allShortestPaths((from_node)-[:{_RELS}*..{MAX_HOPS}]-(to_node))
WHERE length(path) <= $max_hops
WITH path, [n IN nodes(path) | {_NODE_ID}] AS ids,
     [r IN relationships(path) | type(r)] AS types
ORDER BY ids, types
LIMIT 1
UNWIND range(0, length(path)) AS step
WITH step, nodes(path)[step] AS n, CASE WHEN step = 0 THEN null ELSE types[step - 1] END AS rel
RETURN step, [l IN labels(n) WHERE l IN {_LABELS}][0] AS label, coalesce(n.id, n.code) AS key,
       coalesce(n.name, n.title) AS name, rel
ORDER BY step
"""


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER` (greedy walk = smallest of all shortest paths)."""
    start = node_id(params.from_label, params.from_key)
    end = node_id(params.to_label, params.to_key)
    if start not in graph or end not in graph:
        return []
    to_end = _distances_on_shortest_paths(graph, start, end, params.max_hops)
    if start not in to_end:
        return []
    path = [start]
    while path[-1] != end:
        here = path[-1]
        path.append(min(n for n in _near(graph, here) if to_end.get(n) == to_end[here] - 1))
    return [_row(graph, step, nid, path) for step, nid in enumerate(path)]


def _near(graph: nx.MultiDiGraph, nid: str) -> Iterator[str]:
    """The neighbours of ``nid`` either way (a node linked both ways comes twice)."""
    yield from graph._succ[nid]
    yield from graph._pred[nid]


def _distances_on_shortest_paths(
    graph: nx.MultiDiGraph, start: str, end: str, cutoff: int
) -> dict[str, int]:
    """Hops to ``end`` of every node on a shortest path from ``start`` (none beyond
    ``cutoff``). Both ends grow breadth first, the smaller frontier a whole layer at a time,
    until they meet: a hub (a policy thousands of reports cite) is passed, not flooded."""
    sides = ({start: 0}, {end: 0})
    frontiers = ([start], [end])
    radii = [0, 0]
    while not (met := sides[0].keys() & sides[1].keys()):
        if sum(radii) >= cutoff:
            return {}
        grown = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        frontiers = _grown(graph, sides, frontiers, grown)
        radii[grown] += 1
        if not frontiers[grown]:
            return {}
    return _on_paths(graph, sides, met)


def _grown(
    graph: nx.MultiDiGraph,
    sides: tuple[dict[str, int], dict[str, int]],
    frontiers: tuple[list[str], list[str]],
    grown: int,
) -> tuple[list[str], list[str]]:
    """The frontiers after one more layer on side ``grown``."""
    seen = sides[grown]
    layer = []
    for here in frontiers[grown]:
        for near in _near(graph, here):
            if near not in seen:
                seen[near] = seen[here] + 1
                layer.append(near)
    return (layer, frontiers[1]) if grown == 0 else (frontiers[0], layer)


def _on_paths(
    graph: nx.MultiDiGraph, sides: tuple[dict[str, int], dict[str, int]], met: Iterable[str]
) -> dict[str, int]:
    """Hops to the end of each node on a shortest path: all of them pass the meeting nodes at
    the shortest total, whence they are followed back to the start and on to the end."""
    from_start, to_end = sides
    total = min(from_start[n] + to_end[n] for n in met)
    middle = [n for n in met if from_start[n] + to_end[n] == total]
    found = {n: to_end[n] for n in middle}
    for side, hops in ((from_start, lambda n: total - from_start[n]), (to_end, to_end.__getitem__)):
        layer = middle
        while layer:
            step = {
                near
                for here in layer
                for near in _near(graph, here)
                if side.get(near) == side[here] - 1
            }
            found.update((n, hops(n)) for n in step)
            layer = list(step)
    return found


def _row(graph: nx.MultiDiGraph, step: int, nid: str, path: list[str]) -> dict[str, Any]:
    return {
        "step": step,
        "label": graph.nodes[nid]["label"],
        "key": key_of(graph, nid),
        "name": display_name(graph, nid),
        "rel": None if step == 0 else _rel_type(graph, path[step - 1], nid),
    }


def _rel_type(graph: nx.MultiDiGraph, here: str, there: str) -> str:
    """The smallest relationship type joining two adjacent nodes, either way."""
    forward = graph.get_edge_data(here, there) or {}
    backward = graph.get_edge_data(there, here) or {}
    return str(min([*forward, *backward]))


QUERY = NamedQuery(
    name="path_between",
    description=(
        "The shortest path (any direction, at most max_hops relationships) between two nodes "
        "given as label + key: one row per node with the relationship type that reached it."
    ),
    params_model=Params,
    row=PathStep,
    cypher=CYPHER,
    networkx=run,
)
