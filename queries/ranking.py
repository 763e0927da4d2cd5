"""What "most cited" means, once for every query and the API: more citing reports first, then
more citations (mentions) in them, then the policy id.

Example:
    >>> rows = [
    ...     {"policy_id": "b", "reports": 1, "mentions": 9},
    ...     {"policy_id": "a", "reports": 2, "mentions": 1},
    ... ]
    >>> [row["policy_id"] for row in most_cited_first(rows)]
    ['a', 'b']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

R = TypeVar("R", bound=Mapping[str, Any])

# The same order in Cypher, over columns named reports, mentions and policy_id.
MOST_CITED_ORDER = "reports DESC, mentions DESC, policy_id"


def most_cited_key(reports: int, mentions: int, policy_id: str) -> tuple[int, int, str]:
    """The sort key that puts the most cited policy first (see the module docstring).

    Example:
        >>> most_cited_key(2, 5, "p") < most_cited_key(1, 9, "a")
        True
    """
    return (-reports, -mentions, policy_id)


def most_cited_first_key(row: Mapping[str, Any]) -> tuple[int, int, str]:
    """:func:`most_cited_key` of a row with ``reports``, ``mentions`` and ``policy_id``."""
    return most_cited_key(row["reports"], row["mentions"], row["policy_id"])


def most_cited_first(rows: Iterable[R]) -> list[R]:
    """Rows with ``reports``, ``mentions`` and ``policy_id`` columns, most cited first."""
    return sorted(rows, key=most_cited_first_key)
