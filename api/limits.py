"""Guards on what one GraphQL request may cost, all configured by ``Settings.api_*``.

* depth (``api_max_depth``), aliases (``api_max_aliases``) and tokens (``api_max_tokens``):
  strawberry's limiter rules, applied by :class:`RequestLimits`, refused before anything runs;
* cost (``api_max_cost``): :class:`CostLimit`, the objects a query may return estimated from its
  page sizes multiplied down the tree (:mod:`api.cost`), refused before anything runs;
* page size (``api_max_page_size``): :func:`check_page_size`, called by every connection;
* time (``api_query_timeout_s``): :class:`TimedSchema` stops the whole execution;
* the HTTP body (``api_max_body_bytes``): :class:`BodySizeLimit` answers 413 before reading
  more than the limit, and :func:`decode_request_json` 400 for a body that is not UTF-8 JSON.

Example:
    >>> check_page_size(None, 500)
    500
    >>> check_page_size(10, 500)
    10
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Any

import strawberry
from cross_web import HTTPException
from graphql import ASTValidationRule, GraphQLError, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from api.cost import CostEstimator
from api.errors import UserInputError, log_errors, shorten, should_mask
from api.loaders import StoreGateway
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
    """A schema whose executions stop after ``timeout_s`` seconds with a GraphQL error, and
    stop their store work then (:meth:`~api.loaders.StoreGateway.stop` on the context's
    gateway: no store call starts any more, pending loads are cancelled); its errors are
    shortened (:func:`~api.errors.shorten`) and logged by :func:`~api.errors.log_errors`.

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
                result = await super().execute(
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
            timed_out = GraphQLError(message, extensions={"code": "QUERY_TIMEOUT"})
            log_errors([timed_out])
            result = ExecutionResult(data=None, errors=[timed_out])
        finally:
            _stop_work(context_value)
        for error in result.errors or ():
            error.message = shorten(error.message)
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log errors without the query, user errors as one line (:func:`log_errors`)."""
        log_errors(errors)


def _stop_work(context: object) -> None:
    """Stop the store work of the request whose context this is (if it has a gateway)."""
    gateway = getattr(context, "gateway", None)
    if isinstance(gateway, StoreGateway):
        gateway.stop()


def decode_request_json(data: str | bytes) -> object:
    """The JSON of a request body (or of a ``variables`` parameter); a 400 naming what is wrong
    when it is not UTF-8, nested too deeply for the parser, or not an object or a list.

    Example:
        >>> decode_request_json(b'{"query": "{ stats { nodeTotal } }"}')
        {'query': '{ stats { nodeTotal } }'}
        >>> decode_request_json(b"[" * 100_000)
        Traceback (most recent call last):
        cross_web.exceptions.HTTPException: ...
    """
    try:
        decoded = json.loads(data)
    except UnicodeDecodeError as error:
        raise HTTPException(
            400, f"the request body is not valid UTF-8 (byte {error.start}): send JSON in UTF-8"
        ) from error
    except RecursionError as error:
        raise HTTPException(400, "the request body's JSON is nested too deeply") from error
    if not isinstance(decoded, dict | list):
        raise HTTPException(400, 'the request body must be a JSON object such as {"query": …}')
    return decoded


class BodyTooLargeError(Exception):
    """A request body went over ``api_max_body_bytes`` while being read."""


class BodySizeLimit:
    """ASGI middleware answering 413 to a request whose body exceeds ``max_bytes``: at once when
    its Content-Length says so, and as soon as the bytes read pass the limit otherwise
    (chunked bodies), so no more than the limit is ever read.

    Example:
        >>> from fastapi import FastAPI
        >>> app = FastAPI()
        >>> app.add_middleware(BodySizeLimit, max_bytes=1024)
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._limited(receive), sending)
        except BodyTooLargeError:
            if started:
                raise
            await self._refuse(send)

    def _limited(self, receive: Receive) -> Receive:
        read = 0

        async def limited() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.max_bytes:
                    raise BodyTooLargeError
            return message

        return limited

    async def _refuse(self, send: Send) -> None:
        body = (
            f"request body too large: at most {self.max_bytes:,} bytes (api_max_body_bytes)"
        ).encode()
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"connection", b"close")]
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
