"""The ingest summary counts what ``fazhi stats`` counts, on both stores: the graph's nodes and
relationships after the run and how many more than before — not the rows each report wrote (a
region or policy that several reports name is one node). Inputs are the bundled sample files and
a shortened copy of one; the expected numbers are the store's own stats, never constants."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from config.settings import Settings, get_settings
from graph.memory import MemoryStore
from graph.store import GraphStats, GraphStore
from services.ingesting import IngestSummary, ingest_files

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "samples" / "reports").glob("*.txt"))


@pytest.fixture(params=["memory", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """An empty store of each kind."""
    if request.param == "memory":
        with MemoryStore(tmp_path / "data") as memory:
            yield memory
        return
    from graph.neo4j_store import Neo4jStore

    neo4j_settings: Settings = request.getfixturevalue("neo4j_settings")
    with Neo4jStore(neo4j_settings) as neo4j:
        neo4j.clear()
        yield neo4j
        neo4j.clear()


def totals(stats: GraphStats) -> tuple[int, int]:
    return sum(stats.nodes.values()), sum(stats.relationships.values())


def ingest(store: GraphStore, files: list[Path]) -> IngestSummary:
    summary = ingest_files(store, files, settings=get_settings())
    assert not summary.failed, summary.failed
    return summary


def test_the_summary_counts_the_graph_as_stats_does(store: GraphStore) -> None:
    first = ingest(store, SAMPLES)
    assert (first.nodes, first.relationships) == totals(store.stats())
    assert (first.nodes_added, first.relationships_added) == (first.nodes, first.relationships)
    assert first.graph_after == store.stats()
    again = ingest(store, SAMPLES)
    assert again.unchanged == len(SAMPLES)
    assert (again.nodes_added, again.relationships_added) == (0, 0)
    assert (again.nodes, again.relationships) == totals(store.stats())


def test_a_replaced_report_counts_the_difference(store: GraphStore, tmp_path: Path) -> None:
    copy = tmp_path / "report.txt"
    shutil.copy(SAMPLES[0], copy)
    ingest(store, [copy, *SAMPLES[1:]])
    before = totals(store.stats())
    text = SAMPLES[0].read_text(encoding="utf-8")
    copy.write_text(text[: len(text) // 3], encoding="utf-8")
    replaced = ingest(store, [copy])
    after = totals(store.stats())
    assert replaced.replaced == 1
    assert (replaced.nodes, replaced.relationships) == after
    assert replaced.nodes_added == after[0] - before[0]
    assert replaced.relationships_added == after[1] - before[1]


def test_fazhi_ingest_says_the_numbers_fazhi_stats_shows(tmp_path: Path) -> None:
    env = {"FAZHI_STORE": "memory", "FAZHI_DATA_DIR": str(tmp_path / "data")}
    ingested = CliRunner().invoke(app, ["ingest", *map(str, SAMPLES)], env=env)
    stats = CliRunner().invoke(app, ["stats", "--json"], env=env)
    assert ingested.exit_code == 0, ingested.output
    counts = json.loads(stats.stdout)
    nodes, relationships = sum(counts["nodes"].values()), sum(counts["relationships"].values())
    said = re.search(r"graph: (\d+) nodes \(\+(\d+)\), (\d+) relationships", ingested.stdout)
    assert said is not None, ingested.stdout
    assert [int(number) for number in said.groups()] == [nodes, nodes, relationships]
