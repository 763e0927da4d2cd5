"""The :class:`NamedQuery` type: one research question, answerable by Neo4j and by networkx.

A query has typed parameters (a pydantic model, :class:`QueryParams`), a Cypher text with
``$parameters`` only, and a networkx function that gives exactly the same rows (same keys in the
same order, same sort order) on the embedded graph. Rows are plain JSON-able dicts; their shape is
the query's ``row`` TypedDict, whose annotations list the columns in order.

Parameters go through :meth:`NamedQuery.bind` before they reach Cypher: it validates them (clear
errors naming the parameter) and adds the derived values the Cypher text needs (e.g. a canonical
title). :func:`queries.run_query` does both steps for a store.

Example:
    >>> from queries import get_query
    >>> q = get_query("policy_diffusion")
    >>> q.bind({"policy": "《行政处罚法》"})["policy_keys"]
    ['《行政处罚法》', '中华人民共和国行政处罚法']
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar, get_type_hints

import networkx as nx
from pydantic import BaseModel, ConfigDict, ValidationError

Row = dict[str, Any]


class QueryError(ValueError):
    """A query was asked for by a wrong name or with wrong parameters."""


class QueryParams(BaseModel):
    """Base of every query's parameters: frozen, unknown parameters rejected, strings stripped.

    Subclasses list in ``derived_keys`` the extra Cypher parameters :meth:`derived` computes.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    derived_keys: ClassVar[frozenset[str]] = frozenset()

    def derived(self) -> dict[str, Any]:
        """Values computed from the parameters that the Cypher text needs besides them."""
        return {}

    def cypher_params(self) -> dict[str, Any]:
        """Every ``$parameter`` of the Cypher text: the fields, then the derived values."""
        return self.model_dump(mode="json") | self.derived()


P = TypeVar("P", bound=QueryParams)


@dataclass(frozen=True, slots=True)
class NamedQuery(Generic[P]):
    """A research question: name, description, parameters, Cypher text and networkx twin.

    Satisfies :class:`graph.store.QuerySpec`; ``run_networkx`` accepts raw or bound parameters.
    """

    name: str
    description: str
    params_model: type[P]
    row: type[Any]  # a TypedDict: the columns of every result row, in order
    cypher: str
    networkx: Callable[[nx.MultiDiGraph, P], list[Row]]
    # Neo4j keeps the answers in the database until the next write (graph.neo4j_kept): for a
    # question whose Cypher must read too much to answer interactively, exactly.
    kept: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """The keys of every row, in order."""
        return tuple(get_type_hints(self.row))

    def validate(self, params: Mapping[str, Any]) -> P:
        """Typed parameters, or :class:`QueryError` naming each bad parameter."""
        given = {k: v for k, v in params.items() if k not in self.params_model.derived_keys}
        try:
            return self.params_model.model_validate(given)
        except ValidationError as error:
            raise QueryError(_explain(self.name, error)) from error

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The Cypher parameters for ``params`` (validated, with derived values added)."""
        return self.validate(params).cypher_params()

    def given(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """Bound parameters without the derived ones (functions of the rest): what tells two
        asks apart, e.g. where a store keeps answers (coverage derives the whole gazetteer).

        Example:
            >>> from queries import get_query
            >>> get_query("coverage").given(get_query("coverage").bind({"year": 2020}))
            {'limit': 1000, 'offset': 0, 'year': 2020, 'level': None, 'province': None}
        """
        derived = self.params_model.derived_keys
        return {key: value for key, value in params.items() if key not in derived}

    def run_networkx(self, graph: nx.MultiDiGraph, params: Mapping[str, Any]) -> list[Row]:
        """The rows on the embedded graph (same as the Cypher text gives in Neo4j)."""
        return self.networkx(graph, self.validate(params))


def _explain(query: str, error: ValidationError) -> str:
    """One line per problem: ``query 'q': parameter 'year_from': <reason> (got 'x')``."""
    lines = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "parameters"
        got = f" (got {problem['input']!r})" if problem["type"] != "missing" else ""
        lines.append(f"query {query!r}: parameter {where!r}: {problem['msg']}{got}")
    return "\n".join(lines)
