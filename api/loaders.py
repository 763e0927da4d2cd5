"""Per-request access to the graph store for resolvers: async, batched, cached.

Every store method is synchronous; resolvers are async. :class:`StoreGateway` runs each store
call in a worker thread (the event loop never blocks) and batches the two calls nested fields
make most — ``get_nodes`` per label and ``edges_of`` per (label, rel, direction) — through
strawberry DataLoaders, so a nested query costs a number of store round trips bounded by its
depth, not by the number of items. A :class:`~graph.store.StoreError` becomes
:class:`~api.errors.StoreUnavailableError` (``store unavailable: …``).

Example:
    >>> import asyncio
    >>> from graph.memory import MemoryStore
    >>> gateway = StoreGateway(MemoryStore(data_dir=None))
    >>> asyncio.run(gateway.node(Label.REGION, "420304")) is None
    True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

from anyio import to_thread
from strawberry.dataloader import DataLoader

from api.errors import StoreUnavailableError
from graph.model import Label, Rel
from graph.store import Direction, Edge, GraphStats, GraphStore, Node, Page, QuerySpec, StoreError

P = ParamSpec("P")
R = TypeVar("R")

EdgeKey = tuple[Label, Rel, Direction]


async def call_store(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one synchronous store call in a worker thread, translating store failures."""

    def call() -> R:
        return function(*args, **kwargs)

    try:
        return await to_thread.run_sync(call)
    except StoreError as exc:
        raise StoreUnavailableError(exc) from exc


class StoreGateway:
    """The store as resolvers see it; create one per request (its caches live that long)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._node_loaders: dict[Label, DataLoader[str, Node | None]] = {}
        self._edge_loaders: dict[EdgeKey, DataLoader[str, list[Edge]]] = {}

    async def node(self, label: Label, key: str) -> Node | None:
        """One node, batched with every other node of ``label`` asked for in the same tick."""
        return await self._node_loader(label).load(key)

    async def nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        """Many nodes of one label, in the order asked: one store call for those not cached.

        Not through ``load_many``: a future and a callback per key cost more than the store
        call itself when thousands of keys are asked at once (a much-cited policy).
        """
        loader = self._node_loader(label)
        cached = {key: f for key in keys if (f := loader.cache_map.get(key)) is not None}
        missing = [key for key in dict.fromkeys(keys) if key not in cached]
        found = await call_store(self.store.get_nodes, label, missing) if missing else []
        loaded: dict[str, Node | None] = dict(zip(missing, found, strict=True))
        loader.prime_many(loaded)
        for key, future in cached.items():
            loaded[key] = await future
        return [loaded[key] for key in keys]

    async def edges(self, label: Label, key: str, rel: Rel, direction: Direction) -> list[Edge]:
        """The ``rel`` relationships of one node in ``direction``, batched like :meth:`node`."""
        return await self._edge_loader((label, rel, direction)).load(key)

    async def find(self, label: Label, **options: Any) -> Page:
        """``GraphStore.find_nodes`` (not batched: it is only asked at the root)."""
        return await call_store(self.store.find_nodes, label, **options)

    async def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question."""
        return await call_store(self.store.run, query, params)

    async def stats(self) -> GraphStats:
        """Node and relationship counts."""
        return await call_store(self.store.stats)

    def _node_loader(self, label: Label) -> DataLoader[str, Node | None]:
        if label not in self._node_loaders:

            async def load(keys: list[str]) -> list[Node | None]:
                return await call_store(self.store.get_nodes, label, keys)

            self._node_loaders[label] = DataLoader(load_fn=load)
        return self._node_loaders[label]

    def _edge_loader(self, edge_key: EdgeKey) -> DataLoader[str, list[Edge]]:
        if edge_key not in self._edge_loaders:
            label, rel, direction = edge_key

            async def load(keys: list[str]) -> list[list[Edge]]:
                return await call_store(self.store.edges_of, label, keys, rel, direction)

            self._edge_loaders[edge_key] = DataLoader(load_fn=load)
        return self._edge_loaders[edge_key]
