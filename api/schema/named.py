"""The named research questions of ``queries/`` as typed GraphQL fields.

Each :class:`~queries.base.NamedQuery` becomes one root field: its name in camelCase, one
argument per parameter (types, defaults and descriptions from the pydantic model) and a list of
``<Name>Row`` objects whose fields are the query's columns (from its ``row`` TypedDict). So the
schema grows with ``queries/`` and never drifts from it. ``namedQuery(name, params)`` answers any
of them with JSON, and ``namedQueries`` lists them.

So ``regions_citing_policy`` is asked as
``{ regionsCitingPolicy(policy: "重大行政决策程序暂行条例") { regionName year count } }``.

Example:
    >>> camel("regions_citing_policy")
    'RegionsCitingPolicy'
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, Literal, Union, cast, get_args, get_origin, get_type_hints

import strawberry
from pydantic.fields import FieldInfo
from strawberry.scalars import JSON
from strawberry.tools import merge_types

from api.schema.common import Info, described, gateway
from api.schema.vocabulary import VOCABULARY
from queries.base import NamedQuery
from services.querying import bind, catalogue, named_query
from services.suggest import check_references

SCALARS: tuple[type, ...] = (str, int, float, bool)


def camel(name: str) -> str:
    """``regions_citing_policy`` → ``RegionsCitingPolicy``."""
    return "".join(part.capitalize() for part in name.split("_"))


def graphql_type(annotation: Any) -> Any:
    """The GraphQL-friendly Python type of a pydantic or TypedDict annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return graphql_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [graphql_type(a) for a in get_args(annotation) if a is not type(None)]
        optional = len(members) < len(get_args(annotation))
        base = members[0] if len(members) == 1 else JSON
        return base | None if optional else base
    if origin is Literal:
        return str
    if origin in (list, tuple):
        return cast(Any, list)[graphql_type(get_args(annotation)[0])]
    if annotation in SCALARS:
        return annotation
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return graphql_enum(annotation)
    return JSON


_ENUMS: dict[type[Enum], Any] = {}


def graphql_enum(enum: type[Enum]) -> Any:
    """A GraphQL enum mirroring a Python enum of the queries (the original stays untouched),
    named by its values as the vocabulary is: ``labels: [Region]`` as rows say ``Region``."""
    if enum in VOCABULARY:
        return enum
    if enum not in _ENUMS:
        members = {member.name: member.value for member in enum}
        mirror = Enum(enum.__name__, members)  # type: ignore[misc]
        description = inspect.getdoc(enum)
        _ENUMS[enum] = strawberry.enum(mirror, graphql_name_from="value", description=description)
    return _ENUMS[enum]


def argument(name: str, info: FieldInfo) -> inspect.Parameter:
    """One resolver parameter for one query parameter."""
    meta = strawberry.argument(description=info.description or inner_description(info.annotation))
    annotated = cast(Any, Annotated)[graphql_type(info.annotation), meta]
    default = inspect.Parameter.empty if info.is_required() else plain(info.default)
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotated, default=default
    )


def inner_description(annotation: Any) -> str | None:
    """The description a reusable ``Annotated[..., Field(description=…)]`` type carries."""
    if get_origin(annotation) is Annotated:
        for meta in get_args(annotation)[1:]:
            if isinstance(meta, FieldInfo) and meta.description:
                return meta.description
    for arg in get_args(annotation):
        found = inner_description(arg)
        if found:
            return found
    return None


def plain(value: Any) -> Any:
    """A GraphQL argument value as the query's pydantic model wants it (enums → values)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def row_type(query: NamedQuery[Any]) -> type:
    """The strawberry type of one result row of ``query``."""
    hints = get_type_hints(query.row)
    namespace = {
        "__annotations__": {column: graphql_type(hints[column]) for column in query.columns},
        "__module__": __name__,
    }
    cls = type(f"{camel(query.name)}Row", (), namespace)
    description = inspect.getdoc(query.row) or f"One row of {query.name}."
    return strawberry.type(cls, description=description)


async def answer(
    info: Info, query: NamedQuery[Any], params: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Validate ``params`` (clear errors naming the parameter) and run ``query`` on the store;
    an empty answer for a name the graph does not hold is a ``NOT_FOUND`` error instead, with
    the closest names in its ``suggestions`` extension."""
    bound = bind(query, params)
    rows = await gateway(info).run(query, bound)
    if not rows:
        await gateway(info).call(check_references, gateway(info).store, bound)
    return rows


def resolver(query: NamedQuery[Any]) -> Callable[..., Any]:
    """The async resolver of ``query``'s field, with a signature strawberry reads as arguments."""
    row = row_type(query)

    async def resolve(info: Info, **params: Any) -> list[Any]:
        given = {name: plain(value) for name, value in params.items()}
        rows = await answer(info, query, given)
        return [row(**{c: r.get(c) for c in query.columns}) for r in rows]

    parameters = [
        inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info)
    ]
    for name, field in query.params_model.model_fields.items():
        parameters.append(argument(name, field))
    signature = inspect.Signature(parameters, return_annotation=cast(Any, list)[row])
    resolve.__signature__ = signature  # type: ignore[attr-defined]
    resolve.__name__ = query.name
    return resolve


@strawberry.type(description="A named research question the API answers.")
class NamedQueryInfo:
    name: str
    description: str
    columns: list[str]
    parameters: JSON = strawberry.field(description="JSON Schema of the parameters.")


@strawberry.type
class GenericNamedQuery:
    @described(description="The named research questions, with parameters and columns.")
    def named_queries(self) -> list[NamedQueryInfo]:
        return [
            NamedQueryInfo(
                name=q.name,
                description=q.description,
                columns=list(q.columns),
                parameters=q.params_model.model_json_schema(),
            )
            for q in catalogue()
        ]

    @described(description="Any named query by name, parameters and rows as JSON.")
    async def named_query(self, info: Info, name: str, params: JSON | None = None) -> list[JSON]:
        query = named_query(name)
        rows = await answer(info, query, cast(dict[str, Any], params or {}))
        return cast(list[JSON], rows)


def named_query_fields() -> type:
    """A root type holding one typed field per named query, plus the generic ones."""
    fields = {
        strawberry_name(q.name): strawberry.field(resolver=resolver(q), description=q.description)
        for q in catalogue()
    }
    from api.schema.coverage import CoverageFields  # it answers through this module

    typed = strawberry.type(type("NamedQueryFields", (), {**fields, "__module__": __name__}))
    return merge_types("NamedQueries", (typed, GenericNamedQuery, CoverageFields))


def strawberry_name(name: str) -> str:
    """The Python attribute name of a query's field (strawberry camelCases it)."""
    return name
