"""``fazhi export --format graphml|csv|jsonl|panel --out PATH``: the whole graph for other tools,
or the region × year panel for Stata, R or pandas.

Example:
    $ fazhi export --format jsonl --out graph.jsonl
    $ fazhi export --format panel --policy 重大行政决策程序暂行条例 --out panel.dta
    $ fazhi export --format panel --kind law --top 10 --long --out panel.parquet
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from

if TYPE_CHECKING:
    from config.settings import Settings
    from graph.store import GraphStore
    from services.panel import Panel, PanelFilters, PolicySelection

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# graph.export.ExportFormat, spelled here so that building the command line does not import
# networkx (tests/test_cli.py checks the two agree).
ExportFormat = Literal["graphml", "csv", "jsonl"]
# What --format takes: the graph's formats, and the panel (services.panel).
CommandFormat = Literal["graphml", "csv", "jsonl", "panel"]
PanelFileFormat = Literal["csv", "parquet", "dta"]  # services.panel.PanelFileFormat


def register(app: typer.Typer) -> None:
    """Add the ``export`` command to ``app``."""
    app.command("export")(export)


def export(
    fmt: Annotated[
        CommandFormat,
        typer.Option(
            "--format",
            help="graphml (one file), csv (a folder), jsonl (one file) or panel (region x year "
            "table: .csv, .parquet or .dta).",
        ),
    ],
    out_path: Annotated[
        Path,
        typer.Option(
            "--out", "--output", help="File to write (graphml, jsonl, panel) or folder (csv)."
        ),
    ],
    long: Annotated[
        bool, typer.Option("--long/--wide", help="Panel: one row per region x year x policy.")
    ] = False,
    policy: Annotated[
        list[str] | None,
        typer.Option("--policy", help="Panel: a policy title or 文号; repeat the option."),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="Panel: every cited policy of this kind.")
    ] = None,
    top: Annotated[
        int | None, typer.Option("--top", help="Panel: the N most cited policies (default 20).")
    ] = None,
    year_from: Annotated[int | None, typer.Option(help="Panel: from this year.")] = None,
    year_to: Annotated[int | None, typer.Option(help="Panel: up to this year.")] = None,
    level: Annotated[str | None, typer.Option(help="Panel: only regions of this level.")] = None,
    province: Annotated[
        str | None, typer.Option(help="Panel: only regions with this code or within it.")
    ] = None,
    file_format: Annotated[
        PanelFileFormat | None,
        typer.Option("--file-format", help="Panel: csv, parquet or dta (default: the suffix)."),
    ] = None,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Write every node and relationship of the store to files (lists as JSON in graphml/csv),
    or with --format panel the region x year panel of chosen policies (README: Panel export)."""
    from services.panel import PanelFilters, PolicySelection

    settings = settings_from(store=store, data_dir=data_dir)
    if fmt != "panel":
        _export_graph(fmt, out_path, settings)
        return
    selection = PolicySelection(titles=tuple(policy or ()), kind=kind, top=top)
    filters = PanelFilters(year_from, year_to, level, province)
    with opened_store(settings) as graph:
        _export_panel(graph, selection, filters, long, out_path, file_format)


def _export_graph(fmt: ExportFormat, out_path: Path, settings: Settings) -> None:
    from services.exporting import export_store

    with opened_store(settings) as graph:
        done = export_store(graph, fmt, out_path)
    for path in done.paths:
        out.print(f"wrote {path}")
    out.print(f"{done.nodes} nodes, {done.relationships} relationships")


def _export_panel(
    graph: GraphStore,
    selection: PolicySelection,
    filters: PanelFilters,
    long: bool,
    out_path: Path,
    file_format: str | None,
) -> None:
    from services.errors import UserInputError
    from services.panel import build_panel, panel_file_format, write_panel

    try:
        panel_file_format(out_path, file_format)  # a bad name fails before the store is read
        panel = build_panel(graph, selection, filters, "long" if long else "wide")
        paths = write_panel(panel, out_path, file_format)
    except UserInputError as error:
        err.print(f"[red]error[/red]: {error}")
        raise typer.Exit(code=2) from error
    for path in paths:
        out.print(f"wrote {path}")
    out.print(_panel_summary(panel))


def _panel_summary(panel: Panel) -> str:
    """``25 rows (region x year), 5 region-years with a report, 3 policies``."""
    frame = panel.frame
    region_years = frame.drop_duplicates(["region_code", "year"])
    covered = int(region_years["has_report"].sum()) if len(frame) else 0
    unit = "region x year" if panel.shape == "wide" else "region x year x policy"
    return (
        f"{len(frame)} rows ({unit}), {covered} region-years with a report, "
        f"{len(panel.policies)} policies"
    )
