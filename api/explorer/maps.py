"""The province outlines under the explorer's map, as (lon, lat) rings.

Example:
    >>> isinstance(province_rings(), list)
    True
"""

from __future__ import annotations

from api.explorer.figures import Ring


def province_rings() -> list[Ring]:
    """Every province's outer rings (none until the shared geography service is there)."""
    return []
