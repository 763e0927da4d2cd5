"""``fazhi serve``: the GraphQL API over HTTP (uvicorn)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from api.cli.options import DataDirOption, StoreOption, settings_from

out = Console(highlight=False, soft_wrap=True)

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

    from api.app import create_app

    settings = settings_from(store=store, data_dir=data_dir)
    overrides: dict[str, Any] = {}
    if host is not None:
        overrides["api_host"] = host
    if port is not None:
        overrides["api_port"] = port
    settings = settings.model_copy(update=overrides)
    url = f"http://{settings.api_host}:{settings.api_port}/graphql"
    if example:
        out.print(f"GraphQL: {url}\n\nTry this query:\n{EXAMPLE_QUERY}\n")
    uvicorn.run(create_app(settings), host=settings.api_host, port=settings.api_port)
