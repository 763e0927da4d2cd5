"""A running server serves a finished ingest without a restart, and /readyz says which saved
graph it serves (api/follow.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from api.app import create_app
from cli import app as fazhi_app
from config.settings import get_settings
from graph.memory import GRAPH_FILE
from ingest.pipeline import extract_file
from tests.api_support import post_graphql

SAMPLES = sorted((Path(__file__).parent.parent / "samples" / "reports").glob("*.txt"))
REPORT_QUERY = "query($id: ID!) { report(id: $id) { id year } }"
Ready = dict[str, Any]


def ingest(path: Path, data_dir: Path) -> None:
    result = CliRunner().invoke(fazhi_app, ["ingest", str(path), "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output


async def served_report(http: httpx.AsyncClient, report_id: str) -> Any:
    status, body = await post_graphql(http, REPORT_QUERY, {"id": report_id})
    assert status == 200, body
    return body["data"]["report"]


async def readyz_when(http: httpx.AsyncClient, wanted: Callable[[Ready], bool]) -> Ready:
    """/readyz once it says what is ``wanted`` (within 20 s)."""
    for _ in range(400):
        ready: Ready = (await http.get("/readyz")).json()
        if wanted(ready):
            return ready
        await asyncio.sleep(0.05)
    raise AssertionError(f"/readyz never said it: {ready}")


async def served_when(http: httpx.AsyncClient, report_id: str) -> Any:
    """The report once the server serves it (within 20 s)."""
    for _ in range(400):
        report = await served_report(http, report_id)
        if report is not None:
            return report
        await asyncio.sleep(0.05)
    raise AssertionError(f"report {report_id} never served")


def following_app(data_dir: Path) -> Any:
    return create_app(get_settings(data_dir=data_dir, api_graphiql=False, api_follow_every_s=0.05))


async def test_a_running_server_serves_a_finished_ingest(tmp_path: Path) -> None:
    first, second = (extract_file(path).report_id for path in SAMPLES[:2])
    ingest(SAMPLES[0], tmp_path)
    app = following_app(tmp_path)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            before = (await http.get("/readyz")).json()
            assert await served_report(http, second) is None
            ingest(SAMPLES[1], tmp_path)
            # saved_at has whole seconds, and two ingests can fall in the same one: wait for
            # what a user sees, the new report served
            assert (await served_when(http, second))["id"] == second
            after = (await http.get("/readyz")).json()
            assert (await served_report(http, first))["id"] == first
    assert before["behind"] is False
    assert after["behind"] is False
    assert app.state.store is None  # the store served last was closed


async def test_readyz_says_when_a_newer_graph_cannot_be_read(tmp_path: Path) -> None:
    first = extract_file(SAMPLES[0]).report_id
    ingest(SAMPLES[0], tmp_path)
    app = following_app(tmp_path)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            (tmp_path / GRAPH_FILE).write_bytes(b"a save cut short")
            ready = await readyz_when(http, lambda ready: "stale" in ready)
            assert (await served_report(http, first))["id"] == first
    assert ready["status"] == "ready"
    assert ready["behind"] is True
    assert "cannot read the graph file" in ready["stale"]
