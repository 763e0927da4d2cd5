"""``fazhi extract FILE... [--json]``: what extraction finds in report files, without storing it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.printing import literal

if TYPE_CHECKING:
    from config import Settings
    from ingest.model import Attribution, Extraction

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``extract`` command to ``app``."""
    app.command("extract")(extract)


def extract(
    paths: Annotated[list[Path], typer.Argument(help="Report files or folders.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (one object per file).")
    ] = False,
) -> None:
    """Extract entities and relations from report files (txt, html, pdf, docx).

    Bad files are named on stderr with the reason; the others are still extracted. The exit
    status is non-zero only when nothing could be extracted.
    """
    from config import get_settings
    from ingest.jsonview import extraction_json
    from ingest.pipeline import find_report_files

    results = list(extract_many(find_report_files(paths), settings=get_settings()))
    if as_json:
        objects = [extraction_json(x) for x in results]
        print(
            json.dumps(
                objects[0] if len(paths) == 1 and len(objects) == 1 else objects,
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for x in results:
            print_summary(x)
    if not results:
        raise typer.Exit(code=1)


def extract_many(files: list[Path], *, settings: Settings) -> Iterator[Extraction]:
    """Extract each file, reporting bad ones on stderr and going on with the rest."""
    from ingest.pipeline import try_extract_file

    for path in files:
        outcome = try_extract_file(path, settings=settings)
        if isinstance(outcome, str):
            err.print(f"[red]error[/red]: {literal(outcome)}")
        else:
            yield outcome


def _decided_by(attribution: Attribution | None) -> str:
    """`` (title 0.95)``: the evidence behind a report fact, ``~`` marking an inference."""
    if attribution is None:
        return ""
    mark = "~" if attribution.inferred else ""
    return f" ({mark}{attribution.source} {attribution.confidence:.2f})"


def print_summary(x: Extraction) -> None:
    """A readable one-screen summary of an extraction."""
    r = x.report
    out.print(f"[bold]{literal(x.source)}[/bold]  ({len(x.text)} chars, id {x.report_id[:12]})")
    out.print(
        f"  report: {literal(r.title or '(no title)')} | {' > '.join(r.region_path) or '?'} "
        f"[{r.region_code or '?'}]{_decided_by(r.region_attribution)} "
        f"| year {r.year or '?'}{_decided_by(r.year_attribution)} "
        f"| author {literal(r.author or '-')}{_decided_by(r.author_attribution)} "
        f"| published {r.published or '-'}"
        + (" | [yellow]needs review[/yellow]" if r.needs_review else "")
    )
    sections = {
        "policies": [
            p.canonical + (f" ({p.doc_number})" if p.doc_number else "") for p in x.policies
        ],
        "doc numbers": [d.canonical for d in x.doc_numbers],
        "regions": [f"{g.canonical}[{g.code or '?'}]" for g in x.regions],
        "institutions": [i.canonical for i in x.institutions],
        "programs": [p.canonical for p in x.programs],
        "metrics": [f"{m.subject} {m.value:g}{m.unit}" for m in x.metrics],
    }
    for name, items in sections.items():
        out.print(f"  {name} ({len(items)}): " + literal("；".join(items)))
    for warning in x.warnings:
        out.print(f"  [yellow]warning[/yellow]: {literal(warning)}")
