"""Exporting the graph to GraphML, CSV and JSON Lines, and the ``fazhi export`` command."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from cli import export as export_command
from graph.export import export_graph
from graph.memory import MemoryStore
from graph.model import Label
from graph.store import Edge, Node
from tests.api_support import filled_memory_store
from tests.store_fixtures import LAW, all_reports


@pytest.fixture(scope="module")
def dumped() -> tuple[list[Node], list[Edge]]:
    return filled_memory_store().dump()


def test_graphml_round_trips_nodes_edges_and_list_properties(
    dumped: tuple[list[Node], list[Edge]], tmp_path: Path
) -> None:
    nodes, edges = dumped
    [path] = export_graph(nodes, edges, "graphml", tmp_path / "graph.graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (len(nodes), len(edges))
    law = graph.nodes[f"Policy:{LAW}"]
    assert (law["label"], law["key"], law["kind"]) == ("Policy", LAW, "law")
    cites = [d for _, _, d in graph.in_edges(f"Policy:{LAW}", data=True) if d["type"] == "CITES"]
    evidence = json.loads(cites[0]["evidence_text"])
    assert isinstance(evidence, list)
    assert "《行政处罚法》" in evidence[0]


def test_csv_has_nodes_and_relationships_with_json_lists(
    dumped: tuple[list[Node], list[Edge]], tmp_path: Path
) -> None:
    nodes, edges = dumped
    paths = export_graph(nodes, edges, "csv", tmp_path / "csv")
    assert [p.name for p in paths] == ["nodes.csv", "relationships.csv"]
    with paths[0].open(encoding="utf-8", newline="") as handle:
        node_rows = list(csv.DictReader(handle))
    with paths[1].open(encoding="utf-8", newline="") as handle:
        rel_rows = list(csv.DictReader(handle))
    assert (len(node_rows), len(rel_rows)) == (len(nodes), len(edges))
    county = next(r for r in node_rows if r["label"] == "Region" and r["key"] == "420304")
    assert (county["name"], county["level"]) == ("郧阳区", "county")
    cite = next(r for r in rel_rows if r["type"] == "CITES" and r["target_key"] == LAW)
    assert cite["source_label"] == "Report"
    assert int(cite["count"]) >= 1
    assert json.loads(cite["evidence_start"])[0] >= 0


def test_jsonl_keeps_lists_as_lists(dumped: tuple[list[Node], list[Edge]], tmp_path: Path) -> None:
    nodes, edges = dumped
    [path] = export_graph(nodes, edges, "jsonl", tmp_path / "graph.jsonl")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    kinds = [r["kind"] for r in records]
    assert kinds == ["node"] * len(nodes) + ["relationship"] * len(edges)
    cite = next(r for r in records if r["kind"] == "relationship" and r["type"] == "CITES")
    assert cite["source"][0] == Label.REPORT
    assert isinstance(cite["props"]["evidence_text"], list)


def test_export_command_writes_the_files_of_the_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with MemoryStore(data_dir=data_dir) as store:
        for extraction in all_reports():
            store.upsert_report(extraction)
        expected = store.stats()
    app = typer.Typer()
    app.callback()(lambda: None)
    export_command.register(app)
    out = tmp_path / "out.jsonl"
    args = ["export", "--format", "jsonl", "--out", str(out), "--store", "memory"]
    result = CliRunner().invoke(app, [*args, "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(expected.nodes.values()) + sum(expected.relationships.values())


def test_export_command_refuses_an_unknown_format(tmp_path: Path) -> None:
    app = typer.Typer()
    app.callback()(lambda: None)
    export_command.register(app)
    result = CliRunner().invoke(app, ["export", "--format", "xml", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "xml" in result.output


def test_csv_shows_where_a_fetched_report_came_from(tmp_path: Path) -> None:
    from dataclasses import replace

    from ingest.model import Provenance

    fetched = Provenance("https://www.yunyang.gov.cn/r.html", "2024-04-02T08:00:00Z", "warc/a#0")
    store = MemoryStore(data_dir=None)
    store.upsert_report(replace(all_reports()[0], provenance=fetched))
    nodes, edges = store.dump()
    [node_path, _] = export_graph(nodes, edges, "csv", tmp_path / "csv")
    with node_path.open(encoding="utf-8", newline="") as handle:
        [report] = [row for row in csv.DictReader(handle) if row["label"] == "Report"]
    assert (report["url"], report["fetched_at"], report["archive_record"]) == (
        fetched.url,
        fetched.fetched_at,
        fetched.archive_record,
    )
