"""Paged named queries (``limit``, ``offset``): on both stores the pages put together are the
whole answer in the same stable order, the last page is short and a page past the end is
empty; the CLI, the notebook client and the explorer still get every row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import services.querying
from client import Fazhi
from graph.memory import MemoryStore
from graph.store import GraphStore
from queries import QUERIES, run_query
from queries.matching import MAX_PAGE_SIZE
from services.querying import pages_through, run_named
from tests.store_fixtures import LAW, PROVINCE_PLAN
from tests.test_queries_contract import _cli, memory, neo4j, saved_store, store

__all__ = ["memory", "neo4j", "saved_store", "store"]  # fixtures used here

PAGED_CASES: list[tuple[str, dict[str, Any]]] = [
    ("regions_citing_policy", {"policy": PROVINCE_PLAN}),
    ("regions_citing_policy", {"policy": LAW, "province_code": "420300"}),
    ("policies_cited_by_region", {"region": "十堰", "include_subregions": True}),
    ("documents_issued_by", {"issuer": "郧阳区"}),
    ("coverage", {"year": 2019, "province": "420300"}),
]


def _whole(store: GraphStore, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return run_query(store, name, params | {"limit": MAX_PAGE_SIZE})


def test_the_paged_queries_are_the_four_decided() -> None:
    paged = {name for name, query in QUERIES.items() if "offset" in query.params_model.model_fields}
    assert paged == {name for name, _ in PAGED_CASES}


@pytest.mark.neo4j
@pytest.mark.parametrize("size", [1, 2, 3])
@pytest.mark.parametrize("case", PAGED_CASES, ids=lambda case: f"{case[0]}:{case[1]}")
def test_pages_put_together_are_the_whole_answer(
    store: GraphStore, case: tuple[str, dict[str, Any]], size: int
) -> None:
    name, params = case
    whole = _whole(store, name, params)
    assert len(whole) > 1, "a paging case must have several rows"
    pages = [
        run_query(store, name, params | {"limit": size, "offset": offset})
        for offset in range(0, len(whole) + size, size)
    ]
    assert [row for page in pages for row in page] == whole
    assert all(len(page) == size for page in pages[: len(whole) // size])
    assert len(pages[-1]) < size  # the last page is short (or empty): nothing after it
    assert run_query(store, name, params | {"offset": len(whole)}) == []


@pytest.mark.neo4j
def test_the_default_page_is_a_thousand_rows(store: GraphStore) -> None:
    # coverage lists the gazetteer's regions of a year, thousands of them, on any graph
    rows = run_query(store, "coverage", {"year": 2019})
    assert len(rows) == 1000
    assert rows == _whole(store, "coverage", {"year": 2019})[:1000]


def test_every_row_pages_through(monkeypatch: pytest.MonkeyPatch) -> None:
    store = MemoryStore(data_dir=None)
    whole = _whole(store, "coverage", {"year": 2019})
    assert len(whole) > 2000
    monkeypatch.setattr(services.querying, "MAX_PAGE_SIZE", 700)  # several pages, a short last
    assert run_named(store, "coverage", {"year": 2019}, every_row=True) == whole
    asked = {"year": 2019, "limit": 5, "offset": 10}  # a page asked for stays that page
    assert run_named(store, "coverage", asked, every_row=True) == whole[10:15]
    assert not pages_through(QUERIES["search"], {"text": "x"})


def test_the_client_and_the_cli_give_every_row(saved_store: Path) -> None:
    with MemoryStore(saved_store) as store:
        whole = _whole(store, "coverage", {"year": 2019})
        frame = Fazhi(store=store).coverage(2019)
        assert len(frame) == len(whole) > 1000
        assert Fazhi(store=store).coverage_summary(2019)["regions"] == len(whole)
    args = ["--json", "--store", "memory", "--data-dir", str(saved_store)]
    result = _cli("coverage", "-p", "year=2019", *args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == whole
    result = _cli("coverage", "-p", "year=2019", "-p", "limit=3", "-p", "offset=1", *args)
    assert json.loads(result.stdout) == whole[1:4]
