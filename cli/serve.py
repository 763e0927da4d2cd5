"""``fazhi serve``: the GraphQL API over HTTP (uvicorn).

The CLI does not import the GraphQL front end: it hands uvicorn the app factory's import
string, and the options given here reach the app as the ``FAZHI_*`` settings it reads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.options import DataDirOption, StoreOption, opened_store, settings_from
from services.examples import EXAMPLE_QUERY

out = Console(highlight=False, soft_wrap=True)

APP_FACTORY = "api.app:create_app"  # create_app() reads the settings from the environment


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default api_host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default api_port).")] = None,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    example: Annotated[
        bool, typer.Option("--example", help="Print an example query after the URLs.")
    ] = False,
) -> None:
    """Serve the explorer on http://HOST:PORT/, GraphQL and GraphiQL at /graphql, and /healthz."""
    import uvicorn

    os.environ.update(settings_environment(store=store, data_dir=data_dir))
    settings = settings_from(store=store, data_dir=data_dir)
    host = host or settings.api_host
    port = port or settings.api_port
    if settings.store == "neo4j":
        with opened_store(settings):  # unreachable or refused: one line, not uvicorn's traceback
            pass
    out.print(served_urls(host, port))
    if example:
        out.print(f"\nTry this query:\n{EXAMPLE_QUERY}\n")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port)


def settings_environment(*, store: str | None, data_dir: Path | None) -> dict[str, str]:
    """The ``FAZHI_*`` variables that carry the options given to the app's settings.

    Example:
        >>> settings_environment(store="neo4j", data_dir=None)
        {'FAZHI_STORE': 'neo4j'}
    """
    given = {"FAZHI_STORE": store, "FAZHI_DATA_DIR": data_dir}
    return {name: str(value) for name, value in given.items() if value is not None}


def served_urls(host: str, port: int) -> str:
    """The lines naming where the explorer and GraphiQL answer (a wildcard address is
    reachable as 127.0.0.1 on this machine).

    Example:
        >>> print(served_urls("0.0.0.0", 8000))
        Explorer: http://127.0.0.1:8000/
        GraphQL: http://127.0.0.1:8000/graphql (GraphiQL in a browser)
    """
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"
    return f"Explorer: {base}/\nGraphQL: {base}/graphql (GraphiQL in a browser)"
