"""Extraction in several processes gives what one process gives; ``--jobs`` takes a number or
auto."""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from cli.ingest import jobs_option
from config import get_settings
from graph.memory import MemoryStore
from services.ingesting import FILES_PER_PROCESS, extraction_processes, ingest_files

SAMPLES = sorted((Path(__file__).parent.parent / "samples" / "reports").glob("*.txt"))


def report_files(folder: Path, count: int) -> list[Path]:
    """``count`` distinct reports (sample texts with a numbered line), and one bad file."""
    folder.mkdir()
    files = []
    for index in range(count):
        sample = SAMPLES[index % len(SAMPLES)]
        copy = folder / f"{index:03d}-{sample.name}"
        copy.write_text(f"{sample.read_text(encoding='utf-8')}\n第{index}号存档。\n", "utf-8")
        files.append(copy)
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    return [*files[:3], empty, *files[3:]]


def test_two_processes_extract_what_one_does(tmp_path: Path) -> None:
    files = report_files(tmp_path / "reports", 2 * FILES_PER_PROCESS)
    assert extraction_processes(2, len(files)) == 2
    settings = get_settings(data_dir=None, corrections=None)
    answers = []
    for jobs in (1, 2):
        with MemoryStore(None) as store:
            summary = ingest_files(store, files, settings=settings, jobs=jobs)
            answers.append((summary.line(), summary.files, summary.failed, store.dump()))
    assert answers[0] == answers[1]
    assert answers[0][1][3].status == "failed"  # in the files' order, the bad one included


def test_every_core_is_the_service_default_for_enough_files() -> None:
    cores = os.cpu_count() or 1
    assert extraction_processes(None, 1000) == min(cores, 1000 // FILES_PER_PROCESS)
    assert extraction_processes(0, 1000) == extraction_processes(None, 1000)
    assert extraction_processes(None, FILES_PER_PROCESS - 1) == 1  # not worth a second process


def test_jobs_option_reads_a_number_or_auto(tmp_path: Path) -> None:
    assert [jobs_option(v) for v in ("1", "3", "auto", "AUTO", "0")] == [1, 3, None, None, None]
    result = CliRunner().invoke(
        app, ["ingest", str(SAMPLES[0]), "--jobs", "many", "--data-dir", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--jobs" in result.output
    assert "'many' is no number of processes" in result.output
