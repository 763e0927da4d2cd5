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

from graph.store import CitationPage, Direction, Edge, Node


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


def citation_page(
    edges: Sequence[Edge],
    years: Mapping[str, int | None],
    regions: Mapping[str, str | None],
    *,
    limit: int,
    offset: int = 0,
    year_from: int | None = None,
    year_to: int | None = None,
    province: str | None = None,
) -> CitationPage:
    """The page :meth:`graph.store.GraphStore.citations` answers, from all of a policy's CITES
    ``edges``, the year of each citing report and its region code (by report id).

    Example:
        >>> from graph.model import Label, Rel
        >>> cites = [Edge(Rel.CITES, (Label.REPORT, r), (Label.POLICY, "p")) for r in "abc"]
        >>> page = citation_page(cites, {"a": 2020, "b": None, "c": 2023}, {}, limit=2)
        >>> [e.source[1] for e in page.edges], page.years, page.total
        (['c', 'a'], [2023, 2020], 3)
    """

    def kept(edge: Edge) -> bool:
        report = edge.source[1]
        if not _year_within(years.get(report), year_from, year_to):
            return False
        code = regions.get(report)
        return province is None or (code is not None and code[:2] == province)

    ordered = sorted(
        filter(kept, edges), key=lambda e: (-(years.get(e.source[1]) or 0), e.source[1])
    )
    shown = ordered[max(0, offset) : max(0, offset) + max(0, limit)]
    return CitationPage(shown, [years.get(e.source[1]) for e in shown], len(ordered))


def _year_within(year: int | None, year_from: int | None, year_to: int | None) -> bool:
    """Whether ``year`` lies in the closed range; unknown years only when no bound is given."""
    if year_from is None and year_to is None:
        return True
    if year is None:
        return False
    return (year_from is None or year >= year_from) and (year_to is None or year <= year_to)
