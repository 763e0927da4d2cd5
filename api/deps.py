"""The GraphQL context of a request: the running app's settings and a gateway to its store.

Example:
    >>> from config import get_settings
    >>> from graph.memory import MemoryStore
    >>> FazhiContext(settings=get_settings(), store=MemoryStore(None)).gateway.store.ping()
"""

from __future__ import annotations

from typing import cast

from fastapi import Request
from strawberry.fastapi import BaseContext

from api.loaders import StoreGateway, reads_in_parallel
from config.settings import Settings
from graph.store import GraphStore


class FazhiContext(BaseContext):
    """What every resolver gets as ``info.context``: settings and a per-request store gateway."""

    def __init__(self, *, settings: Settings, store: GraphStore) -> None:
        super().__init__()
        self.settings = settings
        self.gateway = StoreGateway(
            store,
            reads_in_parallel=reads_in_parallel(settings),
            threads=settings.api_request_threads,
        )


async def get_context(request: Request) -> FazhiContext:
    """A fresh context per request, so the batch loaders' caches never outlive one request.

    It reads the app's state itself rather than through two sub-dependencies: each FastAPI
    dependency costs its own resolution on every request.
    """
    return FazhiContext(settings=app_settings(request), store=app_store(request))


def app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return cast(Settings, request.app.state.settings)


def app_store(request: Request) -> GraphStore:
    """The store opened for the app (by its lifespan, or given to ``create_app``)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise RuntimeError("the graph store is not open: the app's lifespan has not started")
    return cast(GraphStore, store)
