"""The GraphQL API through real HTTP (httpx over the ASGI app), on a real store of each kind.

The main read tests run on the embedded MemoryStore and on a live Neo4j, both filled with the
hand-built reports of ``tests/store_fixtures.py``; the end-to-end test ingests the bundled
sample reports through the pipeline.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from strawberry.utils.str_converters import to_camel_case

from api.app import create_app
from api.schema.lookahead import plain_end_fields
from api.schema.region import CITED_POLICY_ENDS, CitedPolicy
from api.schema.report import CITATION_ENDS, Citation
from config.settings import Settings, get_settings
from devtools.neo4j_local import free_port
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.store import GraphStore
from ingest.pipeline import extract_file
from tests.api_support import (  # noqa: F401 (abc_store: the `store` fixture)
    UNREACHABLE,
    CountingStore,
    abc_store,
    error_messages,
    filled_memory_store,
    post_graphql,
    synthetic_reports,
)
from tests.neo4j_server import wipe_all_nodes
from tests.store_fixtures import (
    LAW,
    PROVINCE_PLAN,
    PROVINCE_PLAN_NUMBER,
    all_reports,
)

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "reports"

EXAMPLE_QUERY = (
    '{ policy(title: "重大行政决策程序暂行条例") { title kind citations(first: 50) '
    "{ totalCount edges { node { year region { name code } evidence { text } } } } } }"
)


def api_settings() -> Settings:
    """Settings for the app under test (GraphiQL off: the tests speak JSON)."""
    return get_settings(api_graphiql=False)


STORE_DOWN = "store unavailable: the graph database did not answer; try again later"


def client_for(store: GraphStore, settings: Settings | None = None) -> httpx.AsyncClient:
    """An HTTP client speaking to a fresh app over ``store``."""
    app = create_app(settings or api_settings(), store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client(store: GraphStore) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(store) as http:
        yield http


async def data_of(client: httpx.AsyncClient, query: str, **variables: Any) -> dict[str, Any]:
    """The ``data`` of a query that must succeed."""
    status, body = await post_graphql(client, query, variables)
    assert status == 200, body
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


# --- health ---------------------------------------------------------------------------------


async def test_healthz_and_readyz_answer_when_the_store_does(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_readyz_is_503_with_the_reason_when_the_store_is_unreachable() -> None:
    broken = CountingStore(MemoryStore(data_dir=None), fail_with=UNREACHABLE)
    async with client_for(broken) as http:
        ready = await http.get("/readyz")
        assert (await http.get("/healthz")).status_code == 200
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "reason": STORE_DOWN}
    assert "bolt://" not in ready.text  # the address is for the server log only


async def test_the_lifespan_opens_the_configured_store_and_closes_it(tmp_path: Path) -> None:
    with MemoryStore(data_dir=tmp_path) as seeded:
        for extraction in all_reports():
            seeded.upsert_report(extraction)
    app = create_app(get_settings(store="memory", data_dir=tmp_path, api_graphiql=False))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            data = await data_of(http, "{ stats { nodes { name count } } }")
    assert {"name": "Report", "count": 3} in data["stats"]["nodes"]
    assert app.state.store is None


# --- lookups and traversals -----------------------------------------------------------------


async def test_policy_by_short_title_lists_citations_with_region_year_and_evidence(
    client: httpx.AsyncClient,
) -> None:
    query = """{ policy(title: "《行政处罚法》") { id kind citations(first: 50) { totalCount
      edges { node { year count region { name code } evidence { text start end } } } } } }"""
    policy = (await data_of(client, query))["policy"]
    assert (policy["id"], policy["kind"]) == (LAW, "law")
    nodes = [edge["node"] for edge in policy["citations"]["edges"]]
    assert policy["citations"]["totalCount"] == 2
    assert sorted(n["region"]["code"] for n in nodes) == ["420304", "420325"]
    assert all(n["year"] == 2019 and n["count"] >= 1 for n in nodes)
    assert all("《行政处罚法》" in e["text"] for n in nodes for e in n["evidence"])


async def test_traversal_from_policy_down_to_the_region_parent(client: httpx.AsyncClient) -> None:
    query = """{ policy(docNumber: "鄂发[2016]22号") { id docNumber citations {
      edges { node { report { id year } region { code parent { code parent { name } } } } } } } }"""
    policy = (await data_of(client, query))["policy"]
    assert (policy["id"], policy["docNumber"]) == (PROVINCE_PLAN, PROVINCE_PLAN_NUMBER)
    nodes = [edge["node"] for edge in policy["citations"]["edges"]]
    assert [n["report"]["year"] for n in nodes] == sorted(
        (n["report"]["year"] for n in nodes), reverse=True
    )
    parents = {n["region"]["code"]: n["region"]["parent"] for n in nodes}
    assert parents["420304"]["code"] == "420300"
    assert parents["420304"]["parent"]["name"] == "湖北省"
    assert parents["420300"] == {"code": "420000", "parent": None}


PLAIN_CITATIONS = """query($id: ID) { policy(id: $id) { citations { nodes {
  year report { id } policy { id } region { code } } } } }"""

SPELLED_CITATIONS = """fragment Ends on Citation { report { id } ...More }
fragment More on Citation { policy { id } }
query($id: ID) { policy(id: $id) { citations { edges { node { year ...Ends
  ... on Citation { where: region { code } } } } } } }"""


async def test_citation_ends_resolve_however_the_query_spells_them(
    client: httpx.AsyncClient,
) -> None:
    plain = (await data_of(client, PLAIN_CITATIONS, id=PROVINCE_PLAN))["policy"]["citations"]
    spelled = (await data_of(client, SPELLED_CITATIONS, id=PROVINCE_PLAN))["policy"]["citations"]
    nodes = plain["nodes"]
    assert len(nodes) == 3
    assert all(n["report"] and n["policy"] == {"id": PROVINCE_PLAN} and n["region"] for n in nodes)
    renamed = [{**e["node"], "region": e["node"]["where"]} for e in spelled["edges"]]
    assert [{k: v for k, v in n.items() if k != "where"} for n in renamed] == nodes


async def test_cited_policy_and_report_citations_resolve_their_ends(
    client: httpx.AsyncClient,
) -> None:
    query = """{ region(code: "420304") { citedPolicies(first: 2) { edges { node {
      ... on CitedPolicy { policy { id } } } } }
      reports { nodes { id cites(first: 1) { nodes { report { id } policy { id }
      region { code } } } } } } }"""
    region = (await data_of(client, query))["region"]
    cited = [edge["node"]["policy"] for edge in region["citedPolicies"]["edges"]]
    assert len(cited) == 2
    assert all(p and p["id"] for p in cited)
    [report] = region["reports"]["nodes"]
    [citation] = report["cites"]["nodes"]
    assert citation["report"] == {"id": report["id"]}
    assert citation["region"] == {"code": "420304"}
    assert citation["policy"]["id"]


async def test_item_fields_asked_twice_or_side_by_side_are_each_fetched(
    client: httpx.AsyncClient,
) -> None:
    # one response key asked twice merges into one field; two aliases are two fields, and a
    # query sent again must not reuse what the other place asked for
    twice = """{ region(code: "420304") { citedPolicies(first: 2) { edges { node { count } } }
      citedPolicies(first: 2) { edges { node { policy { id } } } } } }"""
    side_by_side = """query($id: ID) { policy(id: $id) {
      a: citations { nodes { region { code } } } b: citations { nodes { report { id } } } } }"""
    for _ in range(2):
        merged = (await data_of(client, twice))["region"]["citedPolicies"]["edges"]
        assert len(merged) == 2
        assert all(edge["node"]["count"] and edge["node"]["policy"]["id"] for edge in merged)
        policy = (await data_of(client, side_by_side, id=PROVINCE_PLAN))["policy"]
        assert all(node["region"]["code"] for node in policy["a"]["nodes"])
        assert all(node["report"]["id"] for node in policy["b"]["nodes"])
        assert len(policy["a"]["nodes"]) == len(policy["b"]["nodes"]) == 3


async def test_citations_filtered_by_year_and_province(client: httpx.AsyncClient) -> None:
    query = """query($from: Int, $province: String) { policy(id: "%s") {
      citations(yearFrom: $from, provinceCode: $province) { totalCount nodes { year } } } }"""
    query = query % PROVINCE_PLAN

    async def total(**variables: Any) -> int:
        data = await data_of(client, query, **variables)
        count: int = data["policy"]["citations"]["totalCount"]
        return count

    assert await total() == 3
    assert await total(province="420000") == await total(province="42") == 3
    assert await total(province="110000") == 0
    assert await total(**{"from": 2020}) == 1
    status, body = await post_graphql(client, query, {"province": "湖北"})
    assert status == 200
    assert "provinceCode must be a 6-digit GB/T 2260 code" in error_messages(body)[0]


async def test_region_cited_policies_with_and_without_subregions(
    client: httpx.AsyncClient,
) -> None:
    query = """query($sub: Boolean!) { region(name: "十堰市") { code
      children { code } citedPolicies(includeSubregions: $sub) { totalCount
      nodes { count reportCount years policy { id } } } } }"""
    own = (await data_of(client, query, sub=False))["region"]
    everything = (await data_of(client, query, sub=True))["region"]
    assert [c["code"] for c in own["children"]] == ["420304", "420325"]
    assert own["citedPolicies"]["totalCount"] < everything["citedPolicies"]["totalCount"]
    top = everything["citedPolicies"]["nodes"][0]
    assert top == {
        "count": 3,
        "reportCount": 3,
        "years": [2019, 2020],
        "policy": {"id": PROVINCE_PLAN},
    }


async def test_report_fields_cites_and_mentions(client: httpx.AsyncClient) -> None:
    query = """{ reports(regionCode: "420304") { totalCount nodes { id year title
      region { name fullName } cites { totalCount } mentions(first: 100) { nodes { count
      target { __typename ... on Institution { id } ... on Program { id } ... on Region { code } }
      } } } } }"""
    reports = (await data_of(client, query))["reports"]
    assert reports["totalCount"] == 1
    report = reports["nodes"][0]
    region = report["region"]
    assert (report["year"], region["name"], region["fullName"]) == (
        2019,
        "郧阳区",
        "湖北省十堰市郧阳区",
    )
    assert report["cites"]["totalCount"] >= 4
    kinds = {m["target"]["__typename"] for m in report["mentions"]["nodes"]}
    assert {"Institution", "Program"} <= kinds


async def test_region_by_ambiguous_or_unknown_name(client: httpx.AsyncClient) -> None:
    status, body = await post_graphql(client, '{ region(name: "郧杨区") { code } }')
    assert body["data"] == {"region": None}
    assert error_messages(body) == ["no region named '郧杨区'; did you mean: 郧阳区?"]
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "suggestions": ["郧阳区"]}
    status, body = await post_graphql(client, "{ region { code } }")
    assert status == 200
    assert error_messages(body) == ["give exactly one of: code, name (got 0)"]


async def test_unknown_policy_is_null_with_suggestions(client: httpx.AsyncClient) -> None:
    status, body = await post_graphql(client, '{ policy(title: "湖北省法治政府建设方案") { id } }')
    assert (status, body["data"]) == (200, {"policy": None})
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "NOT_FOUND"
    assert extensions["suggestions"][0] == PROVINCE_PLAN
    assert error_messages(body)[0].startswith(
        "no policy titled '湖北省法治政府建设方案'; did you mean: "
    )
    status, body = await post_graphql(client, '{ policy(title: "没有这个文件") { id } }')
    assert error_messages(body) == ["no policy titled '没有这个文件'"]
    assert body["errors"][0]["extensions"] == {"code": "NOT_FOUND", "suggestions": []}


async def test_lists_filter_order_and_page_with_cursors(client: httpx.AsyncClient) -> None:
    query = """query($after: String) { regions(level: county, first: 1, after: $after) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { code } } }"""
    first = (await data_of(client, query))["regions"]
    second = (await data_of(client, query, after=first["pageInfo"]["endCursor"]))["regions"]
    assert first["totalCount"] == second["totalCount"] == 2
    assert first["pageInfo"]["hasNextPage"]
    assert not second["pageInfo"]["hasNextPage"]
    assert second["pageInfo"]["hasPreviousPage"]
    assert [first["nodes"][0]["code"], second["nodes"][0]["code"]] == ["420304", "420325"]


async def test_policies_filtered_by_kind(client: httpx.AsyncClient) -> None:
    data = await data_of(client, "{ policies(kind: law) { totalCount nodes { id kind } } }")
    assert data["policies"]["nodes"] == [{"id": LAW, "kind": "law"}]


async def test_stats_counts_nodes_and_relationships(client: httpx.AsyncClient) -> None:
    data = await data_of(client, "{ stats { nodeTotal relationshipTotal nodes { name count } } }")
    assert {"name": "Report", "count": 3} in data["stats"]["nodes"]
    assert data["stats"]["relationshipTotal"] > data["stats"]["nodeTotal"] > 0


# --- named queries --------------------------------------------------------------------------


async def test_named_query_as_typed_field(client: httpx.AsyncClient) -> None:
    query = """{ regionsCitingPolicy(policy: "行政处罚法", level: county) {
      regionCode year count } }"""
    rows = (await data_of(client, query))["regionsCitingPolicy"]
    assert [(r["regionCode"], r["year"]) for r in rows] == [("420304", 2019), ("420325", 2019)]


async def test_generic_named_query_and_listing(client: httpx.AsyncClient) -> None:
    query = """{ namedQueries { name columns }
      namedQuery(name: "policies_cited_by_region", params: {region: "420304"}) }"""
    data = await data_of(client, query)
    assert "regions_citing_policy" in [q["name"] for q in data["namedQueries"]]
    assert LAW in [row["policy_id"] for row in data["namedQuery"]]


async def test_named_query_bad_parameters_are_clear_errors(client: httpx.AsyncClient) -> None:
    query = '{ regionsCitingPolicy(policy: "行政处罚法", yearFrom: 2020, yearTo: 2019) { year } }'
    status, body = await post_graphql(client, query)
    assert status == 200
    assert "year_from (2020) is after year_to (2019)" in error_messages(body)[0]
    status, body = await post_graphql(client, '{ namedQuery(name: "nope") }')
    assert "unknown query 'nope'" in error_messages(body)[0]


# --- errors ---------------------------------------------------------------------------------


async def test_bad_enum_and_bad_cursor_are_errors_not_500(client: httpx.AsyncClient) -> None:
    status, body = await post_graphql(client, "{ regions(level: GALAXY) { totalCount } }")
    assert status in (200, 400)
    assert "GALAXY" in error_messages(body)[0]
    status, body = await post_graphql(client, '{ regions(after: "xyz") { totalCount } }')
    assert status == 200
    assert error_messages(body) == [
        "invalid cursor 'xyz': pass the endCursor of a previous page as 'after'"
    ]


async def test_a_store_failure_is_a_clear_graphql_error() -> None:
    broken = CountingStore(filled_memory_store(), fail_with=UNREACHABLE)
    async with client_for(broken) as http:
        status, body = await post_graphql(http, '{ policy(id: "x") { id } }')
    assert status == 200
    assert error_messages(body) == [STORE_DOWN]
    assert "bolt://" not in str(body)  # the address is for the server log only


async def test_unexpected_errors_are_masked() -> None:
    broken = CountingStore(filled_memory_store(), fail_with=KeyError("/secret/path"))
    async with client_for(broken) as http:
        status, body = await post_graphql(http, "{ stats { nodeTotal } }")
    assert status == 200
    assert error_messages(body) == ["Unexpected error."]
    assert "secret" not in str(body)


# --- no N+1 ---------------------------------------------------------------------------------

NESTED = """{ region(code: "990100") { children {
  reports { nodes { region { code parent { code } }
    cites(first: 50) { nodes { count evidence { text }
      policy { id citations(first: 100) { totalCount nodes { year region { name } } } }
} } } } } } }"""


async def round_trips(reports: int) -> tuple[int, dict[str, Any]]:
    """Store calls made by :data:`NESTED` over ``reports`` synthetic reports (its estimated
    cost, 257,600,101, is far above the default budget: it is raised here)."""
    counting = CountingStore(filled_memory_store(synthetic_reports(reports)))
    async with client_for(
        counting, api_settings().model_copy(update={"api_max_cost": 10**9})
    ) as http:
        data = await data_of(http, NESTED)
    return counting.round_trips, data


async def test_nested_query_round_trips_depend_on_depth_not_on_item_count() -> None:
    few, few_data = await round_trips(3)
    many, many_data = await round_trips(40)
    children = many_data["region"]["children"]
    citations = sum(
        len(cite["policy"]["citations"]["nodes"])
        for child in children
        for report in child["reports"]["nodes"]
        for cite in report["cites"]["nodes"]
    )
    assert len(children) == 40
    assert citations > 1000
    assert len(few_data["region"]["children"]) == 3
    assert many == few
    assert many <= 16  # one batched call per relationship level of the query


# --- end to end on the bundled samples ------------------------------------------------------


@pytest.fixture(scope="module")
def sample_extractions() -> list[Any]:
    """The bundled sample reports, through the real pipeline."""
    return [extract_file(path) for path in sorted(SAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module", params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def sample_store(
    request: pytest.FixtureRequest, sample_extractions: list[Any]
) -> Iterator[GraphStore]:
    """A real store of each kind holding the ingested sample reports."""
    if request.param == "memory":
        yield filled_memory_store(sample_extractions)
        return
    settings: Settings = request.getfixturevalue("neo4j_settings")
    wipe_all_nodes(settings)
    with open_store(settings) as neo4j:
        for extraction in sample_extractions:
            neo4j.upsert_report(extraction)
        yield neo4j
        neo4j.clear()


async def test_example_query_on_the_ingested_samples(sample_store: GraphStore) -> None:
    async with client_for(sample_store) as http:
        data = await data_of(http, EXAMPLE_QUERY)
        raw = (await http.post("/graphql", json={"query": EXAMPLE_QUERY})).content
    assert "海州区".encode() in raw  # plain UTF-8, not \u escapes
    policy = data["policy"]
    assert policy["title"] == "重大行政决策程序暂行条例"
    nodes = [edge["node"] for edge in policy["citations"]["edges"]]
    found = {(n["region"]["name"], n["region"]["code"], n["year"]) for n in nodes}
    assert found == {("海州区", "210902", 2023), ("锡林郭勒盟", "152500", 2020)}
    for node in nodes:
        assert node["evidence"], node
        assert all("重大行政决策程序暂行条例" in e["text"] for e in node["evidence"])


async def test_example_query_exactly_as_documented_passes_the_limits(
    sample_store: GraphStore,
) -> None:
    async with client_for(sample_store, get_settings(api_graphiql=True)) as http:
        data = await data_of(http, EXAMPLE_QUERY)
    assert data["policy"]["citations"]["totalCount"] >= 2


# --- plain end fields, filled by the connection's look-ahead ---------------------------------


def end_selection(item_type: type) -> str:
    """Every plain end field of ``item_type``, each asking for its ``__typename``."""
    return " ".join(f"{to_camel_case(n)} {{ __typename }}" for n in plain_end_fields(item_type))


def test_every_plain_end_field_has_a_filler() -> None:
    assert plain_end_fields(Citation) == set(CITATION_ENDS)
    assert plain_end_fields(CitedPolicy) == set(CITED_POLICY_ENDS)


async def test_every_plain_end_field_of_a_citation_is_filled(client: httpx.AsyncClient) -> None:
    query = (
        f'{{ policy(title: "{LAW}") {{ citations {{ nodes {{ {end_selection(Citation)} }} }} }} }}'
    )
    nodes = (await data_of(client, query))["policy"]["citations"]["nodes"]
    assert len(nodes) >= 2
    assert all(value is not None for node in nodes for value in node.values()), nodes


async def test_every_plain_end_field_of_a_cited_policy_is_filled(
    client: httpx.AsyncClient,
) -> None:
    selection = end_selection(CitedPolicy)
    query = f'{{ region(code: "420304") {{ citedPolicies {{ nodes {{ {selection} }} }} }} }}'
    nodes = (await data_of(client, query))["region"]["citedPolicies"]["nodes"]
    assert nodes
    assert all(value is not None for node in nodes for value in node.values()), nodes


# --- fazhi serve ----------------------------------------------------------------------------

SERVE_APP = (
    "import typer; from cli import serve; app = typer.Typer(); "
    "app.callback()(lambda: None); serve.register(app); app()"
)


def wait_until_healthy(url: str, server: subprocess.Popen[str]) -> None:
    """Poll ``/healthz`` until the server answers (bounded: 60 tries, 0.25 s apart)."""
    for _ in range(60):
        assert server.poll() is None, "the server exited early"
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.25)
    raise AssertionError(f"{url} never became healthy")


def test_serve_prints_the_example_and_answers_it_over_http(tmp_path: Path) -> None:
    with MemoryStore(data_dir=tmp_path) as seeded:
        for extraction in all_reports():
            seeded.upsert_report(extraction)
    port = free_port()
    args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--example"]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE_APP, *args, "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server)
        query = '{ policy(title: "行政处罚法") { citations { totalCount } } }'
        answer = httpx.post(f"{url}/graphql", json={"query": query}, timeout=10.0).json()
        ide = httpx.get(f"{url}/graphql", headers={"Accept": "text/html"}, timeout=10.0)
    finally:
        server.terminate()
        printed, _ = server.communicate(timeout=30)
    assert answer == {"data": {"policy": {"citations": {"totalCount": 2}}}}
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()
    assert f"GraphQL: {url}/graphql" in printed
    assert 'policy(title: "重大行政决策程序暂行条例")' in printed
