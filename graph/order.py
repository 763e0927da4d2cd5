"""How both stores filter and order what they answer, so they answer in the same order.

Missing values sort as Neo4j places them (last ascending, first descending) and the key
breaks ties, so a page of the embedded store is the page Neo4j would return. (Relationships
of a whole dump are ordered by :func:`graph.rows.sort_edges`.)

Example:
    >>> from graph.model import Label
    >>> nodes = [Node(Label.POLICY, "b", {"year": 2020}), Node(Label.POLICY, "a", {})]
    >>> [n.key for n in order_nodes(nodes, "year", descending=False)]
    ['b', 'a']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graph.store import Direction, Edge, Node


def matches(props: Mapping[str, Any], where: Mapping[str, Any]) -> bool:
    """Equality filter: every ``where`` item equals the property (None: property absent).

    Example:
        >>> matches({"year": 2020}, {"year": 2020, "kind": None})
        True
    """
    return all(
        (name not in props) if value is None else props.get(name) == value
        for name, value in where.items()
    )


def order_nodes(nodes: Sequence[Node], order_by: str | None, *, descending: bool) -> list[Node]:
    """Nodes by key, then stably by ``order_by`` with missing values as Neo4j places them."""
    by_key = sorted(nodes, key=lambda n: n.key)
    if order_by is None:
        return by_key[::-1] if descending else by_key
    present = [n for n in by_key if n.props.get(order_by) is not None]
    absent = [n for n in by_key if n.props.get(order_by) is None]
    present.sort(key=lambda n: n.props[order_by], reverse=descending)
    return absent + present if descending else present + absent


def sort_nodes(nodes: Sequence[Node]) -> list[Node]:
    """Nodes by label, then key.

    Example:
        >>> from graph.model import Label
        >>> [n.key for n in sort_nodes([Node(Label.REPORT, "r"), Node(Label.POLICY, "p")])]
        ['p', 'r']
    """
    return sorted(nodes, key=lambda n: (n.label.value, n.key))


def order_far_edges(edges: Sequence[Edge], direction: Direction) -> list[Edge]:
    """Edges of one node by the far end's key, then type, then label."""

    def far(edge: Edge) -> tuple[str, str, str]:
        label, key = edge.target if direction == "out" else edge.source
        return (key, edge.type, label)  # StrEnum members compare as their values, no lookup

    return sorted(edges, key=far)
