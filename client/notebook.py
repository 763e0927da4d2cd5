"""The notebook client: the graph's named queries as pandas DataFrames, subgraphs as networkx.

Example:
    >>> with Fazhi.open(store="memory", data_dir=None) as fz:
    ...     fz.stats().columns.tolist()
    ['kind', 'name', 'count']

    >>> samples = Path(__file__).resolve().parent.parent / "samples" / "reports"
    >>> with Fazhi.open(store="memory", data_dir=None) as fz:
    ...     files = fz.ingest(samples / "004_5c348e7bc60021f0.txt")
    ...     citing = fz.regions_citing_policy("重大行政决策程序暂行条例")
    ...     graph = fz.subgraph(policy="重大行政决策程序暂行条例", hops=2)
    >>> files.status.tolist(), citing.region_name.tolist(), graph.number_of_nodes() > 2
    (['new'], ['锡林郭勒盟'], True)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import astuple, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from config.settings import Settings, StoreKind, get_settings
from graph.factory import open_store
from graph.model import Label, Rel, edge_attrs, node_attrs, node_id
from graph.store import ClosesOnExit, Direction, Edge, GraphStore, Node
from ingest.pipeline import find_report_sources
from queries.coverage import CoverageSummary, summarize
from services.diffusion import cumulative_by_level, first_citation_years, policy_diffusion
from services.errors import UserInputError
from services.geography import province_outlines, region_names, region_points
from services.ingesting import FileOutcome, IngestSummary, ingest_files
from services.lookups import require_policy, require_region_written
from services.panel import PanelFilters, PanelShape, PolicySelection, build_panel
from services.querying import catalogue, named_query, run_named
from services.reviewing import REPORT_COLUMNS, find_reports, report_row

if TYPE_CHECKING:  # matplotlib is imported when a picture is asked for
    from matplotlib.figure import Figure

DIRECTIONS: tuple[Direction, ...] = ("out", "in")


class Fazhi(ClosesOnExit):
    """One open graph store, asked the research questions of ``queries/``.

    Example:
        >>> fz = Fazhi(get_settings(store="memory", data_dir="/tmp/fz-doc"))
        >>> fz.close()
    """

    def __init__(self, settings: Settings | None = None, *, store: GraphStore | None = None):
        self.settings = settings or get_settings()
        self._owns_store = store is None
        self.store: GraphStore = store if store is not None else open_store(self.settings)

    @classmethod
    def open(
        cls, store: StoreKind = "memory", data_dir: Path | str | None = None, **overrides: Any
    ) -> Fazhi:
        """Open a store by kind; ``data_dir=None`` keeps the memory store in memory only.

        Other keyword arguments override settings (e.g. ``neo4j_uri=...``).
        """
        return cls(get_settings(store=store, data_dir=data_dir, **overrides))

    # --- writing ------------------------------------------------------------------------
    def ingest(self, *paths: Path | str, jobs: int | None = None) -> pd.DataFrame:
        """Extract report files (or folders of them, or crawl archives) and write them: one row
        per file (per URL for an archive).

        Columns: source, report_id, status (new, unchanged, replaced or failed) and problem
        (why a file failed). A bad file does not stop the others; the store failing does
        (:class:`~graph.store.StoreError`). Extraction runs on every core unless ``jobs`` says
        how many processes.
        """
        summary = self.ingest_summary(*paths, jobs=jobs)
        rows = [astuple(outcome) for outcome in summary.files]
        return pd.DataFrame(rows, columns=[f.name for f in fields(FileOutcome)])

    def ingest_summary(self, *paths: Path | str, jobs: int | None = None) -> IngestSummary:
        """Like :meth:`ingest`, answering the counts, failures and warnings of the run."""
        files = find_report_sources([Path(p) for p in paths])
        return ingest_files(self.store, files, settings=self.settings, jobs=jobs)

    # --- named queries ------------------------------------------------------------------
    def queries(self) -> pd.DataFrame:
        """The named queries: name, description, columns."""
        rows = [(q.name, q.description, list(q.columns)) for q in catalogue()]
        return pd.DataFrame(rows, columns=["name", "description", "columns"])

    def query(self, name: str, **params: Any) -> pd.DataFrame:
        """Run a named query; parameters are checked (a clear error names a bad one), and a
        policy, region or issuer the graph does not hold is a
        :class:`~services.errors.NotFoundError` whose ``suggestions`` are the closest names.
        Every row, unless ``limit`` / ``offset`` ask for a page."""
        rows = run_named(self.store, name, params, every_row=True)
        return pd.DataFrame(rows, columns=list(named_query(name).columns))

    def regions_citing_policy(self, policy: str, **filters: Any) -> pd.DataFrame:
        """Regions whose reports cite ``policy`` (title or 文号), one row per report."""
        return self.query("regions_citing_policy", policy=policy, **filters)

    def policies_cited_by_region(self, region: str, **filters: Any) -> pd.DataFrame:
        """What the reports of ``region`` (code or name) cite, most cited first."""
        return self.query("policies_cited_by_region", region=region, **filters)

    def top_cited_policies(self, **filters: Any) -> pd.DataFrame:
        """The most cited policies, optionally filtered and grouped."""
        return self.query("top_cited_policies", **filters)

    def co_cited_policies(self, policy: str, **options: Any) -> pd.DataFrame:
        """Policies cited in the same reports as ``policy``."""
        return self.query("co_cited_policies", policy=policy, **options)

    def similar_regions(self, region: str, **options: Any) -> pd.DataFrame:
        """Regions whose reports cite the same policies as ``region``'s."""
        return self.query("similar_regions", region=region, **options)

    def coverage(self, year: int, **filters: Any) -> pd.DataFrame:
        """Regions expected to report on ``year``: their reports, first publication date,
        whether on time and the delay (``level=``, ``province=`` filter them)."""
        return self.query("coverage", year=year, **filters)

    def coverage_summary(self, year: int, **filters: Any) -> CoverageSummary:
        """:meth:`coverage` counted up: regions with and without a report, on time, late,
        undated, and the median delay in days."""
        asked = {"year": year, **filters}
        return summarize(run_named(self.store, "coverage", asked, every_row=True))

    def panel(
        self,
        *policies: str,
        kind: str | None = None,
        top: int | None = None,
        long: bool = False,
        **filters: Any,
    ) -> pd.DataFrame:
        """The region x year panel (README: Panel export) of ``policies`` (titles or 文号), of
        ``kind`` and / or the ``top`` N most cited (default: top 20); ``year_from``,
        ``year_to``, ``level``, ``province_code`` filter it. ``.attrs["policies"]`` maps the
        column keys (p1 …) to titles."""
        selection = PolicySelection(titles=policies, kind=kind, top=top)
        built = build_panel(self.store, selection, PanelFilters.of(**filters), _panel_shape(long))
        built.frame.attrs["policies"] = built.labels().to_dict("records")
        return built.frame

    # --- reports ----------------------------------------------------------------------
    def reports(
        self,
        *,
        needs_review: bool | None = None,
        year: int | None = None,
        region_code: str | None = None,
    ) -> pd.DataFrame:
        """The stored reports (those matching the filters given), one row each by source path:
        id, then every Report property — the attribution of region, year and author as
        ``<fact>_source`` / ``_confidence`` / ``_inferred`` columns, and ``needs_review``.

        ``fz.reports(needs_review=True)`` lists what a researcher should look at.
        """
        nodes = find_reports(
            self.store, needs_review=needs_review, year=year, region_code=region_code
        )
        return pd.DataFrame([report_row(node) for node in nodes], columns=list(REPORT_COLUMNS))

    # --- whole-graph views --------------------------------------------------------------
    def stats(self) -> pd.DataFrame:
        """Node counts by label and relationship counts by type."""
        stats = self.store.stats()
        rows = [("node", k, v) for k, v in sorted(stats.nodes.items())]
        rows += [("relationship", k, v) for k, v in sorted(stats.relationships.items())]
        return pd.DataFrame(rows, columns=["kind", "name", "count"])

    def subgraph(
        self, *, region: str | None = None, policy: str | None = None, hops: int = 1
    ) -> nx.MultiDiGraph:
        """The nodes within ``hops`` relationships (either direction) of a region or policy.

        Node ids are ``Label:key`` with attributes ``{"label": …, **props}``; edges are keyed by
        relationship type, as in the embedded store.
        """
        if hops < 0:
            raise UserInputError(f"hops must be 0 or more, got {hops}")
        start = self._start_node(region=region, policy=policy)
        graph = nx.MultiDiGraph(start=node_id(start.label, start.key))
        add_node(graph, start)
        frontier = [start]
        for _ in range(hops):
            frontier = self._expand(graph, frontier)
        return graph

    def _start_node(self, *, region: str | None, policy: str | None) -> Node:
        if (region is None) == (policy is None):
            raise UserInputError("give exactly one of: region, policy")
        if region is not None:
            return require_region_written(self.store, region)
        return require_policy(self.store, title=policy)

    def _expand(self, graph: nx.MultiDiGraph, frontier: list[Node]) -> list[Node]:
        """Add every relationship of ``frontier`` and the nodes at their far ends."""
        found: dict[tuple[Label, str], None] = {}
        for label in {node.label for node in frontier}:
            keys = [node.key for node in frontier if node.label is label]
            for edge in self._edges(label, keys):
                for end in (edge.source, edge.target):
                    if node_id(*end) not in graph:
                        found[end] = None
                add_edge(graph, edge)
        return self._add_nodes(graph, found)

    def _edges(self, label: Label, keys: list[str]) -> Iterable[Edge]:
        for rel in Rel:
            for direction in DIRECTIONS:
                for edges in self.store.edges_of(label, keys, rel, direction):
                    yield from edges

    def _add_nodes(self, graph: nx.MultiDiGraph, ends: dict[tuple[Label, str], None]) -> list[Node]:
        new: list[Node] = []
        for label in {label for label, _ in ends}:
            keys = [key for lbl, key in ends if lbl is label]
            new += [node for node in self.store.get_nodes(label, keys) if node is not None]
        for node in new:
            add_node(graph, node)
        return new

    # --- pictures (matplotlib Figures, drawn by client.figures) ---------------------------
    def plot_diffusion(self, policy: str) -> Figure:
        """The cumulative number of regions citing ``policy`` (title or 文号) per report year,
        in all and by level (``fz.plot_diffusion("重大行政决策程序暂行条例")``)."""
        from client.figures import diffusion_figure

        steps = policy_diffusion(self.store, policy)
        return diffusion_figure(policy, cumulative_by_level(steps))

    def map(self, policy: str) -> Figure:
        """Province outlines and the regions whose reports cite ``policy``, coloured by the
        year they first did (``fz.map("重大行政决策程序暂行条例")``)."""
        from client.figures import map_figure

        years = first_citation_years(policy_diffusion(self.store, policy))
        points, names = region_points(years), region_names(years)
        return map_figure(policy, province_outlines(), years, points, names)

    def draw(self, graph: nx.MultiDiGraph, title: str = "") -> Figure:
        """A graph from :meth:`subgraph` drawn, nodes coloured by label and captioned by name
        (``fz.draw(fz.subgraph(policy="重大行政决策程序暂行条例", hops=2))``)."""
        from client.figures import graph_figure

        return graph_figure(graph, title)

    # --- lifecycle ----------------------------------------------------------------------
    def close(self) -> None:
        """Close the store (when this client opened it)."""
        if self._owns_store:
            self.store.close()


def add_node(graph: nx.MultiDiGraph, node: Node) -> None:
    """Add ``node`` as the embedded store would hold it."""
    graph.add_node(node_id(node.label, node.key), **node_attrs(node.label, node.props))


def add_edge(graph: nx.MultiDiGraph, edge: Edge) -> None:
    """Add ``edge`` (once per type and pair)."""
    source, target = node_id(*edge.source), node_id(*edge.target)
    graph.add_edge(source, target, key=edge.type.value, **edge_attrs(edge.type, edge.props))


def _panel_shape(long: bool) -> PanelShape:
    return "long" if long else "wide"
