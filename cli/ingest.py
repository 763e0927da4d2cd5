"""``fazhi ingest PATH...``: extract reports and write them to a store, idempotently."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from
from cli.printing import literal

if TYPE_CHECKING:
    from rich.progress import Progress

    from config import Settings
    from ingest.pipeline import ReportSource
    from services.ingesting import IngestSummary

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``ingest`` command to ``app``."""
    app.command("ingest")(ingest)


def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Report files, folders (walked) or crawl archives (fazhi fetch)."),
    ],
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    jobs: Annotated[
        str,
        typer.Option(help="Extraction processes: a number, or auto (or 0) for every core."),
    ] = "1",
    corrections: Annotated[
        Path | None,
        typer.Option(
            "--corrections",
            dir_okay=False,
            help="A corrections CSV (see README; default FAZHI_CORRECTIONS).",
        ),
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            "--bulk",
            help="First load into an EMPTY local Neo4j with neo4j-admin import (stops it a while).",
        ),
    ] = False,
) -> None:
    """Extract reports and write them to the store: new, unchanged or replaced, never duplicated."""
    from ingest.corrections import CorrectionsError
    from ingest.pipeline import find_report_sources
    from services.ingesting import ingest_files

    processes = jobs_option(jobs)
    settings = settings_from(store=store, data_dir=data_dir)
    if corrections is not None:
        settings = settings.model_copy(update={"corrections": corrections})
    files = find_report_sources(paths)
    if bulk:
        _bulk_load(files, settings, processes)
        return
    with opened_store(settings) as graph, _progress() as progress:
        task = progress.add_task("ingesting", total=len(files))
        try:
            summary = ingest_files(
                graph,
                files,
                settings=settings,
                jobs=processes,
                on_progress=lambda done: progress.advance(task, done),
            )
        except CorrectionsError as error:
            err.print(f"[red]error[/red]: {literal(error)}")
            raise typer.Exit(code=2) from error
    _print_outcome(summary, len(files))


def _print_outcome(summary: IngestSummary, files: int) -> None:
    """Failures and warnings on stderr, the summary line; exit 1 when every file failed."""
    for problem in summary.failed:
        err.print(f"[red]failed[/red]: {literal(problem)}")
    for warning in summary.warnings:
        err.print(f"[yellow]warning[/yellow]: {literal(warning)}")
    out.print(summary.line())
    if files and len(summary.failed) == files:
        raise typer.Exit(code=1)


def _bulk_load(files: list[ReportSource], settings: Settings, jobs: int | None) -> None:
    """``--bulk``: extract in memory, import into the empty local Neo4j, report as ingest does."""
    from graph.store import StoreError
    from ingest.corrections import CorrectionsError
    from services.bulk_loading import bulk_load_files, local_target

    if settings.store != "neo4j":
        err.print("[red]error[/red]: --bulk loads Neo4j: add --store neo4j (or FAZHI_STORE=neo4j)")
        raise typer.Exit(code=2)
    try:
        settings, server = local_target(settings, None)  # refused before the progress bar
        with _progress() as progress:
            task = progress.add_task("extracting", total=len(files))
            load = bulk_load_files(
                files,
                settings=settings,
                jobs=jobs,
                server=server,
                on_progress=lambda n: progress.advance(task, n),
            )
    except (StoreError, CorrectionsError) as error:
        err.print(f"[red]error[/red]: {literal(error)}")
        raise typer.Exit(code=2) from error
    _print_outcome(load.summary, len(files))
    out.print(load.line())


def jobs_option(value: str) -> int | None:
    """The ``--jobs`` value as the ingest service takes it (None: every core).

    Example:
        >>> jobs_option("2"), jobs_option("auto"), jobs_option("0")
        (2, None, None)
    """
    if value.strip().lower() in ("auto", "0"):
        return None
    if not value.strip().isdigit():
        raise typer.BadParameter(
            f"{value!r} is no number of processes (or auto)", param_hint="--jobs"
        )
    return int(value)


def _progress() -> Progress:
    """A transient progress bar on stderr (files done of all files)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
