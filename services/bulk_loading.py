"""A first load into an empty local Neo4j by its offline importer (``fazhi ingest --bulk``).

The reports are extracted and resolved in memory by the embedded store — the same
:func:`graph.resolve.write_report` as the online path, so policies, aliases, merged properties
and evidence come out the same — then written as the importer's CSV files
(:mod:`graph.neo4j_bulk`), imported with ``neo4j-admin database import full`` into the stopped
local server of ``devtools.neo4j_local``, and the server started again: opening the store
creates the constraints and indexes (and waits for them, up to ``neo4j_index_wait_s``).

Refused in one line, before anything is extracted: a server that is not the local one (another
host — Aura, a cluster — or another program on the port: load those online) and a database
that is not empty (the importer replaces the whole database).

Example:
    from config import get_settings
    load = bulk_load_files(files, settings=get_settings(store="neo4j"))
    load.summary.line(), load.import_s
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from config import Settings
from graph.memory import MemoryStore
from graph.neo4j_bulk import BulkFormatError, ImportFiles, write_import_files
from graph.neo4j_store import Neo4jStore
from graph.store import StoreError
from ingest.pipeline import ReportSource
from services.ingesting import IngestSummary, ProgressCallback, ingest_files

if TYPE_CHECKING:
    from devtools.neo4j_local import LocalServer


@dataclass(frozen=True)
class BulkLoad:
    """What a bulk load did and what each step took, in seconds."""

    summary: IngestSummary
    files: int  # CSV files imported
    csv_s: float  # writing them
    import_s: float  # neo4j-admin database import full (the server stopped)
    schema_s: float  # starting the server, creating constraints and indexes, waiting for them

    def line(self) -> str:
        """One line about the import, after the summary's.

        Example:
            >>> BulkLoad(IngestSummary(), 12, 1.0, 20.5, 8.25).line()
            'bulk import: 12 CSV files written in 1.0 s, imported in 20.5 s, indexes in 8.2 s'
        """
        return (
            f"bulk import: {self.files} CSV files written in {self.csv_s:.1f} s, "
            f"imported in {self.import_s:.1f} s, indexes in {self.schema_s:.1f} s"
        )


def bulk_load_files(
    files: Sequence[ReportSource],
    *,
    settings: Settings,
    jobs: int | None = None,
    server: LocalServer | None = None,
    on_progress: ProgressCallback | None = None,
) -> BulkLoad:
    """Extract ``files`` and import them into the empty local Neo4j of ``settings``.

    ``server``: the local server (default: the checkout's ``.neo4j``). Raises
    :class:`~graph.store.StoreError` with one line when the target is refused (checked before
    anything is extracted: call :func:`local_target` first to hear it sooner).
    """
    settings, server = local_target(settings, server)
    graph = MemoryStore(None, evidence_cap=settings.evidence_per_relationship)
    summary = ingest_files(graph, files, settings=settings, jobs=jobs, on_progress=on_progress)
    return bulk_load_graph(graph, settings=settings, server=server, summary=summary)


def bulk_load_graph(
    graph: MemoryStore,
    *,
    settings: Settings,
    server: LocalServer,
    summary: IngestSummary | None = None,
) -> BulkLoad:
    """Import the graph ``graph`` holds into the (checked: :func:`local_target`) empty local
    Neo4j: CSV files, the importer with the server stopped, the server and schema again."""
    with tempfile.TemporaryDirectory(prefix="fazhi-bulk-") as folder:
        started = time.perf_counter()
        files = write_graph_files(graph, Path(folder))
        csv_s = time.perf_counter() - started
        return import_graph_files(
            files, Path(folder), settings=settings, server=server, summary=summary, csv_s=csv_s
        )


def write_graph_files(graph: MemoryStore, folder: Path) -> ImportFiles:
    """The importer's CSV files of everything ``graph`` holds, written into ``folder`` (a step
    of :func:`bulk_load_graph`; a process of its own may do it, to free the graph's memory
    before the importer runs)."""
    nodes, edges = graph.dump()
    try:
        return write_import_files(nodes, edges, graph.policy_aliases(), folder)
    except BulkFormatError as error:
        raise StoreError(f"bulk load: {error}") from error


def import_graph_files(
    files: ImportFiles,
    folder: Path,
    *,
    settings: Settings,
    server: LocalServer,
    summary: IngestSummary | None = None,
    csv_s: float = 0.0,
    importer_options: Sequence[str] = (),
) -> BulkLoad:
    """Import the files :func:`write_graph_files` wrote into ``folder`` (the server stopped for
    it), start the server again and create the schema. ``importer_options``: more
    ``neo4j-admin database import full`` options (e.g. ``--max-off-heap-memory=4G``)."""
    from devtools.neo4j_local import LocalNeo4jError, ensure_running, run_admin, stop

    arguments = [*files.arguments(folder, settings.neo4j_database), *importer_options]
    started = time.perf_counter()
    try:
        stop(server=server, say=_quiet)
        run_admin(server, *arguments)
    except LocalNeo4jError as error:
        raise StoreError(f"bulk load: {_one_line(error)}") from error
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    ensure_running(settings, server=server, say=_quiet)
    with Neo4jStore(settings) as store:  # creates the constraints and indexes, waits for them
        after = store.stats()
    schema_s = time.perf_counter() - started
    summary = summary or IngestSummary()
    summary.graph_after = after
    return BulkLoad(summary, len(files.nodes) + len(files.relationships), csv_s, import_s, schema_s)


def local_target(settings: Settings, server: LocalServer | None) -> tuple[Settings, LocalServer]:
    """The settings of the local server ``settings`` name, started, with its empty database,
    or a one-line :class:`~graph.store.StoreError` saying why not."""
    try:
        from devtools.neo4j_local import LocalNeo4jError, LocalServer, bolt_port, ensure_running
    except ImportError as error:  # an installed wheel has no local server
        raise StoreError(
            "--bulk needs the checkout's local Neo4j (devtools.neo4j_local)"
        ) from error
    server = server or LocalServer()
    try:
        bolt_port(settings)
        connection = ensure_running(settings, server=server, say=_quiet)
    except LocalNeo4jError as error:
        message = " ".join(str(error).split())
        raise StoreError(
            f"--bulk imports into the local Neo4j ({server.home}) only: {message}; "
            "load any other server online (without --bulk)"
        ) from error
    local = settings.model_copy(update=connection.settings_overrides())
    _require_empty(local)
    return local, server


def _require_empty(settings: Settings) -> None:
    with Neo4jStore(settings) as store:
        nodes = sum(store.stats().nodes.values())
    if nodes:
        raise StoreError(
            f"Neo4j database {settings.neo4j_database!r} at {settings.neo4j_uri} holds {nodes} "
            "nodes: --bulk loads into an empty database only (the importer replaces it); "
            "ingest online (without --bulk), or empty it first (fazhi delete --all)"
        )


def _one_line(error: Exception) -> str:
    """The tool's own words without the Java stack: its first line and the last reason given.

    Example:
        >>> _one_line(RuntimeError("import failed:\\nBoom: bad row 3\\n\\tat org.x.Y(Y.java:1)"))
        'import failed: Boom: bad row 3'
    """
    lines = [line.strip() for line in str(error).splitlines()]
    reasons = [line for line in lines[1:] if line and not line.startswith("at ")]
    return " ".join([lines[0], *reasons[-1:]])


def _quiet(message: str) -> None:
    """Server start/stop chatter is not the user's business here."""
