"""Typed FastAPI dependencies: the settings and store of the running app, the GraphQL context.

Example:
    >>> # router = GraphQLRouter(schema, context_getter=get_context)
"""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from strawberry.fastapi import BaseContext

from api.loaders import StoreGateway
from config.settings import Settings
from graph.store import GraphStore


class FazhiContext(BaseContext):
    """What every resolver gets as ``info.context``: settings and a per-request store gateway."""

    def __init__(self, *, settings: Settings, store: GraphStore) -> None:
        super().__init__()
        self.settings = settings
        self.gateway = StoreGateway(store)


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return cast(Settings, request.app.state.settings)


async def get_store(request: Request) -> GraphStore:
    """The store opened for the app (by its lifespan, or given to ``create_app``)."""
    store = getattr(request.app.state, "store", None)
    if store is None:
        raise RuntimeError("the graph store is not open: the app's lifespan has not started")
    return cast(GraphStore, store)


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
StoreDep = Annotated[GraphStore, Depends(get_store)]


async def get_context(settings: SettingsDep, store: StoreDep) -> FazhiContext:
    """A fresh context per request, so the batch loaders' caches never outlive one request."""
    return FazhiContext(settings=settings, store=store)
