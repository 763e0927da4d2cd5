"""Sort keys on the Neo4j store's CITES relationships: a policy's citations read a page at a time.

A policy cited by 30,000 reports has 30,000 CITES relationships; ``ORDER BY … LIMIT 50`` over
them reads them all. Each CITES therefore carries two strings that sort, as strings, the way
the reads order them, and a RANGE index on each serves a page in index order (no Sort, only
the rows up to the page's end are read):

* :data:`BY_REGION` — ``policy id | year | region code | report id``: the order of
  ``regions_citing_policy`` (year ascending, unknown last; region code; report id). Absent
  when the report has no ``region_code`` (that query leaves such reports out).
* :data:`NEWEST` — ``policy id | 9999 - year | report id``: the order of a policy's citation
  list (:meth:`graph.store.GraphStore.citations`: newest year first, unknown last; report id).

``|`` is :data:`SEP` (U+0001), below every character of a region code or report id, so a
shorter code sorts before a longer one it begins (as strings compare); years are four digits
(clamped to 0–9999), an unknown year ``~~~~`` (after every digit). The keys are written with
the relationship (:data:`graph.cypher.CITES_KEYS`, the Cypher twin of :func:`order_keys`),
so anything that rewrites a CITES — a replaced report, a policy merge moving its citations —
writes them afresh; they are store internals, never read back as properties
(:data:`HIDDEN`). A database written before them gets them at open (``VERSION``, marker
``cites_order``).

Example:
    >>> order_keys("行政处罚法", {"id": "r1", "year": 2020, "region_code": "420304"})[NEWEST]
    '行政处罚法\\x017979\\x01r1'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

BY_REGION = "_by_region"
NEWEST = "_newest"
HIDDEN = frozenset({BY_REGION, NEWEST})
SEP = "\x01"
UNKNOWN_YEAR = "~~~~"
_PAST_YEARS = "~"  # after every year, before the unknown one
_PAST_ALL = "\x7f"  # after every year and the unknown one: the end of a policy's keys
VERSION = 1  # of what the keys encode: a database marked with another one is keyed afresh
MARKER = "cites_order"


def order_keys(policy_id: str, report: Mapping[str, Any]) -> dict[str, str]:
    """The sort keys of the CITES from the report (its properties, ``id`` included) to the
    policy: what :data:`graph.cypher.CITES_KEYS` sets in Cypher.

    Example:
        >>> order_keys("p", {"id": "r9"})  # no region code: no region key
        {'_newest': 'p\\x019999\\x01r9'}
    """
    year = report.get("year")
    keys = {NEWEST: SEP.join([policy_id, _year(9999 - _clamped(year or 0)), report["id"]])}
    region = report.get("region_code")
    if region is not None:
        shown = UNKNOWN_YEAR if year is None else _year(_clamped(year))
        keys[BY_REGION] = SEP.join([policy_id, shown, region, report["id"]])
    return dict(sorted(keys.items()))


def by_region_bounds(year_from: int | None, year_to: int | None) -> dict[str, str]:
    """What follows a policy's id in the first :data:`BY_REGION` key of the year range
    (``key_from``) and in the key ending it (``key_to``, excluded): an unknown year (``~~~~``)
    lies past every year, and past the range once it is bounded.

    Example:
        >>> by_region_bounds(2019, None) == {"key_from": SEP + "2019", "key_to": SEP + "~"}
        True
    """
    start = "" if year_from is None else _year(_clamped(year_from))
    if year_to is None:
        end = _PAST_ALL if year_from is None else _PAST_YEARS
    else:
        end = _PAST_YEARS if year_to >= 9999 else _year(_clamped(year_to + 1))
    return {"key_from": SEP + start, "key_to": SEP + end}


def newest_bounds(year_from: int | None, year_to: int | None) -> dict[str, str]:
    """The same for :data:`NEWEST` (years inverted: ``year_to`` starts the range, and an
    unknown year, inverted 9999, lies past any ``year_from``).

    Example:
        >>> newest_bounds(None, 2020) == {"key_from": SEP + "7979", "key_to": SEP + "\x7f"}
        True
    """
    start = "" if year_to is None else _year(9999 - _clamped(year_to))
    if year_from is None:
        end = _PAST_ALL
    else:
        end = _PAST_YEARS if year_from <= 0 else _year(10000 - _clamped(year_from))
    return {"key_from": SEP + start, "key_to": SEP + end}


def _clamped(year: int) -> int:
    return min(max(year, 0), 9999)


def _year(year: int) -> str:
    return f"{year:04d}"
