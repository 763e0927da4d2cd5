"""``fazhi delete REPORT_ID`` / ``fazhi delete --all``: take reports out of the store.

Deleting a report also removes the entities no other report refers to (see
:mod:`graph.resolve`). ``--all`` empties the store and asks first unless ``--yes``.

Example:
    $ fazhi delete 5a0c…e1
    $ fazhi delete --all --yes --store neo4j
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from
from cli.printing import literal

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``delete`` command to ``app``."""
    app.command("delete", no_args_is_help=True)(delete)


def delete(
    report_ids: Annotated[
        list[str] | None, typer.Argument(help="Report ids (content hashes) to delete.")
    ] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Delete every report and entity.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Delete reports (and what only they referred to), or everything with --all."""
    ids = list(report_ids or [])
    if everything == bool(ids):
        raise typer.BadParameter("give report ids, or --all (not both)", param_hint="REPORT_ID")
    settings = settings_from(store=store, data_dir=data_dir)
    if everything and not yes:
        where = settings.neo4j_uri if settings.store == "neo4j" else str(settings.data_dir)
        typer.confirm(f"Delete everything in the {settings.store} store ({where})?", abort=True)
    with opened_store(settings) as opened:
        if everything:
            opened.clear()
            out.print("deleted everything")
            return
        missing = [rid for rid in ids if not opened.delete_report(rid)]
    out.print(f"deleted {len(ids) - len(missing)} report(s)")
    if missing:
        err.print(f"[yellow]not found[/yellow]: {literal(', '.join(missing))}")
        raise typer.Exit(code=1)
