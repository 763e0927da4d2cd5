"""Per-request access to the graph store for resolvers: async, batched, cached.

Every store method is synchronous; resolvers are async. :class:`StoreGateway` runs each store
call in a worker thread (the event loop never blocks) and batches the two calls nested fields
make most — ``get_nodes`` per label and ``edges_of`` per (label, rel, direction) — through
:class:`BatchLoader`, so a nested query costs a number of store round trips bounded by its
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

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, ParamSpec, TypeVar

from anyio import to_thread

from api.errors import StoreUnavailableError
from graph.model import Label, Rel
from graph.store import Direction, Edge, GraphStats, GraphStore, Node, Page, QuerySpec, StoreError

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

EdgeKey = tuple[Label, Rel, Direction]


async def call_store(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one synchronous store call in a worker thread, translating store failures."""

    def call() -> R:
        return function(*args, **kwargs)

    try:
        return await to_thread.run_sync(call)
    except StoreError as exc:
        raise StoreUnavailableError(exc) from exc


class BatchLoader(Generic[K, V]):
    """Keys asked for in the same event-loop tick fetched in one call, answers kept for the
    request.

    Like strawberry's DataLoader, but one future per *batch* instead of one per key: a
    resolver asking for a thousand keys at once (the reports citing a policy) waits on one
    future, not a thousand. A failed fetch fails every waiter of its batch and is not cached.

    Example:
        >>> fetched = []
        >>> async def double(keys: list[int]) -> list[int]:
        ...     fetched.append(keys)
        ...     return [2 * key for key in keys]
        >>> async def ask() -> list[object]:
        ...     loader = BatchLoader(double)
        ...     return list(await asyncio.gather(loader.load(1), loader.load_many([2, 3, 1])))
        >>> asyncio.run(ask()), fetched
        ([2, [4, 6, 2]], [[1, 2, 3]])
    """

    def __init__(self, fetch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        self._fetch = fetch
        self._done: dict[K, V] = {}
        self._queued: list[K] = []
        self._next: asyncio.Future[None] | None = None  # set once the queued keys are fetched
        self._pending: dict[K, asyncio.Future[None]] = {}  # queued or being fetched
        self._tasks: set[asyncio.Task[None]] = set()  # kept alive until done

    async def load(self, key: K) -> V:
        """The value of one key."""
        [value] = await self.load_many([key])
        return value

    async def load_many(self, keys: Sequence[K]) -> list[V]:
        """The values of ``keys``, in order; one fetch for those neither cached nor pending."""
        waits = {self._wait_for(key) for key in keys if key not in self._done}
        for wait in waits:
            await wait
        return [self._done[key] for key in keys]

    def _wait_for(self, key: K) -> asyncio.Future[None]:
        pending = self._pending.get(key)
        if pending is not None:
            return pending
        if self._next is None:
            loop = asyncio.get_running_loop()
            self._next = loop.create_future()
            loop.call_soon(self._dispatch)
        self._queued.append(key)
        self._pending[key] = self._next
        return self._next

    def _dispatch(self) -> None:
        keys, batch = self._queued, self._next
        self._queued, self._next = [], None
        assert batch is not None
        task = asyncio.ensure_future(self._run(keys, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, keys: list[K], batch: asyncio.Future[None]) -> None:
        try:
            values = await self._fetch(keys)
            self._done.update(zip(keys, values, strict=True))
            batch.set_result(None)
        except Exception as exc:  # every waiter of the batch gets it
            batch.set_exception(exc)
            batch.add_done_callback(_retrieved)  # no "never retrieved" warning if none waits
        except BaseException:  # cancelled: so are the waiters, none is left hanging
            batch.cancel()
            raise
        finally:
            for key in keys:
                self._pending.pop(key, None)


def _retrieved(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


class StoreGateway:
    """The store as resolvers see it; create one per request (its caches live that long)."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self._node_loaders: dict[Label, BatchLoader[str, Node | None]] = {}
        self._edge_loaders: dict[EdgeKey, BatchLoader[str, list[Edge]]] = {}

    async def node(self, label: Label, key: str) -> Node | None:
        """One node, batched with every other node of ``label`` asked for in the same tick."""
        return await self._node_loader(label).load(key)

    async def nodes(self, label: Label, keys: Sequence[str]) -> list[Node | None]:
        """Many nodes of one label, in the order asked, batched like :meth:`node`."""
        return await self._node_loader(label).load_many(keys)

    async def edges(self, label: Label, key: str, rel: Rel, direction: Direction) -> list[Edge]:
        """The ``rel`` relationships of one node in ``direction``, batched like :meth:`node`."""
        return await self._edge_loader((label, rel, direction)).load(key)

    async def edges_many(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> list[list[Edge]]:
        """:meth:`edges` of many nodes at once, in the order asked."""
        return await self._edge_loader((label, rel, direction)).load_many(keys)

    async def find(self, label: Label, **options: Any) -> Page:
        """``GraphStore.find_nodes`` (not batched: it is only asked at the root)."""
        return await call_store(self.store.find_nodes, label, **options)

    async def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question."""
        return await call_store(self.store.run, query, params)

    async def stats(self) -> GraphStats:
        """Node and relationship counts."""
        return await call_store(self.store.stats)

    def _node_loader(self, label: Label) -> BatchLoader[str, Node | None]:
        if label not in self._node_loaders:

            async def load(keys: list[str]) -> list[Node | None]:
                return await call_store(self.store.get_nodes, label, keys)

            self._node_loaders[label] = BatchLoader(load)
        return self._node_loaders[label]

    def _edge_loader(self, edge_key: EdgeKey) -> BatchLoader[str, list[Edge]]:
        if edge_key not in self._edge_loaders:
            label, rel, direction = edge_key

            async def load(keys: list[str]) -> list[list[Edge]]:
                return await call_store(self.store.edges_of, label, keys, rel, direction)

            self._edge_loaders[edge_key] = BatchLoader(load)
        return self._edge_loaders[edge_key]
