"""The explorer's routes: ``/`` (search box), ``/search?q=``, ``/policy/{id, title or 文号}``,
``/region/{code or name}`` and the static files (CSS, JS, plotly.js from the plotly package).

Every page reads through :mod:`services.browsing`, which asks the named queries GraphQL uses.

Example:
    >>> sorted(r.path for r in router.routes)[:3]
    ['/', '/policy/{written:path}', '/region/{written}']
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from api.deps import app_store
from api.explorer.figures import citation_map, cumulative_curve, figure_json
from api.explorer.maps import province_rings
from api.explorer.render import page
from graph.store import StoreError
from services.browsing import cumulative_by_level, policy_view, region_view, search
from services.errors import UserInputError

router = APIRouter(include_in_schema=False)

STATIC = Path(__file__).resolve().parent / "static"
PLOTLY_JS = Path(str(files("plotly") / "package_data" / "plotly.min.js"))
STATIC_FILES = {
    "explorer.css": (STATIC / "explorer.css", "text/css; charset=utf-8"),
    "explorer.js": (STATIC / "explorer.js", "text/javascript; charset=utf-8"),
    "plotly.min.js": (PLOTLY_JS, "text/javascript; charset=utf-8"),
}
CACHE = {"Cache-Control": "public, max-age=86400"}


@router.get("/", response_class=HTMLResponse)
def home() -> HTMLResponse:
    """The search box, and a link to GraphiQL."""
    return page("home.html", query="")


@router.get("/search", response_model=None)
def search_page(request: Request, q: str = Query("", max_length=200)) -> Response:
    """Policies (title, 文号), regions, programmes and institutions matching ``q``."""
    if not q.strip():
        return RedirectResponse("/", status_code=303)
    try:
        hits = search(app_store(request), q)
    except StoreError as error:
        return _unavailable(error)
    return page("search.html", query=q, hits=hits)


@router.get("/policy/{written:path}", response_class=HTMLResponse)
def policy_page(request: Request, written: str) -> HTMLResponse:
    """A policy: map, cumulative curve, citing reports with evidence, co-cited policies."""
    try:
        view = policy_view(app_store(request), written)
    except StoreError as error:
        return _unavailable(error)
    if view is None:
        return _not_found(f"没有这份政策文件: no policy with the id, title or 文号 {written!r}")
    firsts = view.first_citations
    total = [(row["year"], row["cumulative_regions"]) for row in view.diffusion]
    return page(
        "policy.html",
        view=view,
        query=view.policy.props.get("title") or view.policy.key,
        map_json=figure_json(citation_map(firsts, province_rings())),
        curve_json=figure_json(cumulative_curve(cumulative_by_level(firsts), total)),
    )


@router.get("/region/{written}", response_class=HTMLResponse)
def region_page(request: Request, written: str) -> HTMLResponse:
    """A region: its reports by year, what they cite, similar regions and its neighbours."""
    try:
        view = region_view(app_store(request), written)
    except UserInputError as error:
        return page("message.html", status_code=400, title="地区名称不唯一", message=str(error))
    except StoreError as error:
        return _unavailable(error)
    if view is None:
        return _not_found(f"没有这个地区: no region with the code or name {written!r}")
    return page("region.html", view=view, query=view.region.props.get("name") or view.region.key)


@router.get("/static/{name}")
def static_file(name: str) -> FileResponse:
    """The explorer's CSS and JS, and plotly.js as the installed plotly package ships it."""
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404, detail=f"no static file {name!r}")
    path, media_type = STATIC_FILES[name]
    return FileResponse(path, media_type=media_type, headers=CACHE)


def _not_found(message: str) -> HTMLResponse:
    return page("message.html", status_code=404, title="未找到", message=message)


def _unavailable(error: StoreError) -> HTMLResponse:
    """503, saying why, as ``/readyz`` does."""
    message = f"store unavailable: {error}"
    return page("message.html", status_code=503, title="图谱暂时无法访问", message=message)
