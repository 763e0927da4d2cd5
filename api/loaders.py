"""Per-request access to the graph store for resolvers: async, batched, cached.

Every store method is synchronous; resolvers are async. :class:`StoreGateway` runs each store
call in a worker thread (the event loop never blocks) and batches the two calls nested fields
make most — ``get_nodes`` per label and ``edges_of`` per (label, rel, direction) — through
:class:`BatchLoader`, so a nested query costs a number of store round trips bounded by its
depth, not by the number of items. When the store's reads queue anyway (the embedded store),
the calls of one event-loop tick also share one worker-thread hop (:class:`ThreadHops`). A
:class:`~graph.store.StoreError` becomes :class:`~api.errors.StoreUnavailableError`
(``store unavailable: …``).

A request's store calls run under its :class:`RequestWork`: at most ``api_request_threads``
worker threads at once, and once the request has ended (answered, timed out or cancelled:
:meth:`StoreGateway.stop`) no call of it starts any more and its pending loads are cancelled.
A call already running in a thread cannot be interrupted; it is abandoned (its answer
dropped) and the request answers at once.

Example:
    >>> import asyncio
    >>> from graph.memory import MemoryStore
    >>> async def unknown_region() -> Node | None:  # loads are asked inside the event loop
    ...     gateway = StoreGateway(MemoryStore(data_dir=None))
    ...     return await gateway.node(Label.REGION, "420304")
    >>> asyncio.run(unknown_region()) is None
    True
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, NamedTuple, ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread

from api.errors import RequestStoppedError, StoreUnavailableError
from config.settings import Settings
from graph.model import Label, Rel
from graph.store import (
    CitationPage,
    Direction,
    Edge,
    GraphStats,
    GraphStore,
    Node,
    Page,
    QuerySpec,
    StoreError,
)

P = ParamSpec("P")
R = TypeVar("R")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

EdgeKey = tuple[Label, Rel, Direction]


async def call_store(function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run one synchronous store call in a worker thread, translating store failures.

    When the caller is cancelled (a time limit) it gets control back at once; the thread is
    abandoned to finish on its own and its answer dropped.
    """

    def call() -> R:
        return function(*args, **kwargs)

    try:
        return await to_thread.run_sync(call, abandon_on_cancel=True)
    except StoreError as exc:
        raise StoreUnavailableError(exc) from exc


class RequestWork:
    """The store work of one request: at most ``threads`` worker threads at once (so one
    expensive request never holds every worker), and a stop flag checked before each store
    call (the worker threads see it too).

    Example:
        >>> work = RequestWork(threads=2)
        >>> asyncio.run(work.run(len, "abc"))
        3
        >>> work.stop()
        >>> asyncio.run(work.run(len, "abc"))
        Traceback (most recent call last):
        api.errors.RequestStoppedError: the request has ended: its remaining store calls are skipped
    """

    def __init__(self, *, threads: int = 40) -> None:  # 40: anyio's own default
        self.limiter = CapacityLimiter(max(1, threads))
        self._stopped = threading.Event()

    @property
    def stopped(self) -> bool:
        """Whether the request has ended."""
        return self._stopped.is_set()

    def stop(self) -> None:
        """No store call of this request starts from now on."""
        self._stopped.set()

    def check(self) -> None:
        """Raise :class:`RequestStoppedError` once the request has ended."""
        if self._stopped.is_set():
            raise RequestStoppedError

    async def run(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``function(*args, **kwargs)`` in one of this request's worker threads, unless the
        request has ended (before or while waiting for a thread); store failures translated,
        abandoned when the caller is cancelled."""

        def call() -> R:
            self.check()  # it may have waited for a thread while the request ended
            return function(*args, **kwargs)

        self.check()
        try:
            return await to_thread.run_sync(call, abandon_on_cancel=True, limiter=self.limiter)
        except StoreError as exc:
            raise StoreUnavailableError(exc) from exc


class ThreadHops:
    """Runs store calls in worker threads; calls asked in the same event-loop tick share one
    hop when ``shared`` (the store's reads would queue on its lock anyway).

    A hop to a worker thread and back costs a few hundred microseconds, about as much as a
    small read of the embedded store. The fields of one query level ask for their data in the
    same tick, so sharing the hop makes a level cost one hop instead of one per field. With a
    database server (``shared=False``) every call keeps its own thread: there the calls
    overlap on the server. Each call gets its own answer or exception.

    Example:
        >>> async def two() -> list[int]:
        ...     hops = ThreadHops(shared=True)
        ...     return list(await asyncio.gather(hops.call(len, "ab"), hops.call(abs, -3)))
        >>> asyncio.run(two())
        [2, 3]
    """

    def __init__(self, *, shared: bool, work: RequestWork | None = None) -> None:
        self.shared = shared
        self.work = work or RequestWork()
        self._queued: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []
        self._hops: set[asyncio.Task[None]] = set()  # kept alive until done

    async def call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """``function(*args, **kwargs)`` in a worker thread, store failures translated."""
        if not self.shared:
            return await self.work.run(function, *args, **kwargs)
        self.work.check()
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[R] = loop.create_future()
        self._queued.append((partial(function, *args, **kwargs), answer))
        if len(self._queued) == 1:  # the hop starts once this tick has queued its calls
            hop = loop.create_task(self._hop())
            self._hops.add(hop)
            hop.add_done_callback(self._hops.discard)
        return await answer

    def cancel(self) -> None:
        """Cancel the hops still running (their waiters are cancelled with them)."""
        for hop in list(self._hops):
            hop.cancel()

    async def _hop(self) -> None:
        calls, self._queued = self._queued, []
        try:
            functions = [function for function, _ in calls]
            outcomes = await self.work.run(_run_each, functions, self.work)
        except BaseException:  # cancelled: so are the waiters, none is left hanging
            for _, answer in calls:
                answer.cancel()
            raise
        for (_, answer), (value, error) in zip(calls, outcomes, strict=True):
            if answer.done():  # its waiter was cancelled
                continue
            if error is None:
                answer.set_result(value)
            else:
                answer.set_exception(error)


def _run_each(
    calls: Sequence[Callable[[], Any]], work: RequestWork
) -> list[tuple[Any, Exception | None]]:
    """Each call's (value, None) or (None, exception), store failures translated; the calls
    after the request has ended are skipped (RequestStoppedError)."""
    outcomes: list[tuple[Any, Exception | None]] = []
    for function in calls:
        try:
            work.check()
            outcomes.append((function(), None))
        except StoreError as exc:
            outcomes.append((None, StoreUnavailableError(exc)))
        except Exception as exc:
            outcomes.append((None, exc))
    return outcomes


class BatchLoader(Generic[K, V]):
    """Keys asked for in the same event-loop tick fetched in one call, answers kept for the
    request.

    Like strawberry's DataLoader, but one future per *batch* instead of one per key: a
    resolver asking for a thousand keys at once (the reports citing a policy) waits on one
    future, not a thousand. A failed fetch fails every waiter of its batch and is not cached.

    It pays: with strawberry's DataLoader in its place (``python -m bench.api --variant
    dataloader``, 10,000-report embedded graph) a policy's 50 citations took a p50 of 117 ms
    instead of 67 ms (GraphQL/bare 1.69 instead of 1.01), the region query 1.50 instead of 1.43.

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

    def load(self, key: K) -> Awaitable[V]:
        """The value of one key (queued when called, like :meth:`load_many`)."""
        return self._value(self.load_many([key]))

    def load_many(self, keys: Sequence[K]) -> Awaitable[list[V]]:
        """The values of ``keys``, in order; one fetch for those neither cached nor pending.

        The keys are queued when this is called, not when it is awaited, so loads handed
        to ``asyncio.gather`` join the batch of the tick they were asked in.
        """
        waits: set[asyncio.Future[None]] = set()
        fresh: list[K] = []
        for key in dict.fromkeys(keys):  # in a loop, not a call per key: pages ask thousands
            if key in self._done:
                continue
            pending = self._pending.get(key)
            if pending is None:
                fresh.append(key)
            else:
                waits.add(pending)
        if fresh:
            waits.add(self._queue(fresh))
        return self._values(keys, waits)

    async def _values(self, keys: Sequence[K], waits: set[asyncio.Future[None]]) -> list[V]:
        for wait in waits:
            await wait
        return list(map(self._done.__getitem__, keys))

    @staticmethod
    async def _value(values: Awaitable[list[V]]) -> V:
        [value] = await values
        return value

    def _queue(self, keys: list[K]) -> asyncio.Future[None]:
        """Add ``keys`` (neither done nor pending) to the next batch; its future."""
        if self._next is None:
            loop = asyncio.get_running_loop()
            self._next = loop.create_future()
            loop.call_soon(self._dispatch)
        self._queued.extend(keys)
        self._pending.update(dict.fromkeys(keys, self._next))
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
            if not batch.done():  # done: cancelled by its waiters (the request timed out)
                batch.set_result(None)
        except Exception as exc:  # every waiter of the batch gets it
            if not batch.done():
                batch.set_exception(exc)
                batch.add_done_callback(_retrieved)  # no "never retrieved" warning if none waits
        except BaseException:  # cancelled: so are the waiters, none is left hanging
            batch.cancel()
            raise
        finally:
            for key in keys:
                self._pending.pop(key, None)

    def cancel(self) -> None:
        """Cancel the fetches in flight and their waiters (the request has ended)."""
        for task in list(self._tasks):
            task.cancel()


def _retrieved(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()


class CitationAsk(NamedTuple):
    """Which page of a policy's citations is asked for (the arguments of
    ``GraphStore.citations`` besides the policies)."""

    limit: int
    offset: int = 0
    year_from: int | None = None
    year_to: int | None = None
    province: str | None = None


class StoreGateway:
    """The store as resolvers see it; create one per request (its caches live that long).

    ``reads_in_parallel``: whether the store runs reads from several threads at once (a
    database server) rather than one after another (the embedded store's lock); when it does
    not, the calls of one tick share one thread hop (:class:`ThreadHops`). A scheduling choice
    of the API, so the API makes it (:func:`reads_in_parallel`), not the storage Protocol.
    """

    def __init__(
        self, store: GraphStore, *, reads_in_parallel: bool = False, threads: int = 4
    ) -> None:
        self.store = store
        self.work = RequestWork(threads=threads)
        self._hops = ThreadHops(shared=not reads_in_parallel, work=self.work)
        self._node_loaders: dict[Label, BatchLoader[str, Node | None]] = {}
        self._edge_loaders: dict[EdgeKey, BatchLoader[str, list[Edge]]] = {}
        self._citation_loaders: dict[CitationAsk, BatchLoader[str, CitationPage]] = {}

    def stop(self) -> None:
        """The request has ended: no more store calls, pending loads and hops cancelled."""
        self.work.stop()
        self._hops.cancel()
        for node_loader in self._node_loaders.values():
            node_loader.cancel()
        for edge_loader in self._edge_loaders.values():
            edge_loader.cancel()
        for citation_loader in self._citation_loaders.values():
            citation_loader.cancel()

    def node(self, label: Label, key: str) -> Awaitable[Node | None]:
        """One node, batched with every other node of ``label`` asked for in the same tick."""
        return self._node_loader(label).load(key)

    def nodes(self, label: Label, keys: Sequence[str]) -> Awaitable[list[Node | None]]:
        """Many nodes of one label, in the order asked, batched like :meth:`node` (queued
        when called, like :meth:`BatchLoader.load_many`)."""
        return self._node_loader(label).load_many(keys)

    def edges(
        self, label: Label, key: str, rel: Rel, direction: Direction
    ) -> Awaitable[list[Edge]]:
        """The ``rel`` relationships of one node in ``direction``, batched like :meth:`node`."""
        return self._edge_loader((label, rel, direction)).load(key)

    def edges_many(
        self, label: Label, keys: Sequence[str], rel: Rel, direction: Direction
    ) -> Awaitable[list[list[Edge]]]:
        """:meth:`edges` of many nodes at once, in the order asked (queued when called)."""
        return self._edge_loader((label, rel, direction)).load_many(keys)

    def citations(self, policy: str, ask: CitationAsk) -> Awaitable[CitationPage]:
        """One page of a policy's citations (``GraphStore.citations``), batched with the
        other policies asking for the same page in the same tick."""
        if ask not in self._citation_loaders:

            async def load(keys: list[str]) -> list[CitationPage]:
                return await self.call(self.store.citations, keys, **ask._asdict())

            self._citation_loaders[ask] = BatchLoader(load)
        return self._citation_loaders[ask].load(policy)

    async def call(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Any synchronous function of the store (``lookups.find_region(store, …)``) in a
        worker thread, sharing the hop of its tick when the store's reads queue."""
        return await self._hops.call(function, *args, **kwargs)

    async def find(self, label: Label, **options: Any) -> Page:
        """``GraphStore.find_nodes`` (not batched: it is only asked at the root)."""
        return await self.call(self.store.find_nodes, label, **options)

    async def run(self, query: QuerySpec, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Answer a named research question."""
        return await self.call(self.store.run, query, params)

    async def stats(self) -> GraphStats:
        """Node and relationship counts."""
        return await self.call(self.store.stats)

    def _node_loader(self, label: Label) -> BatchLoader[str, Node | None]:
        if label not in self._node_loaders:

            async def load(keys: list[str]) -> list[Node | None]:
                return await self.call(self.store.get_nodes, label, keys)

            self._node_loaders[label] = BatchLoader(load)
        return self._node_loaders[label]

    def _edge_loader(self, edge_key: EdgeKey) -> BatchLoader[str, list[Edge]]:
        if edge_key not in self._edge_loaders:
            label, rel, direction = edge_key

            async def load(keys: list[str]) -> list[list[Edge]]:
                return await self.call(self.store.edges_of, label, keys, rel, direction)

            self._edge_loaders[edge_key] = BatchLoader(load)
        return self._edge_loaders[edge_key]


def reads_in_parallel(settings: Settings) -> bool:
    """Whether the configured store runs concurrent reads side by side: Neo4j gives each call
    its own session on the driver's pool; the embedded store holds its lock (and Python's).

    Example:
        >>> from config import get_settings
        >>> reads_in_parallel(get_settings(store="neo4j")), reads_in_parallel(get_settings())
        (True, False)
    """
    return settings.store == "neo4j"
