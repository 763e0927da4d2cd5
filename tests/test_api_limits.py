"""What one GraphQL request may cost: depth, aliases, tokens, page size and time are refused with
clear messages and a 200/400 status, never a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from api.app import create_app
from config.settings import Settings, get_settings
from graph.store import GraphStore
from tests.api_support import CountingStore, error_messages, filled_memory_store, post_graphql

ACCEPTED = (200, 400)


def client_for(store: GraphStore, **overrides: Any) -> httpx.AsyncClient:
    """An HTTP client for an app with these settings over ``store``."""
    settings: Settings = get_settings(api_graphiql=False, **overrides)
    app = create_app(settings, store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(filled_memory_store()) as http:
        yield http


def nested_parents(depth: int) -> str:
    """``region { parent { parent { … code } } }``: ``depth`` fields with selections, nested."""
    return '{ region(code: "420304") ' + "{ parent " * (depth - 1) + "{ code" + " }" * (depth + 1)


def aliased_stats(count: int) -> str:
    """``count`` aliases of the same field."""
    return "{ " + " ".join(f"a{i}: stats {{ nodeTotal }}" for i in range(count)) + " }"


async def refused(client: httpx.AsyncClient, query: str) -> str:
    """The one error message of a refused query (checked: not a 500, no data)."""
    status, body = await post_graphql(client, query)
    assert status in ACCEPTED, body
    assert not body.get("data"), body
    messages = error_messages(body)
    assert len(messages) == 1, messages
    return messages[0]


async def test_a_query_20_deep_is_refused(client: httpx.AsyncClient) -> None:
    message = await refused(client, nested_parents(20))
    assert message == "'anonymous' exceeds maximum operation depth of 12"


async def test_a_query_at_the_depth_limit_runs(client: httpx.AsyncClient) -> None:
    status, body = await post_graphql(client, nested_parents(12))
    assert status == 200
    assert "errors" not in body


async def test_1000_aliases_are_refused_by_the_alias_limit() -> None:
    async with client_for(filled_memory_store(), api_max_tokens=100_000) as http:
        message = await refused(http, aliased_stats(1000))
    assert message == "1000 aliases found. Allowed: 30"


async def test_1000_aliases_are_refused_by_the_token_limit_first(
    client: httpx.AsyncClient,
) -> None:
    message = await refused(client, aliased_stats(1000))
    assert "Document contains more than 2000 tokens" in message


async def test_aliases_within_the_limit_run(client: httpx.AsyncClient) -> None:
    status, body = await post_graphql(client, aliased_stats(30))
    assert status == 200
    assert len(body["data"]) == 30


@pytest.mark.parametrize("first", [100_000, 501, -1])
async def test_a_page_size_out_of_range_is_refused(client: httpx.AsyncClient, first: int) -> None:
    message = await refused(client, f"{{ policies(first: {first}) {{ totalCount }} }}")
    assert message == f"first must be between 0 and 500 (api_max_page_size), got {first}"


async def test_nested_page_sizes_are_checked_too(client: httpx.AsyncClient) -> None:
    query = '{ policy(id: "中华人民共和国行政处罚法") { citations(first: 9999) { totalCount } } }'
    status, body = await post_graphql(client, query)
    assert status == 200
    assert error_messages(body) == ["first must be between 0 and 500 (api_max_page_size), got 9999"]


async def test_a_slow_query_stops_at_the_timeout() -> None:
    slow = CountingStore(filled_memory_store(), delay_s=0.5)
    async with client_for(slow, api_query_timeout_s=0.2) as http:
        message = await refused(http, "{ stats { nodeTotal } }")
    assert message == "query exceeded 0.2 s (api_query_timeout_s)"


async def test_the_limits_come_from_the_settings() -> None:
    async with client_for(filled_memory_store(), api_max_depth=3, api_max_page_size=1) as http:
        deep = await refused(http, nested_parents(4))
        page = await refused(http, "{ policies(first: 2) { totalCount } }")
    assert deep == "'anonymous' exceeds maximum operation depth of 3"
    assert page == "first must be between 0 and 1 (api_max_page_size), got 2"


async def test_graphiql_introspection_passes_the_limits(client: httpx.AsyncClient) -> None:
    query = get_introspection_query(descriptions=True, specified_by_url=True)
    status, body = await post_graphql(client, query)
    assert status == 200
    assert "errors" not in body
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "Policy", "CitationConnection", "RegionsCitingPolicyRow"} <= names
