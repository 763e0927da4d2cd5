"""Validate each distinct query text once per schema (LRU), not on every request.

Strawberry's own ``ValidationCache`` keys on the parsed document, and hashing a document walks
its whole syntax tree on every request (14 µs for the README's example query; a string's hash
is cached). The rules of one schema are fixed by its settings and GraphQL validation reads only
the document, so the query text is a sound key.

Example:
    >>> cache = ValidationResults(maxsize=2)
    >>> cache.put("{ a }", []); cache.put("{ b }", []); cache.put("{ c }", [])
    >>> cache.get("{ a }") is None, cache.get("{ c }")
    (True, [])
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from functools import partial

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension


class ValidationResults:
    """The validation errors of recent query texts, least recently used dropped first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._errors: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    def get(self, query: str) -> list[GraphQLError] | None:
        """A copy of the errors ``query`` validated with, or None when not cached."""
        errors = self._errors.get(query)
        if errors is None:
            return None
        self._errors.move_to_end(query)
        return list(errors)

    def put(self, query: str, errors: list[GraphQLError]) -> None:
        """Remember the errors of ``query``."""
        self._errors[query] = list(errors)
        self._errors.move_to_end(query)
        while len(self._errors) > self.maxsize:
            self._errors.popitem(last=False)


class CachedValidation(SchemaExtension):
    """Skip validation of a query text this schema has validated before (same errors)."""

    def __init__(self, *, results: ValidationResults) -> None:
        super().__init__()
        self.results = results

    def on_validate(self) -> Iterator[None]:
        query = self.execution_context.query
        cached = self.results.get(query) if query is not None else None
        if cached is not None:
            self.execution_context.pre_execution_errors = cached
        yield
        errors = self.execution_context.pre_execution_errors
        if cached is None and query is not None and errors is not None:
            self.results.put(query, errors)


def cached_validation(maxsize: int = 256) -> Callable[[], SchemaExtension]:
    """The extension factory of one schema: its requests share one :class:`ValidationResults`."""
    return partial(CachedValidation, results=ValidationResults(maxsize))
