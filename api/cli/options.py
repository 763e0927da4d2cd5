"""Options shared by the commands that open a store, and the settings they build."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from config import Settings, get_settings
from config.settings import StoreKind

StoreOption = Annotated[
    StoreKind | None,
    typer.Option("--store", help="memory (embedded, default) or neo4j (NEO4J_* settings)."),
]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Embedded store folder (default ./.fazhi).")
]


def settings_from(*, store: StoreKind | None, data_dir: Path | None) -> Settings:
    """Settings from the environment, with the command-line options that were given on top."""
    overrides: dict[str, Any] = {}
    if store is not None:
        overrides["store"] = store
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    return get_settings(**overrides)
