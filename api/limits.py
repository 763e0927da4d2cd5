"""Guards on what one GraphQL request may cost, all configured by ``Settings.api_*``.

* depth (``api_max_depth``), aliases (``api_max_aliases``) and tokens (``api_max_tokens``):
  strawberry's limiter rules, applied by :class:`RequestLimits`, refused before anything runs;
* cost (``api_max_cost``): :class:`CostLimit`, the objects a query may return estimated from its
  page sizes multiplied down the tree (:mod:`api.cost`), refused before anything runs;
* page size (``api_max_page_size``): :func:`check_page_size`, called by every connection;
* time (``api_query_timeout_s``): :class:`TimedSchema` stops the whole execution.

Example:
    >>> check_page_size(None, 500)
    500
    >>> check_page_size(10, 500)
    10
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from api.cost import CostEstimator
from api.errors import UserInputError, should_mask
from config.settings import Settings


def check_page_size(first: int | None, max_page_size: int) -> int:
    """The page size to use: ``first`` when within ``0..max_page_size``, the maximum when unset."""
    if first is None:
        return max_page_size
    if not 0 <= first <= max_page_size:
        raise UserInputError(
            f"first must be between 0 and {max_page_size} (api_max_page_size), got {first}"
        )
    return first


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Factories of the request limits and error masking every request runs through."""
    depth = QueryDepthLimiter(max_depth=settings.api_max_depth).validation_rules
    aliases = MaxAliasesLimiter(max_alias_count=settings.api_max_aliases).validation_rules
    budget = CostBudget(settings)
    return [
        partial(RequestLimits, max_tokens=settings.api_max_tokens, rules=(*depth, *aliases)),
        partial(CostLimit, budget=budget),
        partial(MaskErrors, should_mask_error=should_mask, error_message="Unexpected error."),
    ]


class RequestLimits(SchemaExtension):
    """The token limit of the parser and the validation rules of the other limits, for one
    request.

    The rules are built once per schema and shared. It pays: strawberry's limiter extensions
    build new rule classes on every request, so strawberry's validation cache (keyed by the
    document and the rules) never hits. With them (and that cache) the region query of
    ``python -m bench.api`` (10,000-report embedded graph) had a GraphQL/bare p50 of 1.86;
    with this extension, 1.30.
    """

    def __init__(self, *, max_tokens: int, rules: tuple[type[ASTValidationRule], ...]) -> None:
        super().__init__()
        self.max_tokens = max_tokens
        self.rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.parse_options["max_tokens"] = self.max_tokens
        context.validation_rules = (*context.validation_rules, *self.rules)
        yield


class CostBudget:
    """The cost rule of one schema: its estimator (built at the first request, once the schema
    exists) and the budget ``api_max_cost``."""

    def __init__(self, settings: Settings) -> None:
        self.max_cost = settings.api_max_cost
        self._sizes = {
            "page": settings.api_max_page_size,
            "list": settings.api_cost_list_size,
            "evidence": settings.evidence_per_relationship,
        }
        self._estimator: CostEstimator | None = None

    def estimator(self, schema: GraphQLSchema) -> CostEstimator:
        """The estimator of ``schema`` (the same schema on every call)."""
        if self._estimator is None:
            self._estimator = CostEstimator(
                schema,
                max_page_size=self._sizes["page"],
                list_size=self._sizes["list"],
                known_sizes={"Evidence": self._sizes["evidence"]},
            )
        return self._estimator

    def refusal(self, cost: int, biggest: list[str]) -> GraphQLError | None:
        """The error refusing a query of this cost, None when within the budget."""
        if cost <= self.max_cost:
            return None
        lower = f": lower first: on {', '.join(biggest)}" if biggest else ""
        return GraphQLError(
            f"query cost {cost:,} exceeds the budget {self.max_cost:,} (api_max_cost){lower}",
            extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "budget": self.max_cost},
        )


class CostLimit(SchemaExtension):
    """Refuses, after validation and before any resolver runs, a query whose estimated cost
    (:mod:`api.cost`, variables resolved) exceeds ``api_max_cost``."""

    def __init__(self, *, budget: CostBudget) -> None:
        super().__init__()
        self.budget = budget

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            estimator = self.budget.estimator(context.schema._schema)
            cost = estimator.estimate(document, context.operation_name, context.variables or {})
            refusal = self.budget.refusal(cost.total, cost.biggest())
            if refusal is not None:  # strawberry then skips execution
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield


class TimedSchema(strawberry.Schema):
    """A schema whose executions stop after ``timeout_s`` seconds with a GraphQL error.

    Strawberry has no execution time limit of its own, so this overrides ``execute``; the
    override costs nothing measurable (``python -m bench.api --variant plain-schema``: region
    query GraphQL/bare p50 1.39 with a plain ``strawberry.Schema``, 1.38–1.43 with this one).

    Example:
        >>> @strawberry.type
        ... class Hello:
        ...     greeting: str = "你好"
        >>> schema = TimedSchema(query=Hello, timeout_s=10.0)
        >>> schema.execute_sync("{ greeting }", root_value=Hello()).data
        {'greeting': '你好'}
    """

    def __init__(self, *args: Any, timeout_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_s = timeout_s

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        """Execute like strawberry, but give up after ``timeout_s`` seconds."""
        try:
            async with asyncio.timeout(self.timeout_s):
                return await super().execute(
                    query,
                    variable_values,
                    context_value,
                    root_value,
                    operation_name,
                    allowed_operation_types,
                    operation_extensions,
                )
        except TimeoutError:
            message = f"query exceeded {self.timeout_s:g} s (api_query_timeout_s)"
            return ExecutionResult(data=None, errors=[GraphQLError(message)])
