"""The API under hostile or unlucky requests: a slow query is answered with the timeout error
while /healthz and other requests go on, and its store work stops; malformed and oversized
bodies get 400 / 413; errors never echo a huge argument nor the store's insides, and user errors
are logged as one line."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from api.app import create_app
from api.loaders import RequestWork
from api.schema.pagination import encode_cursor
from config.settings import Settings, get_settings
from graph.factory import open_store
from graph.store import GraphStore
from tests.api_support import (  # noqa: F401 (abc_store: the `store` fixture)
    UNREACHABLE,
    CountingStore,
    abc_store,
    error_messages,
    filled_memory_store,
    post_graphql,
)

NESTED = "{ reports(first: 5) { nodes { title region { name } cites { totalCount } } } }"


class BlockingStore(CountingStore):
    """The test store whose ``edges_of`` blocks until released (a slow database call)."""

    def __init__(self) -> None:
        super().__init__(filled_memory_store())
        self.entered = threading.Event()  # a blocked call has started
        self.release = threading.Event()
        self.left = threading.Event()  # the blocked call has returned

    def _count(self, name: str) -> None:
        super()._count(name)
        if name == "edges_of" and not self.release.is_set():
            self.entered.set()
            self.release.wait(timeout=30)
            self.left.set()


def client_for(store: GraphStore, **overrides: Any) -> httpx.AsyncClient:
    """An HTTP client for an app with these settings over ``store``."""
    app = create_app(get_settings(api_graphiql=False, **overrides), store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(filled_memory_store()) as http:
        yield http


# --- timeouts that stop the work -------------------------------------------------------------


async def test_a_slow_query_gets_the_timeout_error_while_healthz_answers() -> None:
    store = BlockingStore()
    unhandled: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _, context: unhandled.append(context))
    async with client_for(store, api_query_timeout_s=0.5) as http:
        slow = asyncio.ensure_future(post_graphql(http, NESTED))
        await asyncio.to_thread(store.entered.wait, 10)  # the store call is under way
        health = await http.get("/healthz")
        assert not slow.done()  # /healthz answered while the slow query was still running
        status, body = await slow
        assert not store.left.is_set()  # answered at the limit, not when the store returned
    assert health.json() == {"status": "ok"}
    assert status == 200
    assert body["data"] is None
    assert body["errors"][0]["message"] == "query exceeded 0.5 s (api_query_timeout_s)"
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TIMEOUT"}
    calls = store.round_trips
    store.release.set()
    await asyncio.to_thread(store.left.wait, 10)
    await asyncio.sleep(0.1)  # anything still scheduled would run now
    gc.collect()  # an unretrieved task exception is reported when the task is collected
    assert store.round_trips == calls  # the request's work stopped: no store call after it
    assert unhandled == []  # no "Task exception was never retrieved … InvalidStateError"


async def test_a_cheap_query_answers_while_a_slow_one_runs() -> None:
    store = BlockingStore()
    async with client_for(store, api_query_timeout_s=5.0) as http:
        slow = asyncio.ensure_future(post_graphql(http, NESTED))
        await asyncio.to_thread(store.entered.wait, 10)
        status, body = await post_graphql(http, "{ stats { nodeTotal } }")
        assert not slow.done()
        store.release.set()
        slow_status, slow_body = await slow
    assert status == 200
    assert body["data"]["stats"]["nodeTotal"] > 0
    assert slow_status == 200
    assert "errors" not in slow_body


async def test_one_request_holds_at_most_its_threads() -> None:
    work = RequestWork(threads=2)
    inside = 0
    most = 0
    lock = threading.Lock()
    gate = threading.Event()

    def call() -> None:
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        gate.wait(timeout=0.2)
        with lock:
            inside -= 1

    await asyncio.gather(*(work.run(call) for _ in range(6)))
    assert most == 2


# --- malformed and oversized bodies -------------------------------------------------------------


async def post_raw(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    """POST ``body`` to /graphql as JSON, as it is."""
    return await client.post("/graphql", content=body, headers={"content-type": "application/json"})


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b'{"query": "{ stats { nodeTotal } }\xff"}', "the request body is not valid UTF-8 (byte"),
        (b"[" * 100_000 + b"]" * 100_000, "the request body's JSON is nested too deeply"),
        (b"5", "the request body must be a JSON object"),
        (b"null", "the request body must be a JSON object"),
    ],
)
async def test_a_malformed_body_gets_400_with_the_reason(
    client: httpx.AsyncClient, body: bytes, said: str
) -> None:
    response = await post_raw(client, body)
    assert response.status_code == 400
    assert response.text.startswith(said)


async def test_a_body_over_the_limit_gets_413() -> None:
    async with client_for(filled_memory_store(), api_max_body_bytes=1000) as http:
        response = await post_raw(http, b'{"query": "' + b" " * 1000 + b'{ stats { nodeTotal } }"}')
        fits = await post_raw(http, b'{"query": "' + b" " * 900 + b'{ stats { nodeTotal } }"}')
    assert response.status_code == 413
    assert response.text == "request body too large: at most 1,000 bytes (api_max_body_bytes)"
    assert fits.status_code == 200


async def test_a_chunked_body_over_the_limit_gets_413_before_it_is_all_read() -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(1000):
            sent.append(1)
            yield b" " * 1024

    async with client_for(filled_memory_store(), api_max_body_bytes=10_000) as http:
        response = await http.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )
    assert "content-length" not in response.request.headers  # sent chunked
    assert response.status_code == 413
    assert len(sent) <= 11  # reading stopped at the chunk that passed the limit


# --- answers: no echo of huge arguments, no store internals, clear cursors ------------------


async def test_a_huge_argument_is_not_echoed_back(client: httpx.AsyncClient) -> None:
    title = "法" * 300_000
    status, body = await post_graphql(client, f'{{ policy(title: "{title}") {{ id }} }}')
    assert status == 200
    [message] = error_messages(body)
    assert len(message) < 300
    assert "(300000 characters)" in message


@pytest.mark.parametrize("cursor", ["z" * 300_000, encode_cursor(10**30), encode_cursor(2**63)])
async def test_a_forged_cursor_is_a_clear_user_error(store: GraphStore, cursor: str) -> None:
    async with client_for(store) as http:
        status, body = await post_graphql(
            http,
            "query($after: String) { reports(after: $after) { totalCount } }",
            {"after": cursor},
        )
    assert status == 200
    [message] = error_messages(body)
    assert message.startswith("invalid cursor '")
    assert message.endswith("': pass the endCursor of a previous page as 'after'")
    assert len(message) < 200


async def test_a_store_failure_tells_the_client_nothing_of_the_store_and_logs_it_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = CountingStore(filled_memory_store(), fail_with=UNREACHABLE)
    async with client_for(broken) as http:
        status, body = await post_graphql(
            http, '{ a: policy(id: "x") { id } b: stats { nodeTotal } }'
        )
    assert status == 200
    assert set(error_messages(body)) == {
        "store unavailable: the graph database did not answer; try again later"
    }
    assert "bolt://" not in str(body)
    logged = [r for r in caplog.records if r.name == "fazhi.api"]
    assert [r.getMessage() for r in logged] == [f"store unavailable: {UNREACHABLE}"]


# --- logs ---------------------------------------------------------------------------------------


async def test_a_user_error_is_logged_as_one_line_without_the_query(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret = "查询正文" * 10
    await post_graphql(
        client, f'{{ region(code: "420304") {{ nope }} a: stats {{ nodeTotal }} }} # {secret}'
    )
    await post_graphql(client, "{ policies(first: 9999) { totalCount } }")
    lines = [r for r in caplog.records if r.name.startswith(("fazhi", "strawberry"))]
    assert [r.getMessage() for r in lines] == [
        "GraphQL request refused: Cannot query field 'nope' on type 'Region'."
        " Did you mean 'code' or 'name'?",
        "GraphQL request refused: first must be between 0 and 500 (api_max_page_size), got 9999",
    ]
    assert all(r.exc_info is None and "\n" not in r.getMessage() for r in lines)


async def test_a_server_error_is_logged_with_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = CountingStore(filled_memory_store(), fail_with=KeyError("/secret/path"))
    async with client_for(broken) as http:
        await post_graphql(http, "{ stats { nodeTotal } }")
    [record] = [r for r in caplog.records if r.name == "fazhi.api"]
    assert record.levelno == logging.ERROR
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError


# --- /readyz --------------------------------------------------------------------------------


class HangingPing(CountingStore):
    """The test store whose ping hangs (a database that accepts connections, never answers)."""

    def ping(self) -> None:
        time.sleep(5)


async def test_readyz_answers_503_within_its_timeout_when_the_store_hangs() -> None:
    async with client_for(HangingPing(filled_memory_store()), api_ready_timeout_s=0.2) as http:
        ready = await asyncio.wait_for(http.get("/readyz"), timeout=4)
    assert ready.status_code == 503
    assert ready.json()["reason"] == "the store did not answer within 0.2 s (api_ready_timeout_s)"


class Relay:
    """A TCP relay from a loopback port to ``upstream``, which can be cut (a database going
    down under a running app: its port closed, its connections dropped)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = [self.listener]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # cut
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pipe, args=(source, target), daemon=True).start()

    def cut(self) -> None:
        """Close the port and every connection through it."""
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)


@pytest.mark.neo4j
async def test_readyz_answers_503_soon_when_neo4j_goes_down(neo4j_settings: Settings) -> None:
    address = urlsplit(neo4j_settings.neo4j_uri)
    relay = Relay((address.hostname or "127.0.0.1", address.port or 7687))
    through = neo4j_settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{relay.port}"})
    store = await asyncio.to_thread(open_store, through)
    try:
        async with client_for(store) as http:
            up = await http.get("/readyz")
            relay.cut()
            down = await asyncio.wait_for(http.get("/readyz"), timeout=10)
    finally:
        await asyncio.to_thread(store.close)
    assert up.status_code == 200
    assert down.status_code == 503
    assert down.json()["reason"] in {
        "store unavailable: the graph database did not answer; try again later",
        "the store did not answer within 2 s (api_ready_timeout_s)",
    }
    assert "bolt://" not in down.text
