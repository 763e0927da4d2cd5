"""The ``fazhi`` command line: one module per command, registered here.

The command modules import only what their signatures need; the libraries a command uses
(jieba, the stores, strawberry, pandas …) are imported when it runs, so ``fazhi --help``
starts in a fraction of a second (``python -m bench.cli`` measures it).

Example:
    $ fazhi extract samples/reports/000_f81b65d6a8d0adf5.txt --json
"""

from __future__ import annotations

import logging
import warnings

import typer

from cli import delete, export, extract, fetch, ingest, query, review, serve, stats
from cli import eval as eval_command

# Libraries whose log records would reach stderr through Python's last-resort handler (the
# Neo4j driver's server notifications, the readers' libraries outside a read); jieba's own
# handler is turned down by ingest.wordseg.
_LIBRARY_LOGGERS = ("neo4j", "pypdf", "trafilatura", "htmldate", "courlan", "charset_normalizer")

app = typer.Typer(
    name="fazhi",
    help="法治图谱: extract, store and query Chinese rule-of-law government reports.",
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _main() -> None:
    """法治图谱 — a knowledge graph of local governments' annual rule-of-law reports."""
    keep_library_noise_off_the_terminal()


def keep_library_noise_off_the_terminal() -> None:
    """Python warnings (deprecations, jieba's escape sequences …) and library log records
    stay off stderr: a command prints its results, its errors and its own warnings only.

    Example:
        >>> keep_library_noise_off_the_terminal()
        >>> any(isinstance(h, logging.NullHandler) for h in logging.getLogger("pypdf").handlers)
        True
    """
    warnings.simplefilter("ignore")
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


for _command in (fetch, extract, eval_command, ingest, review, stats, delete, query, serve, export):
    _command.register(app)
