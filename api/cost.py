"""What a GraphQL query may cost, estimated before it runs: the number of objects it can return.

Like the node limits of GitHub's GraphQL API and @neo4j/graphql, page sizes multiply down the
tree: ``reports(first: 50) { edges { node { cites(first: 20) { … } } } }`` may return 50
reports and 50 × 20 citations. Every field returning objects counts the objects it may return:

* a connection (a field with ``first``) counts 1, and its lists (``edges``, ``nodes``) count
  ``first`` items each (``api_max_page_size`` when ``first`` is not given, as the resolvers do);
* a list with ``limit`` (the named questions) counts ``limit`` items (its default when unset);
* any other list of objects (``children``, ``issuedBy``, rows without a limit) counts
  ``api_cost_list_size`` items, and ``evidence`` ``evidence_per_relationship``;
* a single object counts 1; scalars, ``__typename`` and introspection count nothing.

Variables are resolved and fragments followed; ``@skip`` / ``@include`` are ignored (the
estimate is an upper bound).

Example:
    >>> from graphql import build_schema, parse
    >>> schema = build_schema('''
    ...     type Query { items(first: Int): Page! }
    ...     type Page { total: Int! nodes: [Item!]! }
    ...     type Item { name: String! items(first: Int): Page! }
    ... ''')
    >>> estimator = CostEstimator(schema, max_page_size=100, list_size=10, known_sizes={})
    >>> document = parse("{ items(first: 5) { nodes { items(first: 3) { nodes { name } } } } }")
    >>> estimator.estimate(document, None, {}).total  # 1 + 5 + 5 × (1 + 3)
    26
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.utilities import get_operation_ast

Parent = Any  # a composite GraphQL type: object, interface or union


@dataclass
class Cost:
    """The estimate of one operation: objects it may return, and the fields that multiply."""

    total: int = 0
    multipliers: dict[str, int] = field(default_factory=dict)  # "cites(first: 500)" → 500

    def biggest(self, count: int = 4) -> list[str]:
        """The paged fields with the largest sizes, largest first (then in query order)."""
        ranked = sorted(self.multipliers.items(), key=lambda item: -item[1])
        return [name for name, size in ranked[:count] if size > 1]


class CostEstimator:
    """Estimates queries against one schema (see the module docstring for the rules)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        max_page_size: int,
        list_size: int,
        known_sizes: Mapping[str, int],
    ) -> None:
        self.schema = schema
        self.max_page_size = max_page_size
        self.list_size = list_size
        self.known_sizes = dict(known_sizes)  # type name → items of a list of it

    def estimate(
        self, document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any]
    ) -> Cost:
        """The cost of the operation (0 when it cannot be found or its variables are invalid:
        execution reports those errors itself)."""
        operation = get_operation_ast(document, operation_name)
        root = self.schema.query_type
        if operation is None or root is None:
            return Cost()
        coerced = self._variables(operation, variables)
        if coerced is None:
            return Cost()
        walk = _Walk(self, _fragments(document), coerced)
        walk.cost.total = walk.selection_cost(operation.selection_set, root, None)
        return walk.cost

    def _variables(
        self, operation: OperationDefinitionNode, variables: Mapping[str, Any]
    ) -> VariableValues | None:
        coerced = get_variable_values(
            self.schema, operation.variable_definitions or (), dict(variables)
        )
        return None if isinstance(coerced, list) else coerced

    def page_size(self, first: object) -> int:
        """The items a connection's ``first`` stands for."""
        return max(0, first) if isinstance(first, int) else self.max_page_size


class _Walk:
    """One estimate: the walk down one operation, each selection set counted once per
    (parent type, page size) since costs scale linearly with the parent's count."""

    def __init__(
        self,
        estimator: CostEstimator,
        fragments: dict[str, FragmentDefinitionNode],
        variables: VariableValues,
    ) -> None:
        self.estimator = estimator
        self.fragments = fragments
        self.variables = variables
        self.cost = Cost()
        self._known: dict[tuple[int, str, int | None], int] = {}

    def selection_cost(self, selections: SelectionSetNode, parent: Parent, page: int | None) -> int:
        """Objects returned by ``selections`` under one object of type ``parent``; ``page``:
        the page size when ``parent`` is a connection."""
        memo = (id(selections), parent.name, page)
        if memo not in self._known:
            self._known[memo] = sum(
                self._field_cost(node, owner, page)
                for node, owner in self._fields(selections, parent)
            )
        return self._known[memo]

    def _field_cost(self, node: FieldNode, parent: GraphQLObjectType, page: int | None) -> int:
        definition = parent.fields.get(node.name.value)
        named = get_named_type(definition.type) if definition else None
        if definition is None or not is_composite_type(named) or node.selection_set is None:
            return 0
        arguments = get_argument_values(definition, node, self.variables)
        size = self._size(node, definition, arguments, page)
        child_page = self._child_page(node, definition, arguments)
        return size * (1 + self.selection_cost(node.selection_set, named, child_page))

    def _size(
        self,
        node: FieldNode,
        definition: GraphQLField,
        arguments: dict[str, Any],
        page: int | None,
    ) -> int:
        """How many objects the field returns per object of its parent."""
        if not _is_list(definition):
            return 1
        if page is not None:  # edges / nodes of a connection
            return page
        if "limit" in arguments:
            size = max(0, int(arguments["limit"]))
            return self._multiplier(f"{node.name.value}(limit: {size})", size)
        if "first" in definition.args:
            return self._paged(node.name.value, arguments.get("first"))
        named = get_named_type(definition.type).name
        return self.estimator.known_sizes.get(named, self.estimator.list_size)

    def _child_page(
        self, node: FieldNode, definition: GraphQLField, arguments: dict[str, Any]
    ) -> int | None:
        """The page size of a connection field (None for any other field)."""
        if "first" not in definition.args or _is_list(definition):
            return None
        return self._paged(node.name.value, arguments.get("first"))

    def _paged(self, name: str, first: object) -> int:
        """The page size of a field with ``first``, noted as a multiplier."""
        size = self.estimator.page_size(first)
        shown = f"{size}" if isinstance(first, int) else f"{size} when not given"
        return self._multiplier(f"{name}(first: {shown})", size)

    def _multiplier(self, name: str, size: int) -> int:
        self.cost.multipliers[name] = max(size, self.cost.multipliers.get(name, 0))
        return size

    def _fields(
        self, selections: SelectionSetNode, parent: Parent
    ) -> Iterator[tuple[FieldNode, GraphQLObjectType]]:
        """The fields of ``selections`` with the type that owns each, through fragments."""
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__") and hasattr(parent, "fields"):
                    yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set, self._condition(selection, parent))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    yield from self._fields(
                        fragment.selection_set, self._condition(fragment, parent)
                    )

    def _condition(
        self, fragment: InlineFragmentNode | FragmentDefinitionNode, parent: Parent
    ) -> Parent:
        condition = fragment.type_condition
        return self.estimator.schema.get_type(condition.name.value) if condition else parent


def _is_list(definition: GraphQLField) -> bool:
    return is_list_type(get_nullable_type(definition.type))


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
