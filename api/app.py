"""The FastAPI application: ``/graphql`` (strawberry), ``/healthz`` and ``/readyz``.

Example:
    >>> from graph.memory import MemoryStore
    >>> app = create_app(store=MemoryStore(data_dir=None))
    >>> sorted(getattr(r, "path", "") for r in app.routes if getattr(r, "path", "").endswith("z"))
    ['/healthz', '/readyz']
"""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from strawberry.fastapi import GraphQLRouter

from api.deps import FazhiContext, app_settings, get_context
from api.errors import StoreUnavailableError, log_unavailable
from api.explorer import router as explorer_router
from api.follow import following, snapshot_status
from api.graphiql import OfflineGraphiQL, assets_router
from api.limits import BodySizeLimit, decode_request_json
from api.loaders import call_store
from api.schema import build_schema
from config.settings import Settings, get_settings
from graph.factory import open_store
from graph.store import GraphStore


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The API app; it opens (and at shutdown closes) a store from ``settings`` unless given one.

    A store passed in belongs to the caller: the app uses it but never closes it.
    """
    settings = settings or get_settings()
    app = FastAPI(
        title="Fazhi Graph (法治图谱)",
        description="Citations of laws and policies in local rule-of-law reports, as a graph.",
        lifespan=_lifespan(settings, store),
    )
    app.state.settings = settings
    app.state.store = store
    graphql = Utf8GraphQLRouter(
        build_schema(settings),
        graphql_ide="graphiql" if settings.api_graphiql else None,
        context_getter=get_context,
    )
    app.include_router(graphql, prefix="/graphql")
    app.include_router(assets_router)  # GraphiQL's files, from this machine
    app.include_router(explorer_router)  # the web pages: /, /search, /policy/…, /region/…
    app.add_api_route("/healthz", healthz, methods=["GET"])
    app.add_api_route("/readyz", readyz, methods=["GET"], response_model=None)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api_max_body_bytes)
    return app


class Utf8GraphQLRouter(OfflineGraphiQL, GraphQLRouter[FazhiContext, None]):
    """strawberry's router, with GraphiQL served offline (:mod:`api.graphiql`), answering in
    plain UTF-8 JSON: names and titles arrive as 海州区, not as ``\\u6d77\\u5dde\\u533a`` (half
    the bytes, and readable in curl and logs)."""

    def encode_json(self, data: object) -> str:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        return decode_request_json(data)  # 400, not 500, for bodies that are not UTF-8 JSON


def _lifespan(
    settings: Settings, given: GraphStore | None
) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Open the store at startup (unless one was given) and close it at shutdown.

    Once the store is loaded its objects are moved out of the garbage collector's sight
    (``gc.freeze``): an embedded graph of 10,000 reports is millions of long-lived objects that
    every full collection would otherwise walk again, a request-latency spike of a second.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if given is not None:
            gc.freeze()
            yield
            return
        app.state.store = await call_store(open_store, settings)
        gc.freeze()
        try:
            async with following(app, settings):  # a finished ingest is served (api/follow.py)
                yield
        finally:
            store, app.state.store = app.state.store, None
            await call_store(store.close)

    return lifespan


async def healthz() -> dict[str, str]:
    """The process is alive (says nothing about the store)."""
    return {"status": "ok"}


async def readyz(request: Request) -> JSONResponse:
    """The store answers; 503 with the reason when it does not."""
    store: GraphStore | None = getattr(request.app.state, "store", None)
    if store is None:
        return _unavailable("the store is not open")
    timeout_s = app_settings(request).api_ready_timeout_s
    try:
        async with asyncio.timeout(timeout_s):
            await call_store(store.ping)
    except StoreUnavailableError as error:
        log_unavailable(error)
        return _unavailable(str(error))
    except TimeoutError:
        return _unavailable(
            f"the store did not answer within {timeout_s:g} s (api_ready_timeout_s)"
        )
    return JSONResponse({"status": "ready", **snapshot_status(request.app)})


def _unavailable(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
