"""The ``GraphStore`` Protocol every store implements, and the plain records it speaks in.

Stores never parse text: they take an :class:`~ingest.model.Extraction` and write it.
Reads are generic and batched (one call for many keys) so the API can avoid N+1 queries;
research questions are :class:`QuerySpec` objects from ``queries/`` that carry both a Cypher
text and an equivalent networkx function.

Example:
    >>> from graph.memory import MemoryStore
    >>> store: GraphStore = MemoryStore(data_dir=None)
    >>> store.stats().nodes
    {}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Protocol, Self, runtime_checkable

import networkx as nx

from graph.model import Label, Rel
from ingest.model import Extraction

Direction = Literal["out", "in"]
UpsertStatus = Literal["new", "unchanged", "replaced"]


class StoreError(RuntimeError):
    """A store could not do what was asked (unreachable, bad credentials, failed write)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A node: its label, key value and properties (the key is not repeated in ``props``)."""

    label: Label
    key: str
    props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edge:
    """A relationship between two nodes, given by (label, key) at each end."""

    type: Rel
    source: tuple[Label, str]
    target: tuple[Label, str]
    props: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of nodes and the total number that matched."""

    items: Sequence[Node]
    total: int


@dataclass(frozen=True, slots=True)
class CitationPage:
    """One page of a policy's citations: CITES edges, the year of each citing report (None
    when unknown), and how many citations matched in all."""

    edges: Sequence[Edge]
    years: Sequence[int | None]
    total: int


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """What one ``upsert_report`` did."""

    report_id: str
    status: UpsertStatus
    nodes_written: int = 0
    relationships_written: int = 0
    replaced_id: str | None = None  # the previous report id of the same source, when replaced


@dataclass(frozen=True, slots=True)
class GraphStats:
    """Counts by node label and by relationship type (only non-zero entries)."""

    nodes: Mapping[str, int]
    relationships: Mapping[str, int]


class QuerySpec(Protocol):
    """A named research question, answerable by either store (implemented in ``queries/``)."""

    @property
    def name(self) -> str: ...

    @property
    def cypher(self) -> str: ...

    def run_networkx(
        self, graph: nx.MultiDiGraph, params: Mapping[str, Any]
    ) -> list[dict[str, Any]]: ...


class ClosesOnExit:
    """``with`` support for a class with a ``close()``: the end of the block closes it.

    Example:
        >>> class Door(ClosesOnExit):
        ...     shut = False
        ...     def close(self) -> None:
        ...         self.shut = True
        >>> with Door() as door:
        ...     pass
        >>> door.shut
        True
    """

    def close(self) -> None:
        """Release what the object holds."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@runtime_checkable
class GraphStore(Protocol):
    """One knowledge graph, embedded or in Neo4j; both give the same answers."""

    # --- writes -----------------------------------------------------------------------
    def upsert_report(self, extraction: Extraction) -> UpsertResult:
        """Write one report's facts atomically; same content → unchanged, same source → replaced."""
        ...

    def upsert_reports(self, extractions: Sequence[Extraction]) -> list[UpsertResult | StoreError]:
        """Write reports as ``upsert_report`` one by one would, in fewer transactions; a report
        that cannot be written leaves nothing behind and its place holds the StoreError."""
        ...

    def delete_report(self, report_id: str) -> bool:
        """Remove a report and the entities only it referred to; False if it was not there."""
        ...

    def clear(self) -> None:
        """Remove everything."""
        ...

    # --- reads ------------------------------------------------------------------------
    def ping(self) -> None:
        """Raise :class:`StoreError` when the store cannot answer."""
        ...

    def stats(self) -> GraphStats:
        """Node counts by label and relationship counts by type."""
        ...

    def get_nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        """The nodes with these keys, in the order asked (None where missing)."""
        ...

    def edges_of(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> list[list[Edge]]:
        """For each key, its ``rel`` relationships in ``direction``, by the far end's key."""
        ...

    def find_nodes(
        self,
        label: Label,
        *,
        where: Mapping[str, Any] | None = None,
        order_by: str | None = None,
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Nodes of ``label`` whose properties equal ``where``, ordered (key breaks ties)."""
        ...

    def citations(
        self,
        policies: Sequence[str],
        *,
        limit: int = 50,
        offset: int = 0,
        year_from: int | None = None,
        year_to: int | None = None,
        province: str | None = None,
    ) -> list[CitationPage]:
        """For each policy key, the reports citing it as one page of CITES edges:
        newest report year first (unknown years last), then report id; only years within
        ``year_from``..``year_to`` when either is given (unknown years then never match);
        only reports whose region code (the lowest they are ABOUT) starts with the two-digit
        ``province`` prefix when given. Ordered and paged inside the store, evidence read for
        the page only (:func:`graph.order.citation_page` is the reference); one call for
        many policies (a nested GraphQL list asks for all of its items' pages at once)."""
        ...

    def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question."""
        ...

    def dump(self) -> tuple[list[Node], list[Edge]]:
        """Every node and relationship, sorted (for export and contract tests)."""
        ...

    # --- lifecycle --------------------------------------------------------------------
    def close(self) -> None:
        """Release connections and flush."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
