"""``fazhi fetch URL... --archive DIR``: crawl report pages and attachments into a web archive."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    from rich.progress import Progress

    from fetch.spider import CrawlLog

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``fetch`` command to ``app``."""
    app.command("fetch")(fetch)


def fetch(
    urls: Annotated[
        list[str] | None,
        typer.Argument(help="Report URLs, listing pages or site roots to start from."),
    ] = None,
    archive: Annotated[
        Path, typer.Option("--archive", file_okay=False, help="Archive folder (kept, added to).")
    ] = Path("archive"),
    from_file: Annotated[
        Path | None,
        typer.Option("--from-file", dir_okay=False, help="More start URLs, one a line."),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(min=0, help="Link levels to follow (default FAZHI_FETCH_DEPTH, 2)."),
    ] = None,
) -> None:
    """Fetch reports politely (robots.txt, one request at a time per host, a delay) into a WARC
    archive; a re-run asks only for what changed. Then: fazhi ingest ARCHIVE.

    Failures are listed with URL and reason and the crawl goes on; the exit status is 1 only
    when nothing at all could be fetched."""
    from config import Settings, get_settings
    from fetch.crawl import crawl, urls_from_file

    starts = list(urls or [])
    if from_file is not None:
        starts += urls_from_file(from_file)
    if not starts:
        err.print("[red]error[/red]: no URL to start from (give URLs or --from-file)")
        raise typer.Exit(code=2)
    settings = get_settings()
    if settings.fetch_user_agent == Settings.model_fields["fetch_user_agent"].default:
        err.print(
            "[yellow]warning[/yellow]: FAZHI_FETCH_USER_AGENT is not set: "
            "say who you are and how to reach you, as a polite crawler does"
        )
    with _progress() as progress:
        task = progress.add_task("fetching", total=None)

        def told(log: CrawlLog, url: str) -> None:
            line = f"{log.archived} new, {log.unchanged} unchanged, {len(log.errors)} errors"
            progress.update(task, description=f"fetching ({line}) {url}")

        log = crawl(starts, archive, settings=settings, depth=depth, on_response=told)
    for line in log.lines()[:-1]:
        err.print(line, markup=False)
    out.print(log.lines()[-1], markup=False)
    out.print(f"archive: {archive} (then: fazhi ingest {archive})", markup=False)
    if log.errors and not (log.archived or log.unchanged):
        raise typer.Exit(code=1)  # nothing could be fetched at all: say so to scripts


def _progress() -> Progress:
    """A transient spinner on stderr with the counts so far and the last URL."""
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
