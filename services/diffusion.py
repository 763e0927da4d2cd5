"""A policy's spread, read off the ``policy_diffusion`` query's rows for pictures: the year each
region first cited it, and the cumulative number of citing regions per year by level.

The notebook's :meth:`client.Fazhi.plot_diffusion` / :meth:`client.Fazhi.map` and the web
explorer draw from these, so both show the same numbers.

Example:
    >>> steps = [
    ...     {"year": 2020, "regions": ["152500"], "cumulative_regions": 1},
    ...     {"year": 2023, "regions": ["210902", "420304"], "cumulative_regions": 3},
    ... ]
    >>> first_citation_years(steps)
    {'152500': 2020, '210902': 2023, '420304': 2023}
    >>> curves = cumulative_by_level(steps)
    >>> curves.years, curves.total, curves.by_level
    ([2020, 2023], [1, 3], {'prefecture': [1, 1], 'county': [0, 2]})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.store import GraphStore
from ingest.gazetteer import LEVEL_RANK, load_gazetteer
from queries.base import Row
from services.errors import UserInputError
from services.lookups import find_policy
from services.querying import run_named

UNKNOWN_LEVEL = "other"


@dataclass(frozen=True, slots=True)
class DiffusionCurves:
    """Per report year: the cumulative number of citing regions, in all and by level (levels
    from the top down; a level is listed when some citing region has it)."""

    years: list[int]
    total: list[int]
    by_level: dict[str, list[int]]


def policy_diffusion(store: GraphStore, policy: str) -> list[Row]:
    """The ``policy_diffusion`` rows of ``policy`` (title or 文号), by year; a policy the graph
    does not hold is a :class:`~services.errors.UserInputError` (one cited in no dated report
    has no rows)."""
    rows = run_named(store, "policy_diffusion", {"policy": policy})
    if not rows and not _known_policy(store, policy):
        raise UserInputError(f"not in the graph: policy {policy!r}")
    return rows


def _known_policy(store: GraphStore, policy: str) -> bool:
    by_title = find_policy(store, title=policy)
    return by_title is not None or find_policy(store, doc_number=policy) is not None


def first_citation_years(steps: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Region code → the year its reports first cite the policy (rows as the query gives
    them: each code is listed once, in ``regions`` of its first year)."""
    return {code: int(step["year"]) for step in steps for code in step["regions"]}


def cumulative_by_level(steps: Sequence[Mapping[str, Any]]) -> DiffusionCurves:
    """The cumulative number of citing regions per year, in all and by level."""
    years = [int(step["year"]) for step in steps]
    levels = [[region_level(code) for code in step["regions"]] for step in steps]
    names = sorted({lv for year in levels for lv in year}, key=_level_order)
    by_level = {name: _running_total([year.count(name) for year in levels]) for name in names}
    total = [int(step["cumulative_regions"]) for step in steps]
    return DiffusionCurves(years, total, by_level)


def region_level(code: str) -> str:
    """The administrative level of a region code (``other`` when the gazetteer lacks it).

    Example:
        >>> region_level("420304"), region_level("420000"), region_level("999999")
        ('county', 'province', 'other')
    """
    info = load_gazetteer().get(code)
    return str(info.level.value) if info is not None else UNKNOWN_LEVEL


def _level_order(level: str) -> int:
    ranks = {str(lv.value): rank for lv, rank in LEVEL_RANK.items()}
    return ranks.get(level, len(ranks))


def _running_total(counts: list[int]) -> list[int]:
    totals, total = [], 0
    for count in counts:
        total += count
        totals.append(total)
    return totals
