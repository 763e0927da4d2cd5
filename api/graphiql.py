"""GraphiQL served from this machine: its browser files come from ``web/graphiql`` (installed
from the npm registry by ``npm ci``, which ``make setup`` runs), never from a CDN, so it works
offline; it opens with the example query. Where the files are missing, GET /graphql says so and
how to install them (POST /graphql answers queries all the same).

Example:
    >>> sorted(ASSETS)[:2]
    ['graphiql.min.css', 'graphiql.min.js']
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from config.settings import Settings
from services.examples import EXAMPLE_QUERY

DEFAULT_ASSETS = Path(__file__).resolve().parent.parent / "web" / "graphiql" / "node_modules"
INSTALL_COMMAND = "npm ci --prefix web/graphiql"  # run in the checkout (make setup runs it)

# URL name -> file under node_modules: the files strawberry's own GraphiQL page loads from unpkg.
ASSETS = {
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "plugin-explorer.umd.js": "@graphiql/plugin-explorer/dist/index.umd.js",
    "plugin-explorer.css": "@graphiql/plugin-explorer/dist/style.css",
}
MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

assets_router = APIRouter(include_in_schema=False)


def assets_dir(settings: Settings) -> Path:
    """Where GraphiQL's npm files are: ``api_graphiql_assets`` or the checkout's node_modules.

    Example:
        >>> from config.settings import get_settings
        >>> assets_dir(get_settings(api_graphiql_assets="/srv/gq")).as_posix()
        '/srv/gq'
    """
    return settings.api_graphiql_assets or DEFAULT_ASSETS


def missing_assets(folder: Path) -> list[str]:
    """The files GraphiQL needs that ``folder`` lacks (all of them when it does not exist).

    Example:
        >>> len(missing_assets(Path("/nonexistent"))) == len(ASSETS)
        True
    """
    return [path for path in ASSETS.values() if not (folder / path).is_file()]


@assets_router.get("/graphiql/{name}", name="graphiql_asset")
async def graphiql_asset(name: str, request: Request) -> Response:
    """One of GraphiQL's browser files, by the name the page asks for (no other file)."""
    relative = ASSETS.get(name)
    folder = assets_dir(request.app.state.settings)
    if relative is None or not (folder / relative).is_file():
        return PlainTextResponse(f"no GraphiQL file {name!r} in {folder}", status_code=404)
    media_type = MEDIA_TYPES[Path(name).suffix]
    headers = {"Cache-Control": "public, max-age=3600"}
    return FileResponse(folder / relative, media_type=media_type, headers=headers)


class OfflineGraphiQL:
    """Mixed into strawberry's ``GraphQLRouter``: its ``render_graphql_ide`` hook (what GET
    /graphql from a browser answers) serves our page instead of strawberry's CDN one."""

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return graphiql_page(request)


def graphiql_page(request: Request) -> HTMLResponse:
    """GraphiQL with the example query, or a page saying its files are not installed."""
    folder = assets_dir(request.app.state.settings)
    missing = missing_assets(folder)
    if missing:
        return HTMLResponse(not_installed_html(folder, missing), status_code=503)
    urls = {name: request.url_for("graphiql_asset", name=name).path for name in ASSETS}
    return HTMLResponse(page_html(urls, EXAMPLE_QUERY))


def page_html(urls: dict[str, str], query: str) -> str:
    """The GraphiQL page loading ``urls`` (asset name -> path), opening with ``query``.

    Example:
        >>> page = page_html({name: "/graphiql/" + name for name in ASSETS}, "{ a }")
        >>> '"{ a }"' in page and "https://" not in page
        True
    """
    # json.dumps gives a JS string literal; "</" is escaped so no text can close the script.
    script_literal = json.dumps(query, ensure_ascii=False).replace("</", "<\\/")
    fields = {key.replace(".", "_").replace("-", "_"): html.escape(u) for key, u in urls.items()}
    return PAGE.substitute(fields, example_query=script_literal)


def not_installed_html(folder: Path, missing: list[str]) -> str:
    """The page GET /graphql answers when GraphiQL's files are not installed."""
    return FALLBACK.substitute(
        folder=html.escape(str(folder)),
        missing=html.escape(", ".join(missing)),
        command=html.escape(INSTALL_COMMAND),
    )


PAGE = Template("""<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>Fazhi Graph — GraphiQL</title>
<style>body { margin: 0; overflow: hidden; } #graphiql { height: 100vh; display: flex; }</style>
<link rel="stylesheet" href="$graphiql_min_css">
<link rel="stylesheet" href="$plugin_explorer_css">
<script src="$react_production_min_js"></script>
<script src="$react_dom_production_min_js"></script>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="$graphiql_min_js"></script>
<script src="$plugin_explorer_umd_js"></script>
<script>
const EXAMPLE_QUERY = $example_query;
const params = new URLSearchParams(window.location.search);
const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });

function keepInUrl(name, value) {
  if (value) { params.set(name, value); } else { params.delete(name); }
  history.replaceState(null, "", "?" + params.toString());
}

function FazhiGraphiQL() {
  const [query, setQuery] = React.useState(params.get("q") || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(params.get("variables") || undefined);
  const explorer = React.useMemo(() => GraphiQLPluginExplorer.explorerPlugin(), []);
  return React.createElement(GraphiQL, {
    fetcher: fetcher,
    plugins: [explorer],
    query: query,
    variables: variables,
    defaultEditorToolsVisibility: true,
    onEditQuery: (text) => { setQuery(text); keepInUrl("q", text); },
    onEditVariables: (text) => { setVariables(text); keepInUrl("variables", text); },
  });
}

ReactDOM.createRoot(document.getElementById("graphiql"))
  .render(React.createElement(FazhiGraphiQL));
</script>
</body>
</html>
""")

FALLBACK = Template("""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body style="font-family: sans-serif; max-width: 46em; margin: 3em auto; line-height: 1.5">
<h1>GraphiQL's files are not installed</h1>
<p>GraphiQL runs from files installed on this machine (no CDN), and they are missing
from <code>$folder</code> ($missing).</p>
<p>Install them in the checkout with <code>make setup</code> or <code>$command</code>
(Node.js and npm needed), then reload this page.</p>
<p>The GraphQL API itself works: POST <code>{"query": "…"}</code> to this URL.</p>
</body>
</html>
""")
