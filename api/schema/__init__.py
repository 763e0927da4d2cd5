"""The GraphQL schema of Fazhi Graph, built with the request limits of the given settings.

Print it with ``python -m api.schema > schema.graphql`` (the committed ``schema.graphql`` is
checked against the code by ``tests/test_schema_artifact.py``).

Example:
    >>> from config import get_settings
    >>> "type Policy" in print_sdl()
    True
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from strawberry.extensions import ParserCache, SchemaExtension, ValidationCache
from strawberry.tools import merge_types

from api.limits import TimedSchema, limit_extensions
from api.schema.named import named_query_fields
from api.schema.query import Query
from config.settings import Settings, get_settings

__all__ = ["Query", "build_schema", "print_sdl"]

CACHED_QUERIES = 256  # distinct query texts whose parse and validation are kept


def build_schema(settings: Settings | None = None) -> TimedSchema:
    """The executable schema, guarded by the ``api_*`` limits of ``settings``."""
    settings = settings or get_settings()
    root = merge_types("Query", (Query, named_query_fields()))
    # Clients repeat the same query texts: parse and validate each once, which was most of the
    # CPU of a small query. Strawberry's own caches: a validation cache keyed by the text
    # instead of the document measured no faster (bench.api --variant validation-cache).
    caches: list[Callable[[], SchemaExtension]] = [
        partial(ParserCache, maxsize=CACHED_QUERIES),
        partial(ValidationCache, maxsize=CACHED_QUERIES),
    ]
    return TimedSchema(
        query=root,
        extensions=[*limit_extensions(settings), *caches],
        timeout_s=settings.api_query_timeout_s,
    )


def print_sdl() -> str:
    """The schema in GraphQL SDL, as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
