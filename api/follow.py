"""A running server follows the embedded store: a finished ingest is served without a restart.

Every ``api_follow_every_s`` seconds the app looks (one ``stat``) whether a writer saved a newer
graph in its data dir than the one it serves. When it did, the new graph is read in a worker
thread while the old one keeps answering, then ``app.state.store`` is swapped in one assignment:
a request reads the store once, when its context is built, so it sees one snapshot from start to
end, old or new. A newer graph that cannot be read (say, a disk error) leaves the old one served,
and ``/readyz`` says so (:func:`snapshot_status`). Neo4j needs none of this: it is one live graph.

The app freezes its long-lived objects out of the garbage collector's sight (``api/app.py``); the
old graph is unfrozen with them and collected once at the swap, a one-off pause of about the time
a full collection of the graph takes, instead of the old graph living on forever.

Example:
    async with following(app, settings):
        ...  # serve; the store of app.state follows the data dir
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI

from config.settings import Settings
from graph.factory import newer_saved, open_store, saved_snapshot
from graph.store import GraphStore, StoreError


class StoreFollower:
    """Swaps the app's embedded store for the newest saved one (see the module docstring)."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        app.state.stale_reason = None

    async def follow(self) -> None:
        """Look for a newer saved graph every ``api_follow_every_s`` seconds, forever."""
        while True:
            await asyncio.sleep(self.settings.api_follow_every_s)
            await self.catch_up()

    async def catch_up(self) -> bool:
        """Serve the newest saved graph if it is not served yet; whether the store changed."""
        store: GraphStore | None = self.app.state.store
        if store is None or not newer_saved(store):
            return False
        try:
            fresh = await asyncio.to_thread(open_store, self.settings)
        except StoreError as error:
            self.app.state.stale_reason = f"a newer saved graph could not be read: {error}"
            return False
        self.app.state.store = fresh
        self.app.state.stale_reason = None
        _collect_the_old_graph()
        return True


def _collect_the_old_graph() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@contextlib.asynccontextmanager
async def following(app: FastAPI, settings: Settings) -> AsyncIterator[None]:
    """Follow the data dir while the block runs (nothing to follow: Neo4j, an in-memory store,
    or ``api_follow_every_s`` 0)."""
    if settings.store != "memory" or settings.data_dir is None or settings.api_follow_every_s <= 0:
        yield
        return
    task = asyncio.create_task(StoreFollower(app, settings).follow())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def snapshot_status(app: FastAPI) -> dict[str, Any]:
    """What ``/readyz`` says of the embedded graph served: when it was saved, and whether a
    newer one waits (``behind``, with ``stale`` naming why it could not be read).

    Example:
        >>> from fastapi import FastAPI
        >>> from graph.memory import MemoryStore
        >>> app = FastAPI(); app.state.store = MemoryStore(None)
        >>> snapshot_status(app)
        {}
    """
    store: GraphStore | None = getattr(app.state, "store", None)
    if store is None:
        return {}
    snapshot, behind = saved_snapshot(store), newer_saved(store)
    if snapshot is None and not behind:
        return {}
    status: dict[str, Any] = {
        "snapshot": {"saved_at": snapshot.saved_at if snapshot else None},
        "behind": behind,
    }
    stale = getattr(app.state, "stale_reason", None)
    if stale:
        status["stale"] = stale
    return status
