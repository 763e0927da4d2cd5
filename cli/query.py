"""``fazhi query NAME --param k=v …``: answer a named research question from a store.

Example:
    $ fazhi query --list
    $ fazhi query regions_citing_policy --param policy=《行政处罚法》 --param year_from=2019
    $ fazhi query search -p text=司法局 -p labels=Institution,Region --json --store neo4j
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from enum import Enum
from types import UnionType
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

import typer
from rich.console import Console
from rich.table import Table

from cli.options import DataDirOption, StoreOption, opened_store, settings_from
from cli.printing import literal

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from graph.store import GraphStore
    from queries import NamedQuery, Row

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``query`` command to ``app``."""
    app.command("query", no_args_is_help=True)(query)


def query(
    name: Annotated[str | None, typer.Argument(help="Query name (see --list).")] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="A parameter as key=value; repeat the option."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the queries and their parameters.")
    ] = False,
    store: StoreOption = None,
    data_dir: DataDirOption = None,
) -> None:
    """Answer a named research question (rows as a table, or JSON with --json)."""
    from services.errors import UserInputError
    from services.querying import bind, named_query, pages_through, whole

    if list_queries:
        out.print(catalogue())
        return
    if name is None:
        raise typer.BadParameter("give a query name, or --list to see them", param_hint="NAME")
    try:
        named = named_query(name)
        given = parse_params(param or [])
        every = pages_through(named, given)  # every row, unless a page is asked for
        bound = bind(named, whole(given) if every else given)  # reported before a store opens
    except UserInputError as error:
        err.print(f"[red]error[/red]: {literal(error)}")
        raise typer.Exit(code=2) from error
    with opened_store(settings_from(store=store, data_dir=data_dir)) as graph:
        rows = answered(graph, named, bound, every)
    out.print(_as_json(rows) if as_json else rows_table(named, rows))


def answered(
    graph: GraphStore, named: NamedQuery[Any], bound: dict[str, Any], every: bool = False
) -> list[Row]:
    """The rows (``every``: page after page to the last); a name the graph does not hold is
    one line with the closest names held ("no policy titled X; did you mean: A, B?") and
    exit code 1."""
    from services.errors import NotFoundError
    from services.querying import run_bound

    try:
        return run_bound(graph, named, bound, every)
    except NotFoundError as error:
        err.print(f"[red]error[/red]: {literal(error)}")
        raise typer.Exit(code=1) from error


def parse_params(pairs: Sequence[str]) -> dict[str, Any]:
    """``["k=v", …]`` as a dict; a key given twice collects its values in a list.

    Example:
        >>> parse_params(["text=法治", "labels=Policy", "labels=Region"])
        {'text': '法治', 'labels': ['Policy', 'Region']}
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{pair!r} is not key=value", param_hint="--param")
        key = key.strip()
        if key in params:
            previous = params[key]
            params[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            params[key] = value
    return params


def _as_json(rows: list[Row]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def rows_table(named: NamedQuery[Any], rows: list[Row]) -> Table:
    """The rows as a rich table, one column per row key."""
    table = Table(title=f"{named.name}: {len(rows)} rows")
    for column in named.columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(_cell(row[column]) for column in named.columns))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return literal(", ".join(str(item) for item in value))
    if isinstance(value, float):
        return f"{value:.4f}"
    return literal(value)


def catalogue() -> str:
    """Every query: its name, description and parameters (type, default, meaning)."""
    from services.querying import catalogue as named_queries

    blocks = []
    for named in named_queries():
        fields = named.params_model.model_fields
        params = "".join(f"\n    {describe_param(key, info)}" for key, info in fields.items())
        blocks.append(f"[bold]{named.name}[/bold]\n  {named.description}{params}")
    return "\n\n".join(blocks)


def describe_param(key: str, info: FieldInfo) -> str:
    """``key: type = default`` (or ``(required)``), then the field's description.

    Example:
        >>> from queries import get_query
        >>> fields = get_query("top_cited_policies").params_model.model_fields
        >>> describe_param("group_by", fields["group_by"])
        "group_by: none|province|year = 'none' — none, province or year."
    """
    default = "(required)" if info.is_required() else f"= {info.default!r}"
    text = f"{key}: {type_name(info.annotation)} {default}"
    return f"{text} — {info.description}" if info.description else text


def type_name(annotation: Any) -> str:
    """A short human name for a parameter type: ``int?``, ``law|…``, ``list of Label``."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return type_name(args[0])
    if origin is Literal:
        return "|".join(str(arg) for arg in args)
    if origin in (Union, UnionType):
        named = [type_name(arg) for arg in args if arg is not type(None)]
        return " or ".join(named) + ("?" if type(None) in args else "")
    if origin is list:
        return f"list of {type_name(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "|".join(str(member.value) for member in annotation)
    return getattr(annotation, "__name__", str(annotation))
