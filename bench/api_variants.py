"""The API with one of its custom pieces swapped for strawberry's own, to measure what each
piece pays for (``python -m bench.api --variant NAME``). Benchmark-only: each variant patches
the ``api`` modules in the benchmark's server process before the app is built.

* ``custom``: the API as shipped;
* ``dataloader``: strawberry's ``DataLoader`` instead of :class:`api.loaders.BatchLoader`;
* ``limiters``: strawberry's ``QueryDepthLimiter``, ``MaxAliasesLimiter`` and
  ``MaxTokensLimiter`` instead of :class:`api.limits.RequestLimits`;
* ``plain-schema``: ``strawberry.Schema`` instead of :class:`api.limits.TimedSchema` (no time
  limit: what the limit costs).

A validation cache keyed by the query text measured no faster than strawberry's
``ValidationCache`` and was dropped for it.

Example:
    >>> sorted(VARIANTS)
    ['custom', 'dataloader', 'limiters', 'plain-schema']
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from types import ModuleType
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

import api.loaders
import api.schema
from api.errors import should_mask
from config.settings import Settings

K = TypeVar("K")
V = TypeVar("V")


class DataLoaderAdapter(Generic[K, V]):
    """strawberry's DataLoader behind :class:`api.loaders.BatchLoader`'s two methods."""

    def __init__(self, fetch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        self._loader: DataLoader[K, V] = DataLoader(load_fn=fetch)

    def load(self, key: K) -> Awaitable[V]:
        return self._loader.load(key)

    def load_many(self, keys: Sequence[K]) -> Awaitable[list[V]]:
        return self._loader.load_many(keys)


def strawberry_limiters(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """The limits as strawberry's own extensions (new rule classes on every request)."""
    return [
        partial(QueryDepthLimiter, max_depth=settings.api_max_depth),
        partial(MaxAliasesLimiter, max_alias_count=settings.api_max_aliases),
        partial(MaxTokensLimiter, max_token_count=settings.api_max_tokens),
        partial(MaskErrors, should_mask_error=should_mask, error_message="Unexpected error."),
    ]


class PlainSchema(strawberry.Schema):
    """``strawberry.Schema`` taking (and ignoring) :class:`TimedSchema`'s ``timeout_s``."""

    def __init__(self, *args: Any, timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


# variant → (module, name, replacement)
VARIANTS: dict[str, tuple[ModuleType, str, object] | None] = {
    "custom": None,
    "dataloader": (api.loaders, "BatchLoader", DataLoaderAdapter),
    "limiters": (api.schema, "limit_extensions", strawberry_limiters),
    "plain-schema": (api.schema, "TimedSchema", PlainSchema),
}


def apply_variant(name: str) -> None:
    """Patch the API modules for variant ``name`` (before the app is built)."""
    patch = VARIANTS[name]
    if patch is not None:
        module, attribute, replacement = patch
        vars(module)[attribute] = replacement
