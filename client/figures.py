"""The notebook's pictures as matplotlib Figures: a policy's diffusion curve, a map of the
regions citing it and a drawn subgraph. :class:`client.Fazhi` fetches the data and calls these.

Figures are built without pyplot (no global figure list to fill up), with a CJK font when one
is installed (Debian's ``fonts-noto-cjk``); a notebook shows them after ``%matplotlib inline``.

Example:
    >>> from services.diffusion import cumulative_by_level
    >>> step = {"year": 2020, "regions": ["152500"], "cumulative_regions": 1}
    >>> curves = cumulative_by_level([step])
    >>> figure = diffusion_figure("某条例", curves)
    >>> [line.get_label() for line in figure.axes[0].get_lines()]
    ['all levels', 'prefecture']
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
import networkx as nx
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import BoundaryNorm
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from services.diffusion import DiffusionCurves
from services.geography import Outline, Point

# Fonts with Chinese glyphs, most likely first (Linux, then macOS and Windows names).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)
LABEL_COLOURS = {
    "Report": "#4c72b0",
    "Region": "#55a868",
    "Policy": "#c44e52",
    "Institution": "#8172b2",
    "Program": "#ccb974",
}
CHINA_EXTENT = ((73.0, 136.0), (17.0, 54.5))  # lon, lat: the mainland, Hainan and Taiwan
NAMED_POINTS_UP_TO = 20  # more citing regions than this: points without their names
CAPTION_CHARS = 14
CAPTIONED_NODES = 30  # a larger graph captions only its best connected nodes


@functools.cache
def cjk_font() -> str | None:
    """The first installed font family of :data:`CJK_FAMILIES`; None (and one warning) if none.

    Example:
        >>> cjk_font() in (*CJK_FAMILIES, None)
        True
    """
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    found = next((family for family in CJK_FAMILIES if family in installed), None)
    if found is None:
        warnings.warn(
            "no CJK font installed (apt-get install fonts-noto-cjk): Chinese text shows as boxes",
            stacklevel=2,
        )
    return found


@contextmanager
def _cjk_text() -> Iterator[None]:
    """Text made inside uses the CJK font (Latin glyphs from it too), DejaVu Sans otherwise."""
    family = cjk_font()
    with mpl.rc_context({"font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"]}):
        yield


def diffusion_figure(policy: str, curves: DiffusionCurves) -> Figure:
    """The cumulative number of regions citing ``policy`` per report year: one line in all and
    one per level (a step each year new regions cite it)."""
    with _cjk_text():
        figure = Figure(figsize=(7, 4), layout="constrained")
        axes = figure.add_subplot()
        steps = "steps-post"  # a count changes in a year and holds until the next
        years, total = curves.years, curves.total
        axes.plot(years, total, "o-", color="black", lw=2, label="all levels", drawstyle=steps)
        for level, counts in curves.by_level.items():
            axes.plot(years, counts, "o--", label=level, drawstyle=steps)
        axes.set(xlabel="report year", ylabel="regions citing it (cumulative)")
        axes.set_title(f"《{policy}》: regions citing it by year")
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        axes.legend(loc="upper left")
    return figure


def map_figure(
    policy: str,
    outlines: tuple[Outline, ...],
    first_years: Mapping[str, int],
    points: Mapping[str, Point],
    names: Mapping[str, str],
) -> Figure:
    """Province outlines and a point per region citing ``policy``, coloured by the year it
    first did (``first_years``: code → year; codes without a point are counted in the title)."""
    placed = [code for code in first_years if code in points]
    with _cjk_text():
        figure = Figure(figsize=(8, 6.5), layout="constrained")
        axes = figure.add_subplot()
        _draw_outlines(axes, outlines)
        if placed:
            _draw_points(figure, axes, placed, first_years, points)
        if len(placed) <= NAMED_POINTS_UP_TO:
            _name_points(axes, placed, points, names)
        missing = len(first_years) - len(placed)
        note = f" ({missing} without coordinates)" if missing else ""
        axes.set_title(f"《{policy}》: {len(placed)} citing regions{note}")
        _frame_china(axes)
    return figure


def _draw_outlines(axes: Axes, outlines: tuple[Outline, ...]) -> None:
    rings = [polygon[0] for outline in outlines for polygon in outline.polygons]
    shapes = PolyCollection(rings, facecolors="#f2f2f2", edgecolors="#9a9a9a", linewidths=0.5)
    axes.add_collection(shapes)


def _draw_points(
    figure: Figure,
    axes: Axes,
    codes: list[str],
    first_years: Mapping[str, int],
    points: Mapping[str, Point],
) -> None:
    years = [first_years[code] for code in codes]
    first, last = min(years), max(years)
    bounds = [year - 0.5 for year in range(first, last + 2)]
    norm = BoundaryNorm(bounds, ncolors=256)
    lons, lats = [points[c].lon for c in codes], [points[c].lat for c in codes]
    dots = axes.scatter(lons, lats, c=years, cmap="viridis", norm=norm, s=36, zorder=3)
    dots.set_edgecolor("black")
    dots.set_linewidth(0.4)
    bar = figure.colorbar(dots, ax=axes, shrink=0.6, ticks=range(first, last + 1))
    bar.set_label("year of first citation")


def _name_points(
    axes: Axes, codes: list[str], points: Mapping[str, Point], names: Mapping[str, str]
) -> None:
    for code in codes:
        point = points[code]
        caption = names.get(code, code)
        axes.annotate(caption, (point.lon, point.lat), xytext=(4, 4), textcoords="offset points")


def _frame_china(axes: Axes) -> None:
    (west, east), (south, north) = CHINA_EXTENT
    axes.set_xlim(west, east)
    axes.set_ylim(south, north)
    # degrees of longitude shrink with latitude: keep the map's proportions at its middle
    axes.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    axes.set(xlabel="longitude (°E)", ylabel="latitude (°N)")


def graph_figure(graph: nx.MultiDiGraph, title: str = "") -> Figure:
    """``graph`` (as :meth:`client.Fazhi.subgraph` returns it) drawn: nodes coloured by label,
    the start node (``graph.graph["start"]``) larger, one arrow per related pair, captions by
    name or title — all of them on a small graph, the best connected on a large one. The
    layout is seeded: the same graph gives the same picture."""
    with _cjk_text():
        figure = Figure(figsize=(10, 8), layout="constrained")
        axes = figure.add_subplot()
        nodes = list(graph.nodes)
        spacing = 2.5 / math.sqrt(max(len(nodes), 1))
        layout = nx.spring_layout(graph, seed=7, k=spacing, iterations=300)
        start = graph.graph.get("start")
        colours = [LABEL_COLOURS.get(graph.nodes[n].get("label", ""), "#999999") for n in nodes]
        sizes = [900 if n == start else 220 for n in nodes]
        nx.draw_networkx_edges(
            nx.DiGraph(graph), layout, ax=axes, edge_color="#c8c8c8", arrowsize=8
        )
        nx.draw_networkx_nodes(
            graph, layout, nodelist=nodes, node_color=colours, node_size=sizes, ax=axes
        )
        family = cjk_font() or "DejaVu Sans"  # networkx sets its own family, not rcParams'
        captions = graph_captions(graph)
        nx.draw_networkx_labels(
            graph, layout, labels=captions, font_size=8, font_family=family, ax=axes
        )
        _label_legend(axes, graph)
        axes.set_title(title or f"{len(nodes)} nodes, {graph.number_of_edges()} relationships")
        axes.set_axis_off()
    return figure


def _label_legend(axes: Axes, graph: nx.MultiDiGraph) -> None:
    labels = sorted({str(data.get("label", "")) for _, data in graph.nodes(data=True)})
    for label in labels:
        axes.scatter([], [], color=LABEL_COLOURS.get(label, "#999999"), label=label)
    axes.legend(loc="lower left", fontsize=8)


def graph_captions(graph: nx.MultiDiGraph) -> dict[str, str]:
    """Captions of the nodes worth naming: every node of a small graph; on a large one the
    start node and the :data:`CAPTIONED_NODES` best connected (ties: reports, regions first).

    Example:
        >>> graph = nx.MultiDiGraph()
        >>> graph.add_node("Region:152500", label="Region", name="锡林郭勒盟")
        >>> graph.add_node("Report:ab", label="Report", year=2020, region_code="152500")
        >>> graph_captions(graph)
        {'Region:152500': '锡林郭勒盟', 'Report:ab': '2020 锡林郭勒盟'}
    """
    start = graph.graph.get("start")
    order = {label: rank for rank, label in enumerate(("Report", "Region", "Policy"))}

    def weight(node: str) -> tuple[bool, int, int]:
        label = graph.nodes[node].get("label", "")
        return (node != start, -graph.degree(node), order.get(label, len(order)))

    chosen = sorted(graph.nodes, key=weight)[:CAPTIONED_NODES]
    return {node: node_caption(graph.nodes[node], graph) for node in graph if node in chosen}


def node_caption(attrs: Mapping[str, Any], graph: nx.MultiDiGraph | None = None) -> str:
    """A node's short caption: its name (or title), cut to :data:`CAPTION_CHARS` characters; a
    report without a title is its year and region (the region's name when ``graph`` holds it).

    Example:
        >>> node_caption({"label": "Region", "name": "海州区", "full_name": "辽宁省阜新市海州区"})
        '海州区'
        >>> node_caption({"label": "Policy", "title": "中华人民共和国行政复议法实施条例（2023）"})
        '中华人民共和国行政复议法实…'
        >>> node_caption({"label": "Report", "year": 2023, "region_code": "210902"})
        '2023 210902'
    """
    for field in ("name", "title", "full_name"):  # a Region's name is 海州区, full_name longer
        if attrs.get(field):
            return _cut(str(attrs[field]))
    if attrs.get("label") == "Report":
        return _report_caption(attrs, graph)
    return _cut(str(attrs.get("id") or attrs.get("code") or attrs.get("label", "?")))


def _report_caption(attrs: Mapping[str, Any], graph: nx.MultiDiGraph | None) -> str:
    code = str(attrs.get("region_code") or "")
    region = graph.nodes.get(f"Region:{code}", {}) if graph is not None else {}
    where = region.get("name") or code
    return _cut(f"{attrs.get('year') or ''} {where}".strip() or "Report")


def _cut(text: str) -> str:
    return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"
