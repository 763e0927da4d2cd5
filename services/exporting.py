"""Writing every node and relationship of a store to files, for any front end.

Example:
    >>> import tempfile
    >>> from graph.memory import MemoryStore
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     done = export_store(MemoryStore(None), "jsonl", Path(folder) / "graph.jsonl")
    >>> (done.nodes, done.relationships, [p.name for p in done.paths])
    (0, 0, ['graph.jsonl'])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graph.export import ExportFormat, export_graph
from graph.store import GraphStore


@dataclass(frozen=True, slots=True)
class ExportDone:
    """The files written and how many nodes and relationships they hold."""

    paths: list[Path]
    nodes: int
    relationships: int


def export_store(store: GraphStore, fmt: ExportFormat, out: Path) -> ExportDone:
    """Write the whole of ``store`` as ``fmt`` to ``out`` (a file, or a folder for csv)."""
    nodes, edges = store.dump()
    paths = export_graph(nodes, edges, fmt, out)
    return ExportDone(paths=list(paths), nodes=len(nodes), relationships=len(edges))
