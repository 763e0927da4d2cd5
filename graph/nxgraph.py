"""The one place that reads networkx's internals: the adjacency dicts of a ``MultiDiGraph``
in the shape of :mod:`graph.model` (one edge per ends and type, keyed by the type).

Networkx's edge and adjacency views cost more than the work on the embedded store's hot
reads and the corpus-wide named queries, so both read the dicts through this module; a
networkx release that renames them breaks this module alone.

Example:
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("Report:r1", "Policy:p", key="CITES", type="CITES", count=2)
    >>> list(typed_neighbours(g, "Policy:p", Rel.CITES, "in"))
    [('Report:r1', {'type': 'CITES', 'count': 2})]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.model import Rel
from graph.store import Direction


def node_attributes(graph: nx.MultiDiGraph, nid: str) -> dict[str, Any] | None:
    """The attributes of node ``nid``, None when the graph has no such node.

    Example:
        >>> g = nx.MultiDiGraph()
        >>> g.add_node("Region:420304", label="Region")
        >>> node_attributes(g, "Region:420304"), node_attributes(g, "Region:0")
        ({'label': 'Region'}, None)
    """
    attrs: dict[str, Any] | None = graph._node.get(nid)
    return attrs


def typed_neighbours(
    graph: nx.MultiDiGraph, nid: str, rel: Rel, direction: Direction
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(far node id, edge attributes)`` of the ``rel`` edges of ``nid`` in ``direction``."""
    for far_id, by_type in (graph._succ if direction == "out" else graph._pred)[nid].items():
        attrs = by_type.get(rel)
        if attrs is not None:
            yield far_id, attrs
