"""``fazhi review``: the stored reports whose region or year needs a researcher's look, with
the evidence behind each, and the correction lines that settle them.

Example:
    $ fazhi review                         # a table, then one correction CSV line per report
    $ fazhi review --csv corrections.csv   # the lines as a file to edit, then:
    $ fazhi ingest corpus/ --corrections corrections.csv
    $ fazhi review --json --store neo4j
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from
from cli.printing import literal

if TYPE_CHECKING:
    from rich.table import Table

    from services.reviewing import ReportReview

out = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``review`` command to ``app``."""
    app.command("review")(review)


def review(
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the reports and their lines as JSON.")
    ] = False,
    csv_file: Annotated[
        Path | None,
        typer.Option("--csv", dir_okay=False, help="Write the correction lines to this CSV file."),
    ] = None,
) -> None:
    """List the reports that need review, with the evidence for their region, year and author,
    and a ready-to-fill correction line for each (a line kept as it is confirms its values)."""
    from services.reviewing import correction_template, reviews

    with opened_store(settings_from(store=store, data_dir=data_dir)) as opened:
        items = reviews(opened)
    template = correction_template(items)
    if csv_file is not None:
        csv_file.write_text(template, encoding="utf-8")
    if as_json:
        rows = [item.as_json() for item in items]
        out.print(json.dumps(rows, ensure_ascii=False, indent=2), markup=False)
        return
    out.print(review_table(items))
    if csv_file is not None:
        out.print(f"{len(items)} correction lines written to {csv_file}", markup=False)
    elif items:
        out.print("\ncorrection lines (edit, save as a CSV file, ingest with --corrections):")
        out.print(template, end="", markup=False, highlight=False)


def review_table(items: list[ReportReview]) -> Table:
    """The reports as a rich table: each fact with the source and confidence behind it."""
    from rich.table import Table

    table = Table(title=f"{len(items)} reports need review")
    for column in ("report", "region", "year", "author"):
        table.add_column(column, overflow="fold")
    for item in items:
        region = " ".join(part for part in (item.region_code, item.region_name) if part)
        table.add_row(
            f"{literal(item.source or '')}\n{literal(item.title or '')}\n{item.report_id}",
            _fact(region, item.region_source, item.region_confidence),
            _fact(item.year, item.year_source, item.year_confidence, item.year_inferred),
            _fact(literal(item.author or ""), item.author_source, item.author_confidence),
        )
    if not items:
        table.caption = "nothing to review"
    return table


def _fact(
    value: object, source: str | None, confidence: float | None, inferred: bool | None = None
) -> str:
    """``value`` over ``source confidence`` (``?`` when missing; ``inferred`` when deduced).

    Example:
        >>> print(_fact(2019, "publication_date", 0.5, inferred=True))
        2019
        publication_date 0.50 inferred
        >>> print(_fact(None, None, None))
        ?
    """
    shown = "?" if value in (None, "") else str(value)
    if source is None:
        return shown
    evidence = f"{source} {confidence:.2f}" if confidence is not None else source
    return f"{shown}\n{evidence}{' inferred' if inferred else ''}"
