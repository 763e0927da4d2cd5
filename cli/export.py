"""``fazhi export --format graphml|csv|jsonl --out PATH``: the whole graph, for other tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from

out = Console(highlight=False, soft_wrap=True)

# graph.export.ExportFormat, spelled here so that building the command line does not import
# networkx (tests/test_cli.py checks the two agree).
ExportFormat = Literal["graphml", "csv", "jsonl"]


def register(app: typer.Typer) -> None:
    """Add the ``export`` command to ``app``."""
    app.command("export")(export)


def export(
    fmt: Annotated[
        ExportFormat,
        typer.Option("--format", help="graphml (one file), csv (a folder) or jsonl (one file)."),
    ],
    out_path: Annotated[
        Path, typer.Option("--out", help="File to write (graphml, jsonl) or folder (csv).")
    ],
    store: StoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write every node and relationship of the store to files (lists as JSON in graphml/csv)."""
    from services.exporting import export_store

    settings = settings_from(store=store, data_dir=data_dir)
    with opened_store(settings) as graph:
        done = export_store(graph, fmt, out_path)
    for path in done.paths:
        out.print(f"wrote {path}")
    out.print(f"{done.nodes} nodes, {done.relationships} relationships")
