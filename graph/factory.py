"""Open the store the settings choose.

Example:
    >>> from config import get_settings
    >>> with open_store(get_settings(store="memory", data_dir="/tmp/fazhi-doc")) as store:
    ...     type(store).__name__
    'MemoryStore'
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from config.settings import Settings
from graph.memory import MemoryStore
from graph.store import GraphStore
from graph.writer_lock import DiskSnapshot, OnWait


def open_store(settings: Settings, *, on_wait: OnWait | None = None) -> GraphStore:
    """The embedded store in ``settings.data_dir`` (None: in memory only, never saved) or the
    Neo4j server of the settings.

    Raises :class:`~graph.store.StoreError` when Neo4j cannot be reached or the graph file
    cannot be read. Close the store (or use ``with``): the embedded one saves on close.
    ``on_wait`` is told (one line) when the embedded store's first write waits for another
    writer of the data dir (default: a logged warning).
    """
    if settings.store == "neo4j":
        from graph.neo4j_store import Neo4jStore  # the driver is only loaded when chosen

        return Neo4jStore(settings)
    return MemoryStore(
        settings.data_dir,
        evidence_cap=settings.evidence_per_relationship,
        flush_every=settings.memory_flush_every,
        lock_timeout_s=settings.memory_lock_timeout_s,
        on_wait=on_wait,
    )


def exclusive_writes(store: GraphStore) -> AbstractContextManager[None]:
    """A block that is the data dir's one writer from its first write to its end, saved at the
    end (the embedded store); other stores need none (a Neo4j transaction is one report's).

    Example:
        >>> with exclusive_writes(MemoryStore(None)):
        ...     pass
    """
    return store.exclusive_writes() if isinstance(store, MemoryStore) else nullcontext()


def saved_snapshot(store: GraphStore) -> DiskSnapshot | None:
    """Which saved state of its data dir an embedded store holds (None: any other store, or
    nothing saved yet).

    Example:
        >>> saved_snapshot(MemoryStore(None)) is None
        True
    """
    return store.snapshot if isinstance(store, MemoryStore) else None


def newer_saved(store: GraphStore) -> bool:
    """Whether a writer saved a newer state of the embedded store's data dir than ``store``
    holds (a ``stat``, cheap enough for every request); never for other stores.

    Example:
        >>> newer_saved(MemoryStore(None))
        False
    """
    return isinstance(store, MemoryStore) and store.changed_on_disk()
