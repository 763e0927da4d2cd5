"""Open the store the settings choose.

Example:
    >>> from config import get_settings
    >>> with open_store(get_settings(store="memory", data_dir="/tmp/fazhi-doc")) as store:
    ...     type(store).__name__
    'MemoryStore'
"""

from __future__ import annotations

from config.settings import Settings
from graph.memory import MemoryStore
from graph.store import GraphStore


def open_store(settings: Settings) -> GraphStore:
    """The embedded store in ``settings.data_dir`` (None: in memory only, never saved) or the
    Neo4j server of the settings.

    Raises :class:`~graph.store.StoreError` when Neo4j cannot be reached or the graph file
    cannot be read. Close the store (or use ``with``): the embedded one saves on close.
    """
    if settings.store == "neo4j":
        from graph.neo4j_store import Neo4jStore  # the driver is only loaded when chosen

        return Neo4jStore(settings)
    return MemoryStore(
        settings.data_dir,
        evidence_cap=settings.evidence_per_relationship,
        flush_every=settings.memory_flush_every,
    )
