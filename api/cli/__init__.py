"""The ``fazhi`` command line: one module per command, registered here.

Example:
    $ fazhi extract samples/reports/000_f81b65d6a8d0adf5.txt --json
"""

from __future__ import annotations

import typer

from api.cli import delete, export, extract, ingest, query, serve, stats
from api.cli import eval as eval_command

app = typer.Typer(
    name="fazhi",
    help="法治图谱: extract, store and query Chinese rule-of-law government reports.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _main() -> None:
    """法治图谱 — a knowledge graph of local governments' annual rule-of-law reports."""


for _command in (extract, eval_command, ingest, stats, delete, query, serve, export):
    _command.register(app)
