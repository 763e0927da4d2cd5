"""``fazhi ingest PATH...``: extract reports and write them to a store, idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from api.cli.options import DataDirOption, StoreOption, settings_from
from config import Settings
from graph.factory import open_store
from graph.store import GraphStore, StoreError, UpsertResult
from ingest.model import Extraction
from ingest.pipeline import find_report_files, try_extract_file

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass(slots=True)
class IngestSummary:
    """Counts of what an ingest run did, and what went wrong where."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    nodes_written: int = 0
    relationships_written: int = 0
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, result: UpsertResult) -> None:
        """Count one store write."""
        if result.status == "new":
            self.new += 1
        elif result.status == "replaced":
            self.replaced += 1
        else:
            self.unchanged += 1
        self.nodes_written += result.nodes_written
        self.relationships_written += result.relationships_written

    def line(self) -> str:
        """One line for the end of the run."""
        return (
            f"reports: {self.new} new, {self.unchanged} unchanged, {self.replaced} replaced, "
            f"{len(self.failed)} failed; written: {self.nodes_written} nodes, "
            f"{self.relationships_written} relationships; {len(self.warnings)} warnings"
        )


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command to ``app``."""
    app.command("ingest")(ingest)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders (walked).")],
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    jobs: Annotated[int, typer.Option(min=1, help="Extraction processes.")] = 1,
) -> None:
    """Extract reports and write them to the store: new, unchanged or replaced, never duplicated."""
    settings = settings_from(store=store, data_dir=data_dir)
    files = find_report_files(paths)
    try:
        with open_store(settings) as graph:
            summary = ingest_files(graph, files, settings=settings, jobs=jobs)
    except StoreError as error:
        err.print(f"[red]error[/red]: {error}")
        raise typer.Exit(code=2) from error
    for problem in summary.failed:
        err.print(f"[red]failed[/red]: {problem}")
    for warning in summary.warnings:
        err.print(f"[yellow]warning[/yellow]: {warning}")
    out.print(summary.line())
    if files and len(summary.failed) == len(files):
        raise typer.Exit(code=1)


def ingest_files(
    graph: GraphStore, files: list[Path], *, settings: Settings, jobs: int = 1
) -> IngestSummary:
    """Extract and upsert the files in batches of ``settings.ingest_batch_reports`` with a
    progress bar; a bad file is recorded, not fatal (a failed batch is retried report by report
    by the store, so only the bad report fails)."""
    summary = IngestSummary()
    pending: list[tuple[Path, Extraction]] = []
    with _progress() as progress:
        task = progress.add_task("ingesting", total=len(files))
        for path, outcome in _extract_all(files, settings=settings, jobs=jobs):
            if isinstance(outcome, str):
                summary.failed.append(outcome)
                progress.advance(task)
                continue
            pending.append((path, outcome))
            if len(pending) >= settings.ingest_batch_reports:
                progress.advance(task, _upsert_batch(graph, pending, summary))
        progress.advance(task, _upsert_batch(graph, pending, summary))
    return summary


def _upsert_batch(
    graph: GraphStore, pending: list[tuple[Path, Extraction]], summary: IngestSummary
) -> int:
    """Write the pending reports as one batch, count each, and empty ``pending``."""
    results = graph.upsert_reports([extraction for _, extraction in pending]) if pending else []
    for (path, extraction), result in zip(pending, results, strict=True):
        if isinstance(result, StoreError):
            summary.failed.append(f"{path}: not written, rolled back ({result})")
        else:
            summary.add(result)
        summary.warnings.extend(f"{path}: {w}" for w in extraction.warnings)
    done = len(pending)
    pending.clear()
    return done


def _extract_all(
    files: list[Path], *, settings: Settings, jobs: int
) -> Iterator[tuple[Path, Extraction | str]]:
    if jobs == 1:
        yield from ((path, try_extract_file(path, settings=settings)) for path in files)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        outcomes = pool.map(_extract_in_worker, files, [settings] * len(files), chunksize=4)
        yield from zip(files, outcomes, strict=True)


def _extract_in_worker(path: Path, settings: Settings) -> Extraction | str:
    return try_extract_file(path, settings=settings)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
