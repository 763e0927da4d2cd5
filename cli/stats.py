"""``fazhi stats``: how many nodes and relationships the store holds.

Example:
    $ fazhi stats --json
    {"nodes": {"Policy": 7, "Report": 3}, "relationships": {"CITES": 10}}
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DataDirOption, StoreOption, opened_store, settings_from

if TYPE_CHECKING:
    from graph.store import GraphStats

out = Console(highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``stats`` command to ``app``."""
    app.command("stats")(stats)


def stats(
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Count the nodes by label and the relationships by type."""
    with opened_store(settings_from(store=store, data_dir=data_dir)) as opened:
        counts = opened.stats()
    if as_json:
        out.print(json.dumps(stats_dict(counts), ensure_ascii=False))
    else:
        out.print(stats_table(counts))


def stats_dict(counts: GraphStats) -> dict[str, dict[str, int]]:
    """The counts as plain JSON-ready dicts.

    Example:
        >>> from graph.store import GraphStats
        >>> stats_dict(GraphStats({"Report": 2}, {}))
        {'nodes': {'Report': 2}, 'relationships': {}}
    """
    return {"nodes": dict(counts.nodes), "relationships": dict(counts.relationships)}


def stats_table(counts: GraphStats) -> Table:
    """The counts as a two-part rich table."""
    table = Table(title="graph", show_footer=False)
    table.add_column("kind")
    table.add_column("name")
    table.add_column("count", justify="right")
    for kind, group in (("node", counts.nodes), ("relationship", counts.relationships)):
        for name, count in group.items():
            table.add_row(kind, name, str(count))
    if not counts.nodes:
        table.caption = "the store is empty"
    return table
