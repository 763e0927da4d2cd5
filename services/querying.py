"""Running a named research question of :mod:`queries` by name, for any front end.

Parameters are checked by the query's pydantic model before the store is asked; a bad name or
parameter is a :class:`~services.errors.UserInputError` naming it. An empty answer is checked
too: when a policy, region or issuer it names is not in the graph, a
:class:`~services.errors.NotFoundError` says so with the closest names it holds
(:mod:`services.suggest`); a known name that nothing matched stays an empty answer.

Long answers are paged (``limit``, 1000 rows by default, and ``offset``: the API's page);
``every_row=True`` (the CLI, the notebook client, the explorer) pages through them all when
the caller gave no page of its own.

Example:
    >>> from graph.memory import MemoryStore
    >>> run_named(MemoryStore(None), "top_cited_policies", {"limit": 3})
    []
    >>> run_named(MemoryStore(None), "policy_diffusion", {"policy": "行政处罚"})
    Traceback (most recent call last):
    services.errors.NotFoundError: no policy titled '行政处罚'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.store import GraphStore
from queries import QUERIES, get_query
from queries.base import NamedQuery, QueryError, Row
from queries.matching import MAX_PAGE_SIZE
from services.errors import UserInputError
from services.suggest import check_references


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


def run_named(
    store: GraphStore, name: str, params: Mapping[str, Any], *, every_row: bool = False
) -> list[Row]:
    """The rows of the named query ``name`` on ``store`` (checked parameters); with
    ``every_row``, all of a paged query's rows unless ``params`` ask for a page."""
    query = named_query(name)
    every = every_row and pages_through(query, params)
    return run_bound(store, query, bind(query, whole(params) if every else params), every)


def pages_through(query: NamedQuery[Any], params: Mapping[str, Any]) -> bool:
    """Whether a caller wanting every row must page through: the query is paged and
    ``params`` give no page (``limit`` or ``offset``) of their own.

    Example:
        >>> pages_through(named_query("coverage"), {"year": 2023})
        True
        >>> pages_through(named_query("coverage"), {"year": 2023, "limit": 5})
        False
    """
    fields = query.params_model.model_fields
    return "offset" in fields and not ({"limit", "offset"} & params.keys())


def whole(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with the biggest page, to be paged through by :func:`run_bound`."""
    return {**params, "limit": MAX_PAGE_SIZE}


def run_bound(
    store: GraphStore, query: NamedQuery[Any], bound: Mapping[str, Any], every: bool = False
) -> list[Row]:
    """The rows of ``query`` for parameters already bound (:func:`bind`); when there are none,
    a :class:`~services.errors.NotFoundError` if a name it was given is not in the graph.
    ``every``: the page's rows and every page after it (until a page is not full)."""
    rows = store.run(query, bound)
    if not rows:
        check_references(store, bound)
    page = rows
    while every and len(page) == bound["limit"]:
        bound = {**bound, "offset": bound["offset"] + bound["limit"]}
        page = store.run(query, bound)
        rows = rows + page
    return rows


def catalogue() -> list[NamedQuery[Any]]:
    """Every named query, in the order :mod:`queries` lists them.

    Example:
        >>> "regions_citing_policy" in [q.name for q in catalogue()]
        True
    """
    return list(QUERIES.values())
