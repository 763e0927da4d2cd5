"""The notebook's pictures: what each figure draws is what the named queries and the gazetteer
say (lines, points, colours, captions), checked on the drawn artists of real figures."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

import networkx as nx
import numpy as np
import pytest
from matplotlib.collections import PathCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.text import Text

from client import Fazhi
from client.figures import CAPTIONED_NODES, LABEL_COLOURS, cjk_font
from config.settings import get_settings
from services.diffusion import cumulative_by_level
from services.errors import UserInputError
from services.geography import province_outlines, region_point
from tests.api_support import filled_memory_store
from tests.store_fixtures import LAW, PROVINCE_PLAN


@pytest.fixture(scope="module")
def fz() -> Iterator[Fazhi]:
    """A client over a memory store holding reports A, B and C."""
    with Fazhi(get_settings(), store=filled_memory_store()) as client:
        yield client


def first_years(fz: Fazhi, policy: str) -> dict[str, int]:
    """Region code → first year its reports cite ``policy``, from regions_citing_policy."""
    rows = fz.regions_citing_policy(policy)
    return {
        str(code): int(year) for code, year in rows.groupby("region_code")["year"].min().items()
    }


def scatter_of(figure: Figure) -> PathCollection:
    (dots,) = [c for c in figure.axes[0].collections if isinstance(c, PathCollection)]
    return dots


def offsets(collection: PathCollection) -> list[tuple[float, float]]:
    return [(float(x), float(y)) for x, y in np.asarray(collection.get_offsets())]


def values(collection: PathCollection) -> list[float]:
    return [float(v) for v in np.asarray(collection.get_array())]


def facecolours(collection: PathCollection) -> list[tuple[float, ...]]:
    collection.update_scalarmappable()  # colours from the values, as drawing sets them
    return [tuple(float(c) for c in rgba) for rgba in np.asarray(collection.get_facecolor())]


def rendered_without_missing_glyphs(figure: Figure) -> bytes:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    if cjk_font() is not None:
        assert not missing
    return buffer.getvalue()


@pytest.mark.parametrize("policy", [LAW, PROVINCE_PLAN])
def test_the_diffusion_curve_is_the_querys_cumulative_count(fz: Fazhi, policy: str) -> None:
    steps = fz.query("policy_diffusion", policy=policy)
    figure = fz.plot_diffusion(policy)
    lines = {line.get_label(): line for line in figure.axes[0].get_lines()}
    total = lines.pop("all levels")
    assert np.asarray(total.get_xdata()).tolist() == steps["year"].tolist()
    assert np.asarray(total.get_ydata()).tolist() == steps["cumulative_regions"].tolist()
    by_level = [np.asarray(line.get_ydata()) for line in lines.values()]
    assert np.sum(by_level, axis=0).tolist() == steps["cumulative_regions"].tolist()


def test_the_curves_by_level_count_each_citing_regions_level(fz: Fazhi) -> None:
    citing = fz.regions_citing_policy(PROVINCE_PLAN)
    levels = citing.drop_duplicates("region_code")["level"].value_counts().to_dict()
    steps = fz.query("policy_diffusion", policy=PROVINCE_PLAN)
    curves = cumulative_by_level(
        [dict(zip(steps.columns, row, strict=True)) for row in steps.values]
    )
    assert {level: counts[-1] for level, counts in curves.by_level.items()} == levels


def test_the_map_has_one_point_per_citing_region_coloured_by_first_year(fz: Fazhi) -> None:
    years = first_years(fz, PROVINCE_PLAN)
    figure = fz.map(PROVINCE_PLAN)
    dots = scatter_of(figure)
    expected = {code: region_point(code) for code in years}
    drawn = offsets(dots)
    assert sorted(drawn) == sorted((p.lon, p.lat) for p in expected.values() if p is not None)
    by_point = {(p.lon, p.lat): code for code, p in expected.items() if p is not None}
    drawn_years = dict(zip(drawn, values(dots), strict=True))
    assert {by_point[xy]: int(year) for xy, year in drawn_years.items()} == years
    colours = dict(zip(values(dots), facecolours(dots), strict=True))
    assert len(set(colours.values())) == len(set(years.values())) > 1
    rendered_without_missing_glyphs(figure)


def test_the_map_draws_the_province_outlines_and_names_the_points(fz: Fazhi) -> None:
    figure = fz.map(LAW)
    (shapes,) = [c for c in figure.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(shapes.get_paths()) == sum(len(o.polygons) for o in province_outlines())
    captions = {t.get_text() for t in figure.axes[0].texts}
    assert captions == set(fz.regions_citing_policy(LAW)["region_name"])
    assert "year of first citation" in [a.get_ylabel() for a in figure.axes]


def test_a_policy_not_in_the_graph_is_one_clear_error(fz: Fazhi) -> None:
    with pytest.raises(UserInputError, match="'没有这个条例'"):
        fz.map("没有这个条例")
    with pytest.raises(UserInputError, match="没有这个条例"):
        fz.plot_diffusion("没有这个条例")


def test_the_drawn_subgraph_colours_nodes_by_label_and_captions_them(fz: Fazhi) -> None:
    graph = fz.subgraph(policy=LAW, hops=1)
    figure = fz.draw(graph)
    axes = figure.axes[0]
    nodes = [c for c in axes.collections if isinstance(c, PathCollection) and offsets(c)]
    (drawn,) = nodes
    labels = [graph.nodes[n]["label"] for n in graph.nodes]
    expected = [LABEL_COLOURS[label] for label in labels]
    assert len(offsets(drawn)) == graph.number_of_nodes()
    colours = facecolours(drawn)
    assert len(set(colours)) == len(set(expected))
    captions = [t for t in axes.texts if isinstance(t, Text)]
    assert len(captions) == min(graph.number_of_nodes(), CAPTIONED_NODES)
    assert "中华人民共和国行政处罚法"[:13] in " ".join(t.get_text() for t in captions)
    legend = axes.get_legend()
    assert legend is not None
    assert sorted(t.get_text() for t in legend.get_texts()) == sorted(set(labels))


def test_a_large_subgraph_captions_its_start_and_best_connected_nodes() -> None:
    graph = nx.MultiDiGraph(start="Policy:某法")
    graph.add_node("Policy:某法", label="Policy", title="某法")
    for i in range(CAPTIONED_NODES + 10):
        graph.add_node(f"Report:{i}", label="Report", year=2020, region_code="420304")
        graph.add_edge(f"Report:{i}", "Policy:某法", key="CITES")
    figure = Fazhi.draw(Fazhi.__new__(Fazhi), graph)
    captions = [t.get_text() for t in figure.axes[0].texts]
    assert len(captions) == CAPTIONED_NODES
    assert "某法" in captions
    rendered_without_missing_glyphs(figure)


def test_chinese_text_is_set_in_a_cjk_font(fz: Fazhi) -> None:
    font = cjk_font()
    if font is None:
        pytest.skip("no CJK font installed (make browser installs fonts-noto-cjk)")
    figure = fz.draw(fz.subgraph(policy=LAW, hops=1))
    assert {t.get_fontname() for t in figure.axes[0].texts} == {font}
    assert rendered_without_missing_glyphs(figure).startswith(b"\x89PNG")
