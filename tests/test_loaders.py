"""The per-request batch loader under the API's resolvers: batching, caching, failures."""

from __future__ import annotations

import asyncio

import pytest

from api.loaders import BatchLoader


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
