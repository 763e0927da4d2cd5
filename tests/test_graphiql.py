"""GraphiQL served from this machine (api/graphiql.py), through real HTTP (httpx over the ASGI
app): the page with the example query, its files from the checkout's ``web/graphiql`` install
(``make setup`` runs ``npm ci``), and the page saying what to install where they are missing.
The browser test (GraphiQL running the query, network off) is in ``tests/test_graphiql_browser.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from api.app import create_app
from api.graphiql import ASSETS, DEFAULT_ASSETS, INSTALL_COMMAND
from cli import app
from config.settings import Settings, get_settings
from services.examples import EXAMPLE_QUERY
from tests.api_support import filled_memory_store

HTML = {"Accept": "text/html"}
PROBE = '{ policy(title: "行政处罚法") { citations { totalCount } } }'


def client_with(settings: Settings) -> httpx.AsyncClient:
    app = create_app(settings, store=filled_memory_store())
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    missing = [path for path in ASSETS.values() if not (DEFAULT_ASSETS / path).is_file()]
    assert not missing, f"GraphiQL's files are not installed ({INSTALL_COMMAND}): {missing}"
    async with client_with(get_settings(api_graphiql=True)) as http:
        yield http


def asset_paths(page: str) -> list[str]:
    """The src / href of every script and stylesheet the page loads."""
    return re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', page)


async def test_the_page_loads_only_local_files_and_opens_with_the_example_query(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers=HTML)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert json.dumps(EXAMPLE_QUERY, ensure_ascii=False) in page.text
    paths = asset_paths(page.text)
    assert sorted(path.rsplit("/", 1)[-1] for path in paths) == sorted(ASSETS)
    assert all(path.startswith("/graphiql/") for path in paths), paths
    assert re.findall(r"(?:https?:)?//(?!127\.0\.0\.1)[\w.-]+", page.text) == []


async def test_every_file_the_page_names_is_served_with_its_type(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/graphql", headers=HTML)
    for path in asset_paths(page.text):
        answer = await client.get(path)
        assert answer.status_code == 200, path
        kind = "text/css" if path.endswith(".css") else "text/javascript"
        assert answer.headers["content-type"] == f"{kind}; charset=utf-8", path
        on_disk = DEFAULT_ASSETS / ASSETS[path.rsplit("/", 1)[-1]]
        assert answer.content == on_disk.read_bytes(), path


@pytest.mark.parametrize("name", ["package.json", "..%2Fpackage.json", "graphiql.js"])
async def test_no_other_file_is_served(client: httpx.AsyncClient, name: str) -> None:
    answer = await client.get(f"/graphiql/{name}")
    assert answer.status_code == 404
    assert "dependencies" not in answer.text
    assert "React" not in answer.text


async def test_missing_files_give_a_page_saying_what_to_install(tmp_path: Path) -> None:
    installed = [path for path in ASSETS.values() if "react-dom" not in path]
    for path in installed:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("/* installed */")
    settings = get_settings(api_graphiql=True, api_graphiql_assets=tmp_path)
    async with client_with(settings) as http:
        page = await http.get("/graphql", headers=HTML)
        answer = await http.post("/graphql", json={"query": PROBE})
    assert page.status_code == 503
    assert "GraphiQL's files are not installed" in page.text
    assert INSTALL_COMMAND in page.text
    assert str(tmp_path) in page.text
    assert "react-dom/umd/react-dom.production.min.js" in page.text
    assert "react/umd" not in page.text  # only what is missing is named
    assert answer.json() == {"data": {"policy": {"citations": {"totalCount": 2}}}}


async def test_an_empty_folder_is_reported_as_not_installed(tmp_path: Path) -> None:
    settings = get_settings(api_graphiql=True, api_graphiql_assets=tmp_path / "none")
    async with client_with(settings) as http:
        page = await http.get("/graphql", headers=HTML)
        asset = await http.get("/graphiql/graphiql.min.js")
    assert page.status_code == 503
    assert all(path in page.text for path in ASSETS.values())
    assert asset.status_code == 404


async def test_graphiql_switched_off_serves_no_page() -> None:
    async with client_with(get_settings(api_graphiql=False)) as http:
        page = await http.get("/graphql", headers=HTML)
    assert page.status_code == 404


@pytest.mark.parametrize("example", [False, True])
def test_fazhi_serve_prints_the_explorer_and_graphiql_urls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, example: bool
) -> None:
    served: list[tuple[str, int]] = []
    monkeypatch.setenv("FAZHI_DATA_DIR", str(tmp_path))  # serve sets it: restored at teardown
    monkeypatch.setattr(
        "uvicorn.run", lambda *_, host, port, **__: served.append((host, port))
    )  # the command up to the server's start, without serving
    args = ["serve", "--host", "127.0.0.1", "--port", "8123", "--data-dir", str(tmp_path)]
    printed = CliRunner().invoke(app, args + (["--example"] if example else []))
    assert printed.exit_code == 0, printed.output
    assert served == [("127.0.0.1", 8123)]
    lines = printed.stdout.splitlines()
    assert lines[:2] == [
        "Explorer: http://127.0.0.1:8123/",
        "GraphQL: http://127.0.0.1:8123/graphql (GraphiQL in a browser)",
    ]
    assert (EXAMPLE_QUERY in printed.stdout) is example
