"""One writer per embedded data dir, and readers that follow: concurrent ingests keep every
report, a second writer waits (and says so) or gives up with one line, a reader sees a save."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tests.store_fixtures as fx
from cli import app
from graph.memory import MemoryStore
from graph.model import Label
from graph.writer_lock import WriterLock

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "samples" / "reports"


def distinct_reports(folder: Path, tag: str, count: int = 2) -> list[Path]:
    """``count`` sample reports copied into ``folder``, each made a report of its own by a line."""
    folder.mkdir(parents=True)
    copies = []
    for sample in sorted(SAMPLES.glob("*.txt"))[:count]:
        copy = folder / f"{tag}-{sample.name}"
        text = sample.read_text(encoding="utf-8")
        copy.write_text(f"{text}\n附：{tag}批次存档。\n", encoding="utf-8")
        copies.append(copy)
    return copies


def fazhi_process(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """``fazhi ARGS`` running in a process of its own (stdout and stderr piped)."""
    code = "import sys; from cli import app; sys.argv[0] = 'fazhi'; app()"
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def saved_report_ids(data_dir: Path) -> set[str]:
    with MemoryStore(data_dir) as store:
        return {node.key for node in store.find_nodes(Label.REPORT, limit=10_000).items}


def test_two_concurrent_ingests_into_one_data_dir_end_with_all_reports(tmp_path: Path) -> None:
    first = distinct_reports(tmp_path / "first", "甲")
    second = distinct_reports(tmp_path / "second", "乙")
    data = ["--data-dir", str(tmp_path / "store")]
    runs = [fazhi_process("ingest", str(tmp_path / name), *data) for name in ("first", "second")]
    outputs = [run.communicate(timeout=300) for run in runs]
    for run, (stdout, stderr) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, stderr
        assert f"{len(first)} new" in stdout, stdout + stderr
    assert len(saved_report_ids(tmp_path / "store")) == len(first) + len(second)


def test_a_second_writer_waits_for_the_first_and_says_so(tmp_path: Path) -> None:
    store = tmp_path / "store"
    files = distinct_reports(tmp_path / "reports", "丙", count=1)
    holder = WriterLock(store, timeout_s=1.0)
    holder.acquire()
    run = fazhi_process("ingest", str(tmp_path / "reports"), "--data-dir", str(store))
    assert run.stderr is not None
    first_line = run.stderr.readline()  # blocks until the ingest says it waits
    holder.release()
    stdout, _ = run.communicate(timeout=300)
    assert first_line.strip() == f"waiting for another writer on {store} (pid {os.getpid()})…"
    assert run.returncode == 0
    assert f"{len(files)} new" in stdout
    assert len(saved_report_ids(store)) == len(files)


def test_a_writer_gives_up_after_the_timeout_in_one_line(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with MemoryStore(store) as earlier:
        earlier.upsert_report(fx.report_a())
    holder = WriterLock(store, timeout_s=1.0)
    holder.acquire()
    try:
        result = CliRunner().invoke(
            app,
            ["ingest", str(sorted(SAMPLES.glob("*.txt"))[0]), "--data-dir", str(store)],
            env={"FAZHI_MEMORY_LOCK_TIMEOUT_S": "0.2"},
        )
    finally:
        holder.release()
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"error: another writer (pid {os.getpid()}) still writes to {store} after 0.2 s; "
        "try again when it is done (FAZHI_MEMORY_LOCK_TIMEOUT_S)"
    )
    assert saved_report_ids(store) == {fx.report_a().report_id}


def test_a_writer_reads_what_another_saved_before_writing(tmp_path: Path) -> None:
    early, late = MemoryStore(tmp_path), MemoryStore(tmp_path)  # both read the empty dir
    early.upsert_report(fx.report_a())
    early.close()
    late.upsert_report(fx.report_b())
    late.close()
    assert saved_report_ids(tmp_path) == {fx.report_a().report_id, fx.report_b().report_id}


def test_a_writer_is_the_only_one_until_it_flushes(tmp_path: Path) -> None:
    writer, other = MemoryStore(tmp_path), MemoryStore(tmp_path, lock_timeout_s=0.1)
    writer.upsert_report(fx.report_a())
    with pytest.raises(Exception, match="another writer"):
        other.upsert_report(fx.report_b())
    writer.flush()
    other.upsert_report(fx.report_b())
    other.close()
    assert len(saved_report_ids(tmp_path)) == 2


def test_a_reader_sees_that_a_writer_saved(tmp_path: Path) -> None:
    reader = MemoryStore(tmp_path)
    assert reader.snapshot is None
    assert not reader.changed_on_disk()
    with MemoryStore(tmp_path) as writer:
        writer.upsert_report(fx.report_a())
    assert reader.changed_on_disk()
    assert not MemoryStore(tmp_path).changed_on_disk()


def test_stats_of_a_store_being_written_read_the_last_save(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with MemoryStore(store) as earlier:
        earlier.upsert_report(fx.report_a())
    holder = WriterLock(store, timeout_s=1.0)
    holder.acquire()  # a reader never waits for the writer
    try:
        result = CliRunner().invoke(app, ["stats", "--json", "--data-dir", str(store)])
    finally:
        holder.release()
    assert json.loads(result.stdout)["nodes"]["Report"] == 1
