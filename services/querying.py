"""Running a named research question of :mod:`queries` by name, for any front end.

Parameters are checked by the query's pydantic model before the store is asked; a bad name or
parameter is a :class:`~services.errors.UserInputError` naming it.

Example:
    >>> from graph.memory import MemoryStore
    >>> run_named(MemoryStore(None), "top_cited_policies", {"limit": 3})
    []
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.store import GraphStore
from queries import QUERIES, get_query
from queries.base import NamedQuery, QueryError, Row
from services.errors import UserInputError


def named_query(name: str) -> NamedQuery[Any]:
    """The named query called ``name``; an error listing the known names otherwise.

    Example:
        >>> named_query("search").name
        'search'
    """
    try:
        return get_query(name)
    except QueryError as error:
        raise UserInputError(str(error)) from error


def bind(query: NamedQuery[Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` checked by ``query``'s parameter model (clear errors naming the parameter).

    Example:
        >>> bind(named_query("search"), {})
        Traceback (most recent call last):
        services.errors.UserInputError: query 'search': parameter 'text': Field required
    """
    try:
        return query.bind(params)
    except QueryError as error:
        raise UserInputError(str(error)) from error


def run_named(store: GraphStore, name: str, params: Mapping[str, Any]) -> list[Row]:
    """The rows of the named query ``name`` on ``store`` (checked parameters)."""
    query = named_query(name)
    return store.run(query, bind(query, params))


def catalogue() -> list[NamedQuery[Any]]:
    """Every named query, in the order :mod:`queries` lists them.

    Example:
        >>> "regions_citing_policy" in [q.name for q in catalogue()]
        True
    """
    return list(QUERIES.values())
