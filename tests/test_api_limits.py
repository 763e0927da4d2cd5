"""What one GraphQL request may cost: depth, aliases, tokens, estimated cost (page sizes
multiplied down the tree), page size and time are refused with clear messages and a 200/400
status, never a 500."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query, parse

from api.app import create_app
from api.limits import CostBudget
from api.schema import build_schema
from bench.api import probes
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


# --- cost: page sizes multiplied down the tree, refused before anything runs ---------------

# issue 13: depth 11, about 60 tokens, no aliases: every other limit lets it through
FAN_OUT = (
    "{ reports(first: 500) { nodes { cites(first: 500) { nodes { policy { citations(first: 500)"
    " { nodes { report { cites(first: 500) { nodes { count } } } } } } } } } } }"
)

FAN_OUT_BY_FRAGMENTS = """
query Fan($n: Int) { reports(first: $n) { edges { node { ...Cited } } } }
fragment Cited on Report { cites(first: $n) { edges { node { policy { ...Citing } } } } }
fragment Citing on Policy { citations(first: $n) { edges { node { report { title } } } } }
"""


async def test_the_fan_out_query_is_refused_before_any_store_call() -> None:
    store = CountingStore(filled_memory_store())
    async with client_for(store) as http:
        status, body = await post_graphql(http, FAN_OUT)
    assert status == 200
    [error] = body["errors"]
    assert error["message"].startswith("query cost ")
    assert (
        "exceeds the budget 200,000 (api_max_cost): lower first: on reports(first: 500)"
        in (error["message"])
    )
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > 500**4
    assert body["data"] is None
    assert store.round_trips == 0


@pytest.mark.parametrize(("n", "runs"), [(10, True), (100, False)])
async def test_the_cost_resolves_variables_and_follows_fragments(n: int, runs: bool) -> None:
    store = CountingStore(filled_memory_store())
    async with client_for(store) as http:
        status, body = await post_graphql(http, FAN_OUT_BY_FRAGMENTS, {"n": n})
    assert status == 200
    messages = error_messages(body)
    # per report: edge, node, cites + n × (edge, node, policy, citations + n × (edge, node, report))
    if runs:  # 1 + 10 × (3 + 10 × (4 + 10 × 3)) = 3431 objects at most
        assert messages == []
        assert store.round_trips > 0
    else:  # 1 + 100 × (3 + 100 × (4 + 100 × 3))
        assert messages == [
            "query cost 3,040,301 exceeds the budget 200,000 (api_max_cost): "
            "lower first: on reports(first: 100), cites(first: 100), citations(first: 100)"
        ]
        assert store.round_trips == 0


async def test_a_connection_without_first_costs_a_full_page() -> None:
    query = "{ reports { edges { node { cites { edges { node { count } } } } } } }"
    async with client_for(filled_memory_store(), api_max_page_size=10, api_max_cost=100) as http:
        message = await refused(http, query)
    # 1 + 10 × (3 + 10 × 2): each missing first stands for api_max_page_size items
    assert message == (
        "query cost 231 exceeds the budget 100 (api_max_cost): "
        "lower first: on reports(first: 10 when not given), cites(first: 10 when not given)"
    )


async def test_a_budget_from_the_settings_refuses_what_the_default_lets_through(
    client: httpx.AsyncClient,
) -> None:
    query = "{ policies(first: 50) { edges { node { id issuedBy { id } } } } }"
    status, body = await post_graphql(client, query)
    assert status == 200
    assert "errors" not in body
    # 1 + 50 × (2 + 50): issuedBy has no first, it counts api_cost_list_size items
    async with client_for(filled_memory_store(), api_max_cost=2000) as http:
        message = await refused(http, query)
    assert message == (
        "query cost 2,601 exceeds the budget 2,000 (api_max_cost): "
        "lower first: on policies(first: 50)"
    )


def readme_queries() -> list[str]:
    """The GraphQL examples of the README (```graphql blocks)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```graphql\n(.*?)```", readme, flags=re.DOTALL)


def test_the_readme_and_benchmark_queries_are_within_the_default_budget() -> None:
    settings = get_settings()
    budget = CostBudget(settings)
    estimator = budget.estimator(build_schema(settings)._schema)
    queries = [*readme_queries(), *(probe.graphql for probe in probes("420304"))]
    assert len(queries) >= 6
    for query in queries:
        cost = estimator.estimate(parse(query), None, {})
        assert 0 < cost.total <= settings.api_max_cost, (query, cost)
