"""What every GraphQL type's resolvers share: the request's gateway and page window, the
far ends of relationships, year filters and orders, evidence.

Example:
    >>> year_in(2020, 2019, None), year_in(None, 2019, None)
    (True, False)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import strawberry

from api.deps import FazhiContext
from api.errors import UserInputError
from api.loaders import StoreGateway
from api.schema.pagination import Window
from graph.model import Label, Rel, evidence_triples
from graph.store import Direction, Edge, Node

Info = strawberry.Info[FazhiContext, None]
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def described(description: str) -> Callable[[F], F]:
    """``@strawberry.field(description=…)`` for a resolver, keeping its type for mypy."""
    return cast(Callable[[F], F], strawberry.field(description=description))


def window(info: Info, first: int | None, after: str | None) -> Window:
    """The page asked for, checked against ``api_max_page_size``."""
    max_page_size = info.context.settings.api_max_page_size
    return Window.of(first=first, after=after, max_page_size=max_page_size)


def gateway(info: Info) -> StoreGateway:
    """The request's store gateway."""
    return info.context.gateway


def far_end(edge: Edge, direction: Direction) -> tuple[Label, str]:
    """The (label, key) at the other end of ``edge`` seen from its ``direction`` side."""
    return edge.target if direction == "out" else edge.source


async def neighbours(
    info: Info, label: Label, key: str, rel: Rel, direction: Direction
) -> list[Node]:
    """The nodes at the far end of ``rel`` relationships, sorted by key."""
    edges = await gateway(info).edges(label, key, rel, direction)
    return await far_nodes(info, edges, direction)


async def related(
    info: Info, label: Label, key: str, rel: Rel, direction: Direction, view: Callable[[Node], T]
) -> list[T]:
    """The GraphQL views (``view``) of the nodes at the far end of ``rel``, sorted by key."""
    return [view(node) for node in await neighbours(info, label, key, rel, direction)]


async def related_one(
    info: Info, label: Label, key: str, rel: Rel, direction: Direction, view: Callable[[Node], T]
) -> T | None:
    """The view of the first node (by key) at the far end of ``rel``, None when there is none."""
    nodes = await neighbours(info, label, key, rel, direction)
    return view(nodes[0]) if nodes else None


async def far_nodes(info: Info, edges: Sequence[Edge], direction: Direction) -> list[Node]:
    """The nodes at the far ends of ``edges``, sorted by key: one batched load per label."""
    keys: dict[Label, list[str]] = {}
    for edge in edges:
        far_label, far_key = far_end(edge, direction)
        keys.setdefault(far_label, []).append(far_key)
    loaded = await asyncio.gather(*(gateway(info).nodes(lbl, ks) for lbl, ks in keys.items()))
    return sorted((n for nodes in loaded for n in nodes if n is not None), key=lambda n: n.key)


def year_in(year: int | None, year_from: int | None, year_to: int | None) -> bool:
    """Whether ``year`` lies in the closed range (open ends allowed; unknown years never do)."""
    if year_from is None and year_to is None:
        return True
    if year is None:
        return False
    return (year_from is None or year >= year_from) and (year_to is None or year <= year_to)


def newest_first(node: Node) -> tuple[int, str]:
    """Sort key for reports: newest year first, unknown years last, then by id."""
    year = node.props.get("year")
    return (-year if isinstance(year, int) else 1, node.key)


def province_prefix(province_code: str | None) -> str | None:
    """The two-digit prefix every region code of a province shares (GB/T 2260)."""
    if province_code is None:
        return None
    if not (province_code.isdigit() and len(province_code) in (2, 6)):
        raise UserInputError(
            f"provinceCode must be a 6-digit GB/T 2260 code such as 420000, got {province_code!r}"
        )
    return province_code[:2]


def region_code(about: Sequence[Edge]) -> str | None:
    """The region a report is about, from its ABOUT edges (the lowest code if several)."""
    return min(edge.target[1] for edge in about) if about else None


@strawberry.type(description="The sentence a fact was read from, with its character offsets.")
class Evidence:
    text: str
    start: int
    end: int


def evidence_of(props: Mapping[str, Any]) -> list[Evidence]:
    """The evidence kept on a relationship (three parallel lists)."""
    return [Evidence(text=t, start=s, end=e) for t, s, e in evidence_triples(props)]
