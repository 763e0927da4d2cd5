"""The embedded store beyond the contract: saving, loading, crashes while saving, threads, and
the ``fazhi stats`` / ``fazhi delete`` commands over a data dir."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner

from cli import delete as delete_command
from cli import stats as stats_command
from config.settings import get_settings
from graph.factory import open_store
from graph.memory import GRAPH_FILE, MemoryStore
from graph.model import Label
from graph.store import GraphStore, StoreError
from graph.writer_lock import LOCK_FILE
from tests import store_fixtures as fx


def filled(data_dir: Path, **options: Any) -> MemoryStore:
    store = MemoryStore(data_dir, **options)
    for report in fx.all_reports():
        store.upsert_report(report)
    return store


def test_close_then_reopen_gives_the_same_graph(tmp_path: Path) -> None:
    store = filled(tmp_path)
    before = store.dump()
    store.close()
    reopened = MemoryStore(tmp_path)
    assert reopened.dump() == before
    assert reopened.upsert_report(fx.report_c()).status == "unchanged"
    assert reopened.upsert_report(fx.report_a_changed()).status == "replaced"


def test_alias_index_survives_a_reopen(tmp_path: Path) -> None:
    with MemoryStore(tmp_path) as store:
        store.upsert_report(fx.report_b())
    with MemoryStore(tmp_path) as store:
        store.upsert_report(fx.report_c())
        assert store.get_nodes(Label.POLICY, [fx.PROVINCE_PLAN_NUMBER]) == [None]


def test_writes_are_saved_every_flush_every_and_on_flush(tmp_path: Path) -> None:
    store = MemoryStore(tmp_path, flush_every=2)
    store.upsert_report(fx.report_a())
    assert not (tmp_path / GRAPH_FILE).exists()
    store.upsert_report(fx.report_b())
    assert len(MemoryStore(tmp_path).dump()[0]) == len(store.dump()[0])
    store.upsert_report(fx.report_c())
    assert MemoryStore(tmp_path).stats().nodes["Report"] == 2
    store.flush()
    assert MemoryStore(tmp_path).stats().nodes["Report"] == 3


def test_crash_while_saving_keeps_the_previous_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with MemoryStore(tmp_path) as store:
        store.upsert_report(fx.report_a())
    saved = MemoryStore(tmp_path).dump()

    def crash(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise OSError("power cut")

    store = MemoryStore(tmp_path)
    store.upsert_report(fx.report_b())
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power cut"):
        store.flush()
    monkeypatch.undo()
    assert MemoryStore(tmp_path).dump() == saved
    assert sorted(p.name for p in tmp_path.iterdir()) == [GRAPH_FILE, LOCK_FILE]  # no temp file


def test_truncated_file_is_a_clear_error(tmp_path: Path) -> None:
    with MemoryStore(tmp_path) as store:
        store.upsert_report(fx.report_a())
    path = tmp_path / GRAPH_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(StoreError, match=str(path)):
        MemoryStore(tmp_path)


def test_foreign_pickle_is_refused(tmp_path: Path) -> None:
    (tmp_path / GRAPH_FILE).write_bytes(b"\x80\x05K\x01.")  # pickle of the int 1
    with pytest.raises(StoreError, match="not a Fazhi graph file"):
        MemoryStore(tmp_path)


def test_without_data_dir_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with MemoryStore(None) as store:
        store.upsert_report(fx.report_a())
        assert store.path is None
    assert list(tmp_path.iterdir()) == []


def test_open_store_follows_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store(get_settings(store="memory", data_dir=None)) as in_memory:
        in_memory.upsert_report(fx.report_a())
        assert isinstance(in_memory, MemoryStore)
        assert in_memory.path is None
    assert list(tmp_path.iterdir()) == []
    saved = tmp_path / "saved"
    store = open_store(get_settings(store="memory", data_dir=saved, memory_flush_every=1))
    store.upsert_report(fx.report_a())
    assert MemoryStore(saved).stats().nodes["Report"] == 1  # saved before any close


def test_open_store_caps_evidence_as_the_settings_say(tmp_path: Path) -> None:
    settings = get_settings(store="memory", data_dir=None, evidence_per_relationship=1)
    with open_store(settings) as store:
        for report in fx.all_reports():
            store.upsert_report(report)
        _, edges = store.dump()
    assert max(len(edge.props.get("evidence_text", [])) for edge in edges) == 1


class CountingQuery:
    """A QuerySpec whose networkx side counts Report nodes."""

    name = "count_reports"
    cypher = "MATCH (r:Report) RETURN count(r) AS reports"

    def run_networkx(
        self, graph: nx.MultiDiGraph, params: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        reports = sum(1 for _, label in graph.nodes(data="label") if label == "Report")
        return [{"reports": reports}]


def test_reads_while_writing_from_threads_see_whole_reports() -> None:
    store = MemoryStore(None)
    seen: list[int] = []
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(200):
                seen.append(store.run(CountingQuery(), {})[0]["reports"])
                store.find_nodes(Label.POLICY, order_by="year")
        except BaseException as exc:  # collected for the main thread to fail on
            errors.append(exc)

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    for _ in range(5):
        for report in fx.all_reports():
            store.upsert_report(report)
        store.clear()
    for reader in readers:
        reader.join()
    assert errors == []
    assert set(seen) <= {0, 1, 2, 3}


def test_memory_store_is_a_graph_store() -> None:
    assert isinstance(MemoryStore(None), GraphStore)


# --- fazhi stats / fazhi delete ---------------------------------------------------------------
@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    stats_command.register(app)
    delete_command.register(app)
    return app


def test_stats_command_prints_counts_as_json(cli: typer.Typer, tmp_path: Path) -> None:
    filled(tmp_path).close()
    result = CliRunner().invoke(
        cli, ["stats", "--store", "memory", "--data-dir", str(tmp_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.output)
    assert counts["nodes"]["Report"] == 3
    assert counts["relationships"]["CITES"] == 10


def test_stats_command_prints_a_table(cli: typer.Typer, tmp_path: Path) -> None:
    filled(tmp_path).close()
    result = CliRunner().invoke(cli, ["stats", "--data-dir", str(tmp_path), "--store", "memory"])
    assert result.exit_code == 0, result.output
    assert "Policy" in result.output
    assert "PART_OF" in result.output


def test_delete_command_removes_a_report(cli: typer.Typer, tmp_path: Path) -> None:
    filled(tmp_path).close()
    args = ["--store", "memory", "--data-dir", str(tmp_path)]
    result = CliRunner().invoke(cli, ["delete", "b" * 16, *args])
    assert result.exit_code == 0, result.output
    assert MemoryStore(tmp_path).get_nodes(Label.REPORT, ["b" * 16]) == [None]
    missing = CliRunner().invoke(cli, ["delete", "b" * 16, *args])
    assert missing.exit_code == 1


def test_delete_all_asks_first(cli: typer.Typer, tmp_path: Path) -> None:
    filled(tmp_path).close()
    args = ["delete", "--all", "--store", "memory", "--data-dir", str(tmp_path)]
    refused = CliRunner().invoke(cli, args, input="n\n")
    assert refused.exit_code != 0
    assert MemoryStore(tmp_path).stats().nodes["Report"] == 3
    done = CliRunner().invoke(cli, [*args, "--yes"])
    assert done.exit_code == 0, done.output
    assert MemoryStore(tmp_path).stats().nodes == {}


def test_delete_needs_ids_or_all(cli: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["delete", "--all", "x", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
