"""The explorer's pages over real HTTP (httpx through the ASGI app) on the ingested samples:
what each page shows, that it shows what the named queries answer, clear 404s, the static
files, and the same pages from Neo4j as from the embedded store."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from html import unescape
from pathlib import Path
from urllib.parse import quote

import httpx
import plotly.graph_objects as go
import pytest

from api.app import create_app
from api.explorer.figures import citation_map, cumulative_curve
from api.explorer.maps import province_rings
from config.settings import Settings, get_settings
from graph.factory import open_store
from graph.memory import MemoryStore
from graph.store import GraphStore, StoreError
from ingest.pipeline import extract_file
from services.browsing import cumulative_by_level, policy_view
from services.querying import run_named
from tests.api_support import CountingStore
from tests.browser import SAMPLES
from tests.neo4j_server import wipe_all_nodes

TITLE = "重大行政决策程序暂行条例"
UNREACHABLE = "Couldn't connect to 127.0.0.1:1 (connection refused)"


def client_for(store: GraphStore) -> httpx.AsyncClient:
    """An HTTP client speaking to a fresh app over ``store``."""
    app = create_app(get_settings(store="memory", data_dir=None), store=store)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def http(samples_store: MemoryStore) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(samples_store) as client:
        yield client


def text_of(html: str) -> str:
    """The page's text without tags (entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def section(html: str, element_id: str) -> str:
    """The element with ``id`` up to the end of its section (enough to look inside)."""
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</section>", start)]


async def test_home_has_a_search_box_and_a_link_to_graphiql(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="home-search" action="/search"' in response.text
    assert 'name="q"' in response.text
    assert 'href="/graphql"' in response.text


@pytest.mark.parametrize(
    ("query", "label", "expected"),
    [
        ("重大行政决策程序", "政策文件", TITLE),  # part of a title
        ("《重大行政决策程序暂行条例》", "政策文件", TITLE),  # as a report writes it
        ("锡林郭勒", "地区", "锡林郭勒盟"),  # a region by name
        ("152500", "地区", "锡林郭勒盟"),  # and by code
        ("放管服", "工作项目", "放管服"),  # a programme
    ],
)
async def test_search_finds_policies_regions_and_programmes(
    http: httpx.AsyncClient, query: str, label: str, expected: str
) -> None:
    response = await http.get("/search", params={"q": query})
    assert response.status_code == 200
    results = section(response.text + "</section>", "search-results")
    hits = re.findall(r'<span class="badge">([^<]+)</span>\s*(?:<a [^>]+>|<span>)?([^<]+)', results)
    assert (label, expected) in [(badge, name.strip()) for badge, name in hits]


async def test_search_finds_a_policy_by_its_doc_number(
    http: httpx.AsyncClient, samples_store: MemoryStore
) -> None:
    numbered = [p for p in samples_store.dump()[0] if p.props.get("doc_number")]
    assert numbered, "the samples cite no policy with a 文号"
    policy = numbered[0]
    response = await http.get("/search", params={"q": policy.props["doc_number"]})
    assert f'href="/policy/{quote(policy.key, safe="")}"' in response.text


async def test_search_without_a_match_says_so(http: httpx.AsyncClient) -> None:
    response = await http.get("/search", params={"q": "没有这样的文件"})
    assert response.status_code == 200
    assert "没有找到与 “没有这样的文件” 相关的" in response.text


async def test_an_empty_search_goes_back_home(http: httpx.AsyncClient) -> None:
    response = await http.get("/search", params={"q": "  "})
    assert response.status_code == 303
    assert response.headers["location"] == "/"


async def test_the_policy_page_shows_what_the_named_queries_answer(
    http: httpx.AsyncClient, samples_store: MemoryStore
) -> None:
    response = await http.get(f"/policy/{quote(TITLE)}")
    assert response.status_code == 200
    html = response.text
    citing = run_named(samples_store, "regions_citing_policy", {"policy": TITLE})
    assert {row["region_name"] for row in citing} == {"锡林郭勒盟", "海州区"}
    citations = section(html, "citations")
    for row in citing:
        assert f'href="/region/{row["region_code"]}">{row["region_name"]}</a>' in citations
    assert citations.count('<blockquote class="evidence">') >= len(citing)
    assert f"<mark>{TITLE}</mark>" in citations
    co_cited = run_named(samples_store, "co_cited_policies", {"policy": TITLE, "limit": 15})
    assert co_cited
    for row in co_cited:
        assert f'href="/policy/{quote(row["policy_id"], safe="")}"' in section(html, "co-cited")


async def test_the_policy_page_carries_its_map_and_curve_and_plotly(
    http: httpx.AsyncClient,
) -> None:
    html = (await http.get(f"/policy/{quote(TITLE)}")).text
    for figure in ("map-figure", "curve-figure"):
        assert f'data-figure="{figure}"' in html
        assert f'<script type="application/json" id="{figure}">{{"data":[' in html
    assert '<script src="/static/plotly.min.js">' in html
    assert "https://" not in html.replace("https://plot.ly", "")  # nothing to fetch elsewhere


async def test_a_policy_page_answers_to_its_doc_number_and_any_spelling(
    http: httpx.AsyncClient,
) -> None:
    by_quotes = await http.get("/policy/" + quote(f"《{TITLE}》"))
    assert by_quotes.status_code == 200
    assert f"<h1>《{TITLE}》</h1>" in by_quotes.text


async def test_an_unknown_policy_is_a_clear_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/policy/" + quote("不存在的条例"))
    assert response.status_code == 404
    assert "no policy with the id, title or 文号 '不存在的条例'" in text_of(response.text)


async def test_the_region_page_shows_reports_citations_and_similar_regions(
    http: httpx.AsyncClient, samples_store: MemoryStore
) -> None:
    response = await http.get("/region/152500")
    assert response.status_code == 200
    html = response.text
    assert "<h1>锡林郭勒盟" in html
    assert 'href="/region/150000">内蒙古自治区</a>' in html  # the province it lies in
    assert section(html, "reports").count("<tr><td>2020</td>") == 1
    cited = run_named(samples_store, "policies_cited_by_region", {"region": "152500"})
    assert section(html, "cited").count('href="/policy/') == len(cited)
    similar = run_named(samples_store, "similar_regions", {"region": "152500", "limit": 10})
    assert similar
    for row in similar:
        assert f'href="/region/{row["region_code"]}"' in section(html, "similar")


async def test_a_region_page_answers_to_its_name(http: httpx.AsyncClient) -> None:
    response = await http.get("/region/" + quote("海州区"))
    assert response.status_code == 200
    assert 'href="/region/210900">阜新市</a>' in response.text


async def test_an_unknown_region_is_a_clear_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/region/999999")
    assert response.status_code == 404
    assert "no region with the code or name '999999'" in text_of(response.text)


async def test_plotly_js_is_served_from_the_installed_package(http: httpx.AsyncClient) -> None:
    response = await http.get("/static/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert b"plotly.js v" in response.content[:600]
    for name in ("explorer.css", "explorer.js"):
        assert (await http.get(f"/static/{name}")).status_code == 200
    missing = await http.get("/static/nothing.js")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no static file 'nothing.js'"


def test_the_figures_are_valid_plotly_figures(samples_store: MemoryStore) -> None:
    """The pages build plain dicts (fast); plotly's own validation accepts every property."""
    view = policy_view(samples_store, TITLE)
    assert view is not None
    total = [(row["year"], row["cumulative_regions"]) for row in view.diffusion]
    curve = cumulative_curve(cumulative_by_level(view.first_citations), total)
    for figure in (citation_map(view.first_citations, province_rings()), curve):
        validated = go.Figure(figure)
        assert len(validated.data) == len(figure["data"])
    assert [t["y"][-1] for t in curve["data"]] == [2, 1, 1]  # all levels, county, prefecture


@pytest.mark.parametrize("path", ["/search?q=x", "/policy/x", "/region/420304"])
async def test_an_unreachable_store_is_a_503_saying_why(path: str) -> None:
    broken = CountingStore(MemoryStore(data_dir=None), fail_with=StoreError(UNREACHABLE))
    async with client_for(broken) as client:
        response = await client.get(path)
    assert response.status_code == 503
    assert f"store unavailable: {UNREACHABLE}" in text_of(response.text)


# --- the same pages from Neo4j -------------------------------------------------------------


@pytest.fixture(scope="module")
def neo4j_samples(neo4j_settings: Settings) -> Iterator[GraphStore]:
    """A real Neo4j holding the bundled samples (extracted again, as an ingest would)."""
    wipe_all_nodes(neo4j_settings)
    with open_store(neo4j_settings) as neo4j:
        for path in sorted(Path(SAMPLES).glob("*.txt")):
            neo4j.upsert_report(extract_file(path))
        yield neo4j
        neo4j.clear()


@pytest.mark.neo4j
@pytest.mark.parametrize(
    "path", [f"/policy/{quote(TITLE)}", "/region/152500", "/search?q=" + quote("法治政府")]
)
async def test_neo4j_gives_the_same_pages_as_the_embedded_store(
    http: httpx.AsyncClient, neo4j_samples: GraphStore, path: str
) -> None:
    async with client_for(neo4j_samples) as neo4j_http:
        from_neo4j = await neo4j_http.get(path)
    from_memory = await http.get(path)
    assert from_neo4j.status_code == from_memory.status_code == 200
    assert from_neo4j.text == from_memory.text
