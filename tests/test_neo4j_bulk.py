"""The bulk path (``fazhi ingest --bulk``): importer CSV files, and a graph imported by
``neo4j-admin`` into a throwaway local server that answers exactly like one loaded online."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from neo4j import GraphDatabase
from typer.testing import CliRunner

from cli import app
from config import Settings, get_settings
from devtools import neo4j_local
from graph import cites_order, cypher
from graph.memory import MemoryStore
from graph.model import Label, Rel
from graph.neo4j_bulk import BulkFormatError, array_delimiter, write_import_files
from graph.neo4j_store import Neo4jStore
from graph.neo4j_tallies import AGGREGATES_VERSION
from graph.store import Edge, GraphStore, Node, StoreError
from ingest.model import Extraction, ReportMeta
from ingest.pipeline import ReportSource, find_report_sources
from services.bulk_loading import bulk_load_graph, local_target
from services.ingesting import ingest_files
from services.querying import run_named
from tests import store_fixtures as fx
from tests.test_neo4j_aggregates import stored_tallies

SAMPLES = Path(__file__).parent.parent / "samples" / "reports"
QUESTIONS: list[tuple[str, dict[str, Any]]] = [
    ("top_cited_policies", {}),
    ("regions_citing_policy", {"policy": "重大行政决策程序暂行条例"}),
    ("policy_diffusion", {"policy": "重大行政决策程序暂行条例"}),
    ("policies_cited_by_region", {"region": "海州区"}),
    ("coverage", {"year": 2023}),
    ("search", {"text": "司法局"}),
]
# A title the CSV must quote: a quote, a comma, a line break and an array delimiter candidate.
AWKWARD_TITLE = '关于"放管服",改革\n的报告\x1f（试行）'


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


# --- the files --------------------------------------------------------------------------------
def test_files_type_the_properties_and_quote_the_text(tmp_path: Path) -> None:
    policy = Node(
        Label.POLICY, "甲法", {"title": AWKWARD_TITLE, "year": 2019, "aliases": ["a", "b"]}
    )
    region = Node(Label.REGION, "420000", {"name": "湖北省", "lat": 30.5})
    report = Node(Label.REPORT, "r1", {"needs_review": False})
    cites = Edge(Rel.CITES, (Label.REPORT, "r1"), (Label.POLICY, "甲法"), {"count": 2})
    files = write_import_files([policy, region, report], [cites], {"甲": "甲法"}, tmp_path)
    assert files.array_delimiter == "\x1e"  # \x1f occurs in the title
    assert files.multiline
    by_label = {label: read_csv(tmp_path / name) for label, name in files.nodes}
    assert by_label["Policy"] == [
        ["id:ID(Policy)", "aliases:string[]", "title:string", "year:long"],
        ["甲法", "a\x1eb", AWKWARD_TITLE, "2019"],
    ]
    assert by_label["Region"][0] == ["code:ID(Region)", "lat:double", "name:string"]
    assert by_label["Report"] == [["id:ID(Report)", "needs_review:boolean"], ["r1", "false"]]
    assert by_label["PolicyAlias"] == [["alias:ID(PolicyAlias)"], ["甲"]]
    by_type = {rel: read_csv(tmp_path / name) for rel, name in files.relationships}
    assert by_type["CITES"] == [
        [":START_ID(Report)", ":END_ID(Policy)", f"{cites_order.NEWEST}:string", "count:long"],
        ["r1", "甲法", cites_order.order_keys("甲法", {"id": "r1"})[cites_order.NEWEST], "2"],
    ]
    assert by_type["ALIAS_OF"] == [[":START_ID(PolicyAlias)", ":END_ID(Policy)"], ["甲", "甲法"]]
    arguments = files.arguments(tmp_path, "neo4j")
    assert "--array-delimiter=U+001E" in arguments
    assert "--multiline-fields=true" in arguments
    assert arguments[:4] == ["database", "import", "full", "neo4j"]


def test_a_node_without_a_property_goes_to_another_file(tmp_path: Path) -> None:
    with_year = Node(Label.POLICY, "甲", {"title": "甲", "year": 2019})
    without = Node(Label.POLICY, "乙", {"title": "乙"})
    files = write_import_files([with_year, without], [], {}, tmp_path)
    headers = sorted(
        read_csv(tmp_path / name)[0] for label, name in files.nodes if label == "Policy"
    )
    assert headers == [
        ["id:ID(Policy)", "title:string"],
        ["id:ID(Policy)", "title:string", "year:long"],
    ]
    assert not files.multiline


def test_files_carry_the_citation_aggregates_and_their_marker(tmp_path: Path) -> None:
    report = Node(Label.REPORT, "r1", {"year": 2020, "region_code": "420304"})  # no date
    region = Node(Label.REGION, "420304", {"name": "郧阳区"})
    policy = Node(Label.POLICY, "甲法", {"title": "甲法"})
    cites = Edge(Rel.CITES, (Label.REPORT, "r1"), (Label.POLICY, "甲法"), {"count": 3})
    about = Edge(Rel.ABOUT, (Label.REPORT, "r1"), (Label.REGION, "420304"), {})
    files = write_import_files([report, region, policy], [cites, about], {}, tmp_path)
    by_label = {label: read_csv(tmp_path / name) for label, name in files.nodes}
    assert by_label["PolicyTally"] == [
        ["policy:string", "reports:long", "mentions:long", "regions:long"],
        ["甲法", "1", "3", "1"],
    ]
    assert by_label["ReportTally"][1] == ["r1", "2020", "", "420304", "420304", "甲法", "3"]
    assert by_label["PolicyRegionTally"][1] == ["甲法", "420304", "1", "2020", "1"]
    assert by_label["RegionYearTally"][1] == ["420304", "2020", "1", "", ""]
    assert by_label[cypher.MARKER_LABEL][1] == ["aggregates", str(AGGREGATES_VERSION)]
    assert by_label[cypher.MARKER_LABEL][2] == [cites_order.MARKER, str(cites_order.VERSION)]


def test_files_carry_the_cites_sort_keys(tmp_path: Path) -> None:
    report = Node(Label.REPORT, "r1", {"year": 2020, "region_code": "420304"})
    policy = Node(Label.POLICY, "甲法", {"title": "甲法"})
    cites = Edge(Rel.CITES, (Label.REPORT, "r1"), (Label.POLICY, "甲法"), {"count": 3})
    files = write_import_files([report, policy], [cites], {}, tmp_path)
    [(_, name)] = files.relationships
    header, row = read_csv(tmp_path / name)
    keys = cites_order.order_keys("甲法", {"id": "r1", **report.props})
    assert dict(zip(header, row, strict=True)) == {
        ":START_ID(Report)": "r1",
        ":END_ID(Policy)": "甲法",
        f"{cites_order.BY_REGION}:string": keys[cites_order.BY_REGION],
        f"{cites_order.NEWEST}:string": keys[cites_order.NEWEST],
        "count:long": "3",
    }


def test_values_the_format_cannot_carry_are_named() -> None:
    mixed = Node(Label.POLICY, "甲", {"aliases": ["a", 1]})
    with pytest.raises(BulkFormatError, match="Policy '甲' aliases"):
        write_import_files([mixed], [], {}, Path("/nonexistent"))
    with pytest.raises(BulkFormatError, match="every array delimiter"):
        array_delimiter(["\x1c\x1d\x1e\x1f"])


# --- a real import ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bulk_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, neo4j_local.LocalServer]]:
    """A throwaway local server (the project's jars, a free port), stopped at the end."""
    shared = neo4j_local.LocalServer()
    neo4j_local.fetch_if_needed(shared)
    server = neo4j_local.LocalServer(home=tmp_path_factory.mktemp("bulk") / "neo4j", heap="512m")
    server.home.mkdir()
    (server.home / "lib").symlink_to(shared.lib, target_is_directory=True)
    settings = get_settings(store="neo4j", neo4j_uri=f"bolt://127.0.0.1:{neo4j_local.free_port()}")
    connection = neo4j_local.ensure_running(settings, server=server)
    try:
        yield settings.model_copy(update=connection.settings_overrides()), server
    finally:
        neo4j_local.stop(server=server)


def corpus() -> tuple[list[ReportSource], list[Extraction]]:
    """The samples (real extraction) and the hand-built reports whose policies merge, with a
    title the CSV must quote."""
    awkward = Extraction(
        "awkward.txt", "awkward0000000001", "正文。", ReportMeta(title=AWKWARD_TITLE)
    )
    return find_report_sources([SAMPLES]), [*fx.all_reports(), awkward]


def answers(store: GraphStore) -> tuple[Any, ...]:
    questions = [run_named(store, name, params) for name, params in QUESTIONS]
    return store.stats(), questions, store.dump()


def test_a_bulk_load_answers_like_an_online_load(
    bulk_target: tuple[Settings, neo4j_local.LocalServer], caplog: pytest.LogCaptureFixture
) -> None:
    settings, server = bulk_target
    files, extractions = corpus()
    local, server = local_target(settings, server)  # empty: accepted
    graph = MemoryStore(None, evidence_cap=settings.evidence_per_relationship)
    summary = ingest_files(graph, files, settings=settings)
    graph.upsert_reports(extractions)
    with caplog.at_level(logging.INFO, logger="graph.neo4j_store"):
        load = bulk_load_graph(graph, settings=local, server=server, summary=summary)
    assert "counting the citation aggregates" not in caplog.text  # imported with the graph
    assert "CITES sort keys" not in caplog.text  # keyed in the CSV files
    assert load.summary.new == len(files)
    assert load.files >= 10
    assert load.import_s > 0
    with Neo4jStore(local) as store:
        bulk = answers(store)
        bulk_tallies = stored_tallies(local)  # counted when the store opened the import
        bulk_keys = stored_cites_keys(local)
        store.clear()
        ingest_files(store, files, settings=local)
        store.upsert_reports(extractions)
        online = answers(store)
    assert bulk_tallies["PolicyTally"]
    assert bulk_tallies == stored_tallies(local)  # the citation aggregates, as written online
    assert bulk_keys == stored_cites_keys(local)  # the CITES sort keys, as written online
    assert bulk[0] == online[0] == load.summary.graph_after
    assert bulk[1] == online[1]
    assert bulk[2] == online[2]  # every node and relationship with every property
    assert any(node.props.get("title") == AWKWARD_TITLE for node in bulk[2][0])

    # the database now holds a graph: a second bulk load is refused, in one line
    with pytest.raises(StoreError, match=r"holds \d+ nodes: --bulk loads into an empty") as refused:
        local_target(settings, server)
    assert "\n" not in str(refused.value)


def stored_cites_keys(settings: Settings) -> list[dict[str, Any]]:
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    query = (
        f"MATCH (a)-[c:CITES]->(b) RETURN a.id AS report, b.id AS policy, "
        f"c.{cites_order.BY_REGION} AS by_region, c.{cites_order.NEWEST} AS newest "
        "ORDER BY report, policy"
    )
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        records = driver.execute_query(query, database_=settings.neo4j_database).records
    assert records
    assert all(record["newest"] for record in records)
    return [record.data() for record in records]


def test_a_remote_server_is_refused_in_one_line() -> None:
    remote = get_settings(store="neo4j", neo4j_uri="neo4j+s://example.databases.neo4j.io")
    with pytest.raises(StoreError, match=r"local Neo4j .* only: .*load any other server online"):
        local_target(remote, None)
    result = CliRunner().invoke(
        app,
        ["ingest", str(SAMPLES), "--bulk"],
        env={"FAZHI_STORE": "neo4j", "NEO4J_URI": remote.neo4j_uri},
    )
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "load any other server online" in result.output


def test_bulk_needs_the_neo4j_store() -> None:
    result = CliRunner().invoke(app, ["ingest", str(SAMPLES), "--bulk", "--store", "memory"])
    assert result.exit_code == 2
    assert "--bulk loads Neo4j" in result.output
