"""Reading the embedded graph (networkx ``MultiDiGraph`` in the shape of :mod:`graph.model`).

Small helpers the networkx twins of the queries share, so each query reads like its Cypher.

Example:
    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("Region:420000", label="Region", name="湖北")
    >>> g.add_node("Region:420300", label="Region", name="十堰")
    >>> _ = g.add_edge("Region:420300", "Region:420000", key="PART_OF", type="PART_OF")
    >>> sorted(ancestors(g, "Region:420300"))
    ['Region:420000', 'Region:420300']
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import networkx as nx

from graph.memory_index import index_of
from graph.model import KEYS, Label, Rel, split_node_id
from graph.nxgraph import typed_neighbours

Attrs = dict[str, Any]


def nodes_of(graph: nx.MultiDiGraph, label: Label) -> Iterator[tuple[str, Attrs]]:
    """Every ``(node id, attributes)`` with this label (from the store's index when it keeps
    one: :mod:`graph.memory_index`)."""
    index = index_of(graph)
    if index is not None:
        yield from index.nodes(label)
        return
    for nid, attrs in graph.nodes(data=True):
        if attrs.get("label") == label:
            yield nid, attrs


def out_edges(graph: nx.MultiDiGraph, nid: str, rel: Rel) -> Iterator[tuple[str, Attrs]]:
    """``(target id, edge attributes)`` of the ``rel`` relationships leaving ``nid``."""
    return typed_neighbours(graph, nid, rel, "out")


def in_edges(graph: nx.MultiDiGraph, nid: str, rel: Rel) -> Iterator[tuple[str, Attrs]]:
    """``(source id, edge attributes)`` of the ``rel`` relationships arriving at ``nid``."""
    return typed_neighbours(graph, nid, rel, "in")


def targets(graph: nx.MultiDiGraph, nid: str, rel: Rel) -> list[str]:
    """Ids of the nodes ``nid`` points to through ``rel``."""
    return [target for target, _ in out_edges(graph, nid, rel)]


def ancestors(graph: nx.MultiDiGraph, region: str) -> set[str]:
    """The region and every region above it along ``PART_OF`` (Cypher ``[:PART_OF*0..]``)."""
    seen = {region}
    todo = [region]
    while todo:
        for parent in targets(graph, todo.pop(), Rel.PART_OF):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def key_of(graph: nx.MultiDiGraph, nid: str, attrs: Attrs | None = None) -> str:
    """The key property value of a node (its ``id`` or ``code``); ``attrs``: its attributes,
    when the caller holds them already."""
    label, key = split_node_id(nid)
    return str((graph.nodes[nid] if attrs is None else attrs).get(KEYS[label], key))


def prop(graph: nx.MultiDiGraph, nid: str | None, name: str) -> Any:
    """A node property, None when absent (Cypher ``n.name`` on a missing property or node)."""
    if nid is None:
        return None
    if name == KEYS[graph.nodes[nid]["label"]]:  # labels are str enums: the str is the key
        return key_of(graph, nid)
    return graph.nodes[nid].get(name)


def display_name(graph: nx.MultiDiGraph, nid: str) -> Any:
    """``coalesce(n.name, n.title)``."""
    attrs = graph.nodes[nid]
    return attrs["name"] if attrs.get("name") is not None else attrs.get("title")


def nulls_last(value: Any) -> tuple[bool, Any]:
    """Sort key that puts None after every value, as Cypher's ascending ORDER BY does."""
    return (value is None, value)
