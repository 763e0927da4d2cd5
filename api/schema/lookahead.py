"""Look-ahead: the fields a connection's items are asked for, so the connection fetches what
they need for the whole page in one batched call each.

Example:
    >>> list(selected_item_fields([]))
    []
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from graphql import OperationDefinitionNode
from graphql.pyutils import Path
from strawberry.types.base import StrawberryOptional, get_object_definition
from strawberry.types.lazy_type import LazyType
from strawberry.types.nodes import SelectedField, Selection

from api.schema.common import Info
from graph.store import Node

T = TypeVar("T")


def item_fields(info: Info) -> frozenset[str]:
    """The fields a connection's selection asks of its items (under ``edges.node`` and
    ``nodes``, fragments included), so the resolver can fetch them for the whole page.

    Connections fetch what their items are asked for in one batched call each, and the item
    fields then resolve without awaiting: a page of 50 costs 50 attribute reads, not 50
    resolver coroutines and loader futures. Field names depend only on the query document
    and the field's place in it, so they are remembered per (operation, path): building
    strawberry's ``selected_fields`` cost more than the rest of a small connection.
    """
    place = (id(info.operation), field_place(info.path))
    known = _ITEM_FIELDS.get(place)
    if known is not None and known[0] is info.operation:  # the id is not another's, reused
        return known[1]
    # one entry per field node the response key merges (the same field asked twice)
    names = frozenset(
        name for field in info.selected_fields for name in selected_item_fields(field.selections)
    )
    _ITEM_FIELDS[place] = (info.operation, names)
    while len(_ITEM_FIELDS) > ITEM_FIELDS_KEPT:
        del _ITEM_FIELDS[next(iter(_ITEM_FIELDS))]  # the oldest entry
    return names


ITEM_FIELDS_KEPT = 2048


Place = tuple[tuple[str, str | None], ...]


_ITEM_FIELDS: dict[tuple[int, Place], tuple[OperationDefinitionNode, frozenset[str]]] = {}


def field_place(path: Path) -> Place:
    """Where a field sits in its document: the response keys and parent types on its path,
    list indices left out (every item of a list has the same selection). A response key
    names one field per parent type (GraphQL's field merging), so this names one field."""
    place = []
    step: Path | None = path
    while step is not None:
        if isinstance(step.key, str):
            place.append((step.key, step.typename))
        step = step.prev
    return tuple(place)


def selected_item_fields(selections: Sequence[Selection]) -> Iterator[str]:
    """The names of the fields under ``nodes`` and ``edges.node`` of a connection's selection."""
    for part in fields_of(selections):
        if part.name == "nodes":
            yield from (f.name for f in fields_of(part.selections))
        elif part.name == "edges":
            for node in (f for f in fields_of(part.selections) if f.name == "node"):
                yield from (f.name for f in fields_of(node.selections))


def fields_of(selections: Sequence[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set, looking through fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from fields_of(selection.selections)


@dataclass(frozen=True, slots=True)
class End(Generic[T]):
    """How to fill one plain end field of a page's items: ``load`` the node at that end of
    every item (None where it has none) in one call, then ``view`` each as its GraphQL type."""

    load: Callable[[Info, Sequence[T]], Awaitable[list[Node | None]]]
    view: Callable[[Node], Any]


async def fill_ends(info: Info, items: Sequence[T], ends: Mapping[str, End[T]]) -> None:
    """Fill the fields of ``ends`` that the items are asked for, side by side, one batched
    load each; the fields not asked for stay None and cost nothing.

    Every plain end field of an item type must be in its ``ends`` (a test checks each type's
    fields against :func:`plain_end_fields`), or it would answer null without a word.
    """
    asked = [name for name in ends if name in item_fields(info)]
    loaded = await asyncio.gather(*(ends[name].load(info, items) for name in asked))
    for name, nodes in zip(asked, loaded, strict=True):
        view = ends[name].view
        for item, node in zip(items, nodes, strict=True):
            setattr(item, name, view(node) if node is not None else None)


def plain_end_fields(cls: type) -> frozenset[str]:
    """The fields of a strawberry type that hold another object type, have no resolver and
    start as None: the ones a connection must fill (:func:`fill_ends`).

    Example:
        >>> from api.schema.report import Citation
        >>> sorted(plain_end_fields(Citation))
        ['policy', 'region', 'report']
    """
    definition = get_object_definition(cls, strict=True)
    return frozenset(
        field.python_name
        for field in definition.fields
        if field.base_resolver is None and field.default is None and _holds_object(field.type)
    )


def _holds_object(field_type: Any) -> bool:
    inner = field_type.of_type if isinstance(field_type, StrawberryOptional) else field_type
    if isinstance(inner, LazyType):
        inner = inner.resolve_type()
    return get_object_definition(inner) is not None
