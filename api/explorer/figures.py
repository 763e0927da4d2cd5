"""The explorer's charts as plotly figures, built here and drawn in the browser by the
plotly.js that ships inside the plotly package (served from this app, never from a CDN).

Figures are plain dicts in plotly's figure format (``{"data": [...], "layout": {...}}``):
building ``plotly.graph_objects`` would validate every coordinate of the province outlines on
every request (half a second for a policy cited by 2,000 regions); the tests validate them with
``go.Figure`` instead.

The map is drawn on plain axes — province outlines as filled lines, regions as points at the
gazetteer's coordinates — because plotly's geo maps fetch their base map from the network.

Example:
    >>> from services.browsing import FirstCitation
    >>> fig = citation_map([FirstCitation("420304", "郧阳区", "county", 2019, 110.8, 32.8)], [])
    >>> [(trace["type"], trace["mode"]) for trace in fig["data"]]
    [('scatter', 'markers+text')]
    >>> figure_json(fig).count("</")
    0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.io

from api.explorer.render import LEVEL_NAMES
from services.browsing import FirstCitation

Figure = dict[str, Any]  # plotly's figure format: {"data": [trace, ...], "layout": {...}}
Trace = dict[str, Any]
LonLat = tuple[float, float]
Ring = Sequence[LonLat]
CHINA_LON = (73.0, 136.0)
CHINA_LAT = (17.0, 54.0)
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
LABELLED_POINTS = 30  # more citing regions than this: points without their names
LEVEL_COLOURS = {
    "province": "#b2182b",
    "prefecture": "#ef8a62",
    "county": "#2166ac",
    "township": "#67a9cf",
    "village": "#5aae61",
    "other": "#888888",
}


def figure_json(figure: Figure) -> str:
    """The figure as JSON that is safe inside a ``<script>`` element."""
    return str(plotly.io.to_json(figure, validate=False)).replace("<", "\\u003c")


def citation_map(firsts: Sequence[FirstCitation], outlines: Sequence[Ring]) -> Figure:
    """Citing regions at their coordinates over province outlines, coloured by first year."""
    data = [_outline_trace(outlines)] if outlines else []
    placed = [f for f in firsts if f.lon is not None and f.lat is not None]
    if placed:
        data.append(_points_trace(placed))
    return {"data": data, "layout": _map_layout()}


def _outline_trace(outlines: Sequence[Ring]) -> Trace:
    lons: list[float | None] = []
    lats: list[float | None] = []
    for ring in outlines:
        lons += [lon for lon, _ in ring] + [None]
        lats += [lat for _, lat in ring] + [None]
    return {
        "type": "scatter",
        "x": lons,
        "y": lats,
        "mode": "lines",
        "fill": "toself",
        "fillcolor": "#f3efe6",
        "line": {"color": "#b9b2a3", "width": 0.6},
        "hoverinfo": "skip",
        "showlegend": False,
        "name": "省界",
    }


def _points_trace(placed: Sequence[FirstCitation]) -> Trace:
    years = [f.year for f in placed]
    known = [y for y in years if y is not None]
    return {
        "type": "scatter",
        "x": [f.lon for f in placed],
        "y": [f.lat for f in placed],
        "mode": "markers+text" if len(placed) <= LABELLED_POINTS else "markers",
        "text": [f.name or f.code for f in placed],
        "textposition": "top center",
        "customdata": [[f.code, f.year if f.year is not None else "?"] for f in placed],
        "hovertemplate": "%{text} (%{customdata[0]})<br>首次引用: %{customdata[1]}<extra></extra>",
        "marker": {
            "size": 13,
            "color": [y if y is not None else min(known, default=0) for y in years],
            "colorscale": "Viridis",
            "cmin": min(known, default=0),
            "cmax": max(known, default=1) if len(set(known)) > 1 else min(known, default=0) + 1,
            "line": {"color": "white", "width": 1.5},
            "colorbar": {"title": {"text": "首次引用年份"}, "tickformat": "d", "dtick": 1},
        },
        "showlegend": False,
        "name": "引用地区",
    }


def _map_layout() -> dict[str, object]:
    middle = math.radians(sum(CHINA_LAT) / 2)
    axis = {"visible": False, "showgrid": False, "zeroline": False}
    return {
        "xaxis": axis | {"range": list(CHINA_LON)},
        "yaxis": axis
        | {"range": list(CHINA_LAT), "scaleanchor": "x", "scaleratio": 1 / math.cos(middle)},
        "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
        "height": 460,
        "plot_bgcolor": "#dbe9f4",
        "paper_bgcolor": "white",
        "font": {"family": FONT},
        "dragmode": "pan",
    }


def cumulative_curve(
    by_level: Mapping[str, Sequence[tuple[int, int]]], total: Sequence[tuple[int, int]]
) -> Figure:
    """The cumulative number of citing regions per year: all levels, then each level."""
    data = [_curve_trace("全部", total, "#333333", dash="dot")]
    for level, points in by_level.items():
        colour = LEVEL_COLOURS.get(level, LEVEL_COLOURS["other"])
        data.append(_curve_trace(LEVEL_NAMES.get(level, level), points, colour))
    layout = {
        "height": 320,
        "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
        "font": {"family": FONT},
        "xaxis": {"title": {"text": "报告年份"}, "tickformat": "d", "dtick": 1},
        "yaxis": {
            "title": {"text": "累计引用地区数"},
            "rangemode": "tozero",
            "tickformat": "d",
            "dtick": _count_step(max((n for _, n in total), default=1)),
        },
        "legend": {"orientation": "h", "y": 1.12},
        "plot_bgcolor": "white",
    }
    return {"data": data, "layout": layout}


def _count_step(most: int) -> int:
    """A whole-number tick step giving at most about eight ticks up to ``most``."""
    return max(1, math.ceil(most / 8))


def _curve_trace(
    name: str, points: Sequence[tuple[int, int]], colour: str, dash: str = "solid"
) -> Trace:
    return {
        "type": "scatter",
        "x": [year for year, _ in points],
        "y": [count for _, count in points],
        "mode": "lines+markers",
        "line": {"shape": "hv", "color": colour, "dash": dash},
        "name": name,
    }
