"""The per-request batch loader and thread hops under the API's resolvers: batching, caching,
shared hops, failures."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.errors import StoreUnavailableError
from api.loaders import BatchLoader, StoreGateway, ThreadHops
from graph.model import Label, Rel
from graph.store import StoreError
from tests.api_support import CountingStore, filled_memory_store


class Fetcher:
    """A fetch function that records its batches and can fail its first call."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.batches: list[list[str]] = []
        self.fail_first = fail_first
        self.fetching = asyncio.Event()  # set while a fetch is in flight
        self.release = asyncio.Event()  # a fetch returns once this is set
        self.release.set()

    async def __call__(self, keys: list[str]) -> list[str]:
        self.batches.append(keys)
        self.fetching.set()
        await self.release.wait()  # a real store call yields to the loop
        self.fetching.clear()
        if self.fail_first and len(self.batches) == 1:
            raise ConnectionError("store down")
        return [key.upper() for key in keys]


async def test_keys_asked_in_one_tick_are_fetched_in_one_call_in_order() -> None:
    fetch = Fetcher()
    loader = BatchLoader(fetch)
    one, many, again = await asyncio.gather(
        loader.load("a"), loader.load_many(["b", "a", "c"]), loader.load("b")
    )
    assert (one, many, again) == ("A", ["B", "A", "C"], "B")
    assert fetch.batches == [["a", "b", "c"]]


async def test_answers_are_cached_and_keys_in_flight_are_not_fetched_twice() -> None:
    fetch = Fetcher()
    fetch.release.clear()
    loader = BatchLoader(fetch)
    first = asyncio.ensure_future(loader.load_many(["a", "b"]))
    await fetch.fetching.wait()  # the first batch is in flight
    second = asyncio.ensure_future(loader.load_many(["b", "c"]))
    await asyncio.sleep(0)
    fetch.release.set()
    assert (await first, await second) == (["A", "B"], ["B", "C"])
    assert await loader.load_many(["c", "a"]) == ["C", "A"]
    assert fetch.batches == [["a", "b"], ["c"]]


async def test_a_failed_fetch_fails_every_waiter_and_is_not_cached() -> None:
    fetch = Fetcher(fail_first=True)
    loader = BatchLoader(fetch)
    results = await asyncio.gather(loader.load("a"), loader.load("b"), return_exceptions=True)
    assert [type(r) for r in results] == [ConnectionError, ConnectionError]
    assert await loader.load_many(["a", "b"]) == ["A", "B"]
    assert fetch.batches == [["a", "b"], ["a", "b"]]


async def test_an_empty_request_fetches_nothing() -> None:
    fetch = Fetcher()
    assert await BatchLoader(fetch).load_many([]) == []
    assert fetch.batches == []


async def test_a_cancelled_fetch_cancels_its_waiters_instead_of_leaving_them_hanging() -> None:
    fetch = Fetcher()
    fetch.release.clear()
    loader = BatchLoader(fetch)
    waiter = asyncio.ensure_future(loader.load("a"))
    await fetch.fetching.wait()
    [running] = loader._tasks
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiter, timeout=5)
    fetch.release.set()
    assert await loader.load("a") == "A"


# --- thread hops ----------------------------------------------------------------------------


class Recorder:
    """Synchronous calls that note the thread they ran in."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, int]] = []

    def __call__(self, name: str) -> str:
        self.ran.append((name, threading.get_ident()))
        return name.upper()


async def test_calls_of_one_tick_share_one_worker_thread_hop_in_the_order_asked() -> None:
    record = Recorder()
    hops = ThreadHops(shared=True)
    answers = await asyncio.gather(*(hops.call(record, name) for name in "abc"))
    assert answers == ["A", "B", "C"]
    assert [name for name, _ in record.ran] == ["a", "b", "c"]
    assert len({thread for _, thread in record.ran}) == 1
    assert threading.get_ident() not in {thread for _, thread in record.ran}


async def test_a_shared_hop_gives_each_call_its_own_exception() -> None:
    def broken() -> None:
        raise StoreError("connection reset")

    def wrong() -> None:
        raise ValueError("bad key")

    hops = ThreadHops(shared=True)
    fine, down, bad = await asyncio.gather(
        hops.call(len, "ab"), hops.call(broken), hops.call(wrong), return_exceptions=True
    )
    assert fine == 2
    assert isinstance(down, StoreUnavailableError)
    assert down.detail == "connection reset"  # for the server log, not the client
    assert isinstance(bad, ValueError)


async def test_a_cancelled_waiter_leaves_the_other_calls_of_its_hop_answered() -> None:
    hops = ThreadHops(shared=True)
    cancelled = asyncio.ensure_future(hops.call(len, "abc"))
    kept = asyncio.ensure_future(hops.call(len, "ab"))
    await asyncio.sleep(0)  # both queued in the same hop
    cancelled.cancel()
    assert await kept == 2
    assert cancelled.cancelled()


async def test_unshared_calls_run_in_threads_side_by_side() -> None:
    both_inside = threading.Barrier(2, timeout=10)  # passes only when two threads wait at once
    hops = ThreadHops(shared=False)
    assert await asyncio.gather(hops.call(both_inside.wait), hops.call(both_inside.wait))


class ThreadNotingStore(CountingStore):
    """The test store, noting the thread of each read."""

    def __init__(self) -> None:
        super().__init__(filled_memory_store())
        self.threads: list[int] = []

    def _count(self, name: str) -> None:
        self.threads.append(threading.get_ident())
        super()._count(name)


@pytest.mark.parametrize("parallel", [False, True])
async def test_the_gateway_shares_hops_only_when_the_store_reads_one_at_a_time(
    parallel: bool,
) -> None:
    store = ThreadNotingStore()
    gateway = StoreGateway(store, reads_in_parallel=parallel)
    regions, edges = await asyncio.gather(
        gateway.nodes(Label.REGION, ["420304"]),
        gateway.edges(Label.REGION, "420304", Rel.PART_OF, "out"),
    )
    assert regions[0] is not None
    assert regions[0].key == "420304"
    assert edges
    assert len(store.threads) == 2
    assert gateway._hops.shared is not parallel
    if not parallel:  # one hop: both reads in one thread
        assert len(set(store.threads)) == 1
