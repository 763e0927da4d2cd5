"""Ingesting report files and archived reports into a store: extract, write in batches, count,
name what failed.

One loop for every front end (the ``fazhi ingest`` command, the notebook client): files are
extracted in parallel on every core (``jobs`` processes when given; the ``fazhi ingest``
command uses one unless told ``--jobs``; writes stay in this process, the one writer) and
written ``settings.ingest_batch_reports`` at a time through
:meth:`~graph.store.GraphStore.upsert_reports`, so Neo4j writes a batch per transaction. A
file that cannot be extracted or written is recorded in the summary and the run goes on (a
failed batch is retried report by report by the store, so only the bad report fails).

Example:
    >>> from config import get_settings
    >>> from graph.memory import MemoryStore
    >>> from pathlib import Path
    >>> summary = ingest_files(MemoryStore(None), [Path("README.md")], settings=get_settings())
    >>> summary.failed
    ['README.md: unsupported extension .md (supported: .txt .html .htm .pdf .docx)']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from config import Settings
from graph.factory import exclusive_writes
from graph.store import GraphStats, GraphStore, StoreError, UpsertResult
from ingest.corrections import Corrections, apply_corrections, lines_used, load_corrections, unused
from ingest.model import Extraction
from ingest.names import source_name
from ingest.pipeline import ReportSource, try_extract_sources

ProgressCallback = Callable[[int], None]  # called with how many more files are done
FILES_PER_PROCESS = 8  # an extraction process is worth starting for this many files (bench)


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What became of one file: its report id and status (new, unchanged, replaced or failed).

    Example:
        >>> FileOutcome("a.txt", None, "failed", "a.txt: empty file").status
        'failed'
    """

    source: str
    report_id: str | None
    status: str
    problem: str | None = None


def _no_graph() -> GraphStats:
    return GraphStats(nodes={}, relationships={})


@dataclass(slots=True)
class IngestSummary:
    """Counts of what an ingest run did, what went wrong where, and each file's outcome (in
    the order the files were given). The graph's counts before and after the run are the
    store's own (what ``fazhi stats`` shows): a region or policy that many reports name is one
    node, counted once.

    Example:
        >>> IngestSummary(new=2).line().split(";")[0]
        'reports: 2 new, 0 unchanged, 0 replaced, 0 failed'
        >>> after = GraphStats(nodes={"Report": 2, "Region": 3}, relationships={"ABOUT": 2})
        >>> IngestSummary(new=2, graph_after=after).line().split("; ")[1]
        'graph: 5 nodes (+5), 2 relationships (+2)'
    """

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    graph_before: GraphStats = field(default_factory=_no_graph)
    graph_after: GraphStats = field(default_factory=_no_graph)
    failed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: list[FileOutcome] = field(default_factory=list)

    def add(self, path: ReportSource, result: UpsertResult) -> None:
        """Count one store write of the report read from ``path``."""
        if result.status == "new":
            self.new += 1
        elif result.status == "replaced":
            self.replaced += 1
        else:
            self.unchanged += 1
        self.files.append(FileOutcome(source_name(path), result.report_id, result.status))

    def fail(self, path: ReportSource, problem: str, report_id: str | None = None) -> None:
        """Record a file that could not be extracted or written (``problem`` names it)."""
        self.failed.append(problem)
        self.files.append(FileOutcome(source_name(path), report_id, "failed", problem))

    @property
    def nodes(self) -> int:
        """Nodes in the graph after the run."""
        return sum(self.graph_after.nodes.values())

    @property
    def relationships(self) -> int:
        """Relationships in the graph after the run."""
        return sum(self.graph_after.relationships.values())

    @property
    def nodes_added(self) -> int:
        """How many more nodes the graph holds than before (fewer, when replaced reports said
        less)."""
        return self.nodes - sum(self.graph_before.nodes.values())

    @property
    def relationships_added(self) -> int:
        """How many more relationships the graph holds than before."""
        return self.relationships - sum(self.graph_before.relationships.values())

    def line(self) -> str:
        """One line for the end of the run."""
        return (
            f"reports: {self.new} new, {self.unchanged} unchanged, {self.replaced} replaced, "
            f"{len(self.failed)} failed; graph: {self.nodes} nodes ({self.nodes_added:+d}), "
            f"{self.relationships} relationships ({self.relationships_added:+d}); "
            f"{len(self.warnings)} warnings"
        )


def ingest_files(
    store: GraphStore,
    files: Sequence[ReportSource],
    *,
    settings: Settings,
    jobs: int | None = None,
    on_progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Extract and upsert ``files`` in batches of ``settings.ingest_batch_reports``.

    The corrections file of ``settings.corrections``, when set, is applied to every
    extraction (:mod:`ingest.corrections`); its bad cells and the lines that named no report
    of the run are warnings.

    ``jobs``: extraction processes (None or 0: every core; see :func:`extraction_processes`);
    the results are the same in any number, in the files' order.
    ``on_progress`` is told each time files are done (extracted and failed, or written).
    Raises :class:`~graph.store.StoreError` only when the store itself fails (unreachable),
    and :class:`~ingest.corrections.CorrectionsError` when the corrections file cannot be
    read; a bad file is recorded in the summary.
    """
    summary = IngestSummary()
    corrections = load_corrections(settings.corrections) if settings.corrections else None
    used: set[int] = set()
    pending: list[tuple[ReportSource, Extraction]] = []
    progress = on_progress or _no_progress
    batch_size = max(1, settings.ingest_batch_reports)
    with exclusive_writes(store):
        summary.graph_before = store.stats()
        for path, outcome in _extract_all(files, settings=settings, jobs=jobs):
            if isinstance(outcome, str):
                summary.fail(path, outcome)
                progress(1)
                continue
            if corrections is not None:
                used |= lines_used(corrections, outcome)
                outcome = apply_corrections(outcome, corrections)
            pending.append((path, outcome))
            if len(pending) >= batch_size:
                progress(_upsert_batch(store, pending, summary))
        progress(_upsert_batch(store, pending, summary))
        summary.graph_after = store.stats()
    if corrections is not None:
        summary.warnings.extend(correction_warnings(corrections, used))
    position = {source_name(path): index for index, path in enumerate(files)}
    summary.files.sort(key=lambda outcome: position[outcome.source])
    return summary


def correction_warnings(corrections: Corrections, used: set[int]) -> list[str]:
    """The corrections file's bad cells, then its lines that corrected nothing.

    Example:
        >>> from ingest.corrections import parse_corrections
        >>> fixes = parse_corrections("report,year\\nx.txt,1\\n", file="f.csv")
        >>> correction_warnings(fixes, set())
        ["f.csv:2: year: '1' is not a year (1980-2100)"]
    """
    return [*corrections.problems, *unused(corrections, used)]


def _upsert_batch(
    store: GraphStore, pending: list[tuple[ReportSource, Extraction]], summary: IngestSummary
) -> int:
    """Write the pending reports as one batch, count each, and empty ``pending``."""
    results = store.upsert_reports([extraction for _, extraction in pending]) if pending else []
    for (path, extraction), result in zip(pending, results, strict=True):
        if isinstance(result, StoreError):
            problem = f"{source_name(path)}: not written, rolled back ({result})"
            summary.fail(path, problem, extraction.report_id)
        else:
            summary.add(path, result)
        summary.warnings.extend(f"{source_name(path)}: {w}" for w in extraction.warnings)
    done = len(pending)
    pending.clear()
    return done


def extraction_processes(jobs: int | None, files: int) -> int:
    """How many processes extract ``files`` files: ``jobs`` (None or 0: every core), never more
    than one per :data:`FILES_PER_PROCESS` files (a process costs the start-up of the
    extractors, about what extracting that many files costs), at least one.

    Example:
        >>> extraction_processes(1, 1000), extraction_processes(4, 10), extraction_processes(2, 0)
        (1, 1, 1)
        >>> extraction_processes(None, 1000) == min(os.cpu_count() or 1, 1000 // FILES_PER_PROCESS)
        True
    """
    wanted = jobs or os.cpu_count() or 1
    return max(1, min(wanted, files // FILES_PER_PROCESS))


def _extract_all(
    files: Sequence[ReportSource], *, settings: Settings, jobs: int | None
) -> Iterator[tuple[ReportSource, Extraction | str]]:
    """Each file with its extraction (or one line), in order; files are extracted together
    by ``settings.extract_batch_reports`` (fewer when processes would wait for work)."""
    processes = extraction_processes(jobs, len(files))
    size = max(1, min(settings.extract_batch_reports, -(-len(files) // processes)))
    chunks = [files[start : start + size] for start in range(0, len(files), size)]
    if processes == 1:
        for chunk in chunks:
            yield from zip(chunk, try_extract_sources(chunk, settings=settings), strict=True)
        return
    with ProcessPoolExecutor(max_workers=processes) as pool:
        outcomes = pool.map(_extract_in_worker, chunks, [settings] * len(chunks))
        for chunk, extracted in zip(chunks, outcomes, strict=True):
            yield from zip(chunk, extracted, strict=True)


def _extract_in_worker(files: Sequence[ReportSource], settings: Settings) -> list[Extraction | str]:
    return try_extract_sources(files, settings=settings)


def _no_progress(done: int) -> None:
    """The default progress callback: nobody is watching."""
