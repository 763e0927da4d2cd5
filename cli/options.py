"""Options shared by the commands that open a store, the settings they build, and the store.

Light on purpose: every command's signature imports this module when ``fazhi`` starts, so
settings and stores are imported only inside the functions that use them.

Example:
    $ fazhi stats --store neo4j   # unreachable → "error: cannot reach Neo4j …", exit code 2
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.console import Console

from cli.printing import literal

if TYPE_CHECKING:
    from config import Settings
    from graph.store import GraphStore

err = Console(stderr=True, highlight=False, soft_wrap=True)

# config.settings.StoreKind, spelled here so that building the command line does not import
# pydantic-settings (tests/test_cli.py checks the two agree).
StoreKind = Literal["memory", "neo4j"]

StoreOption = Annotated[
    StoreKind | None,
    typer.Option("--store", help="memory (embedded, default) or neo4j (NEO4J_* settings)."),
]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Embedded store folder (default ./.fazhi).")
]


def settings_from(*, store: StoreKind | None, data_dir: Path | None) -> Settings:
    """Settings from the environment, with the command-line options that were given on top."""
    from config import get_settings

    overrides: dict[str, Any] = {}
    if store is not None:
        overrides["store"] = store
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return get_settings(**overrides)


@contextmanager
def opened_store(settings: Settings) -> Iterator[GraphStore]:
    """The store of ``settings``, closed after the block; a :class:`StoreError` while opening
    or using it is printed and ends the command with exit code 2.

    Example:
        with opened_store(settings_from(store=None, data_dir=None)) as store:
            counts = store.stats()
    """
    from graph.factory import open_store
    from graph.store import StoreError

    try:
        with open_store(settings, on_wait=err.print) as store:
            yield store
    except StoreError as error:
        err.print(f"[red]error[/red]: {literal(error)}")
        raise typer.Exit(code=2) from error
