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

from cli.options import DataDirOption, StoreOption, settings_from

out = Console(highlight=False, soft_wrap=True)

APP_FACTORY = "api.app:create_app"  # create_app() reads the settings from the environment

EXAMPLE_QUERY = """{
  policy(title: "重大行政决策程序暂行条例") {
    title
    kind
    citations(first: 50) {
      totalCount
      edges { node { year region { name code } evidence { text } } }
    }
  }
}"""


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""
    app.command("serve")(serve)


def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default api_host).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default api_port).")] = None,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
    example: Annotated[
        bool, typer.Option("--example", help="Print the URL and an example query first.")
    ] = False,
) -> None:
    """Serve GraphQL on http://HOST:PORT/graphql (GraphiQL in a browser), /healthz and /readyz."""
    import uvicorn

    os.environ.update(settings_environment(store=store, data_dir=data_dir))
    settings = settings_from(store=store, data_dir=data_dir)
    host = host or settings.api_host
    port = port or settings.api_port
    if example:
        out.print(f"GraphQL: http://{host}:{port}/graphql\n\nTry this query:\n{EXAMPLE_QUERY}\n")
    uvicorn.run(APP_FACTORY, factory=True, host=host, port=port)


def settings_environment(*, store: str | None, data_dir: Path | None) -> dict[str, str]:
    """The ``FAZHI_*`` variables that carry the options given to the app's settings.

    Example:
        >>> settings_environment(store="neo4j", data_dir=None)
        {'FAZHI_STORE': 'neo4j'}
    """
    given = {"FAZHI_STORE": store, "FAZHI_DATA_DIR": data_dir}
    return {name: str(value) for name, value in given.items() if value is not None}
