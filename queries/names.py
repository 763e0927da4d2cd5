"""``names``: every spelling a user may type for a policy, region, institution or programme.

Not a research question (it is not in :data:`queries.QUERIES`, so no GraphQL field or CLI
query shows it): :mod:`services.suggest` reads it to answer an unknown title, 文号 or region
name with the closest ones the graph holds ("did you mean"). A policy is spelled by its id,
title, 文号 and aliases; a region by its code, name, short name and full name; an institution or
a programme by its id, name and aliases. Rows are ordered by label then key in both stores.

Example:
    >>> from graph.memory import MemoryStore
    >>> MemoryStore(data_dir=None).run(QUERY, {"labels": ["Policy"]})
    []
    >>> QUERY.columns
    ('label', 'key', 'spellings')
"""

from __future__ import annotations

from typing import Annotated, Any, TypedDict

import networkx as nx
from pydantic import Field

from graph.model import KEYS, Label
from queries.base import NamedQuery, QueryParams, Row
from queries.embedded import key_of, nodes_of

# The properties holding a spelling, besides the key; ``aliases`` is a list of them.
SPELLED = ("title", "doc_number", "name", "short_name", "full_name")
NAMED = (Label.POLICY, Label.REGION, Label.INSTITUTION, Label.PROGRAM)


class Params(QueryParams):
    """Which labels to read."""

    labels: Annotated[list[Label], Field(min_length=1)] = Field(
        default_factory=lambda: list(NAMED), description="Only nodes with these labels."
    )


class Spellings(TypedDict):
    """One node and every distinct non-empty spelling of it, key first."""

    label: str
    key: str
    spellings: list[str]


def _branch(label: Label, key: str) -> str:
    fields = ", ".join(f"n.{name}" for name in (key, *SPELLED))
    return f"""MATCH (n:{label.value}) WHERE '{label.value}' IN $labels
RETURN '{label.value}' AS label, n.{key} AS key,
       [s IN [{fields}] + coalesce(n.aliases, []) WHERE s IS NOT NULL AND s <> ''] AS spellings"""


CYPHER = (
    "CALL () {\n"
    + "\nUNION ALL\n".join(_branch(label, KEYS[label]) for label in NAMED)
    + "\n}\nRETURN label, key, spellings\nORDER BY label, key\n"
)


def _spellings(key: str, attrs: dict[str, Any]) -> list[str]:
    values = [key, *(attrs.get(name) for name in SPELLED), *(attrs.get("aliases") or ())]
    return [value for value in values if value is not None and value != ""]


def run(graph: nx.MultiDiGraph, params: Params) -> list[Row]:
    """The networkx twin of :data:`CYPHER` (duplicates kept, as the Cypher text keeps them)."""
    rows: list[Row] = []
    for label in NAMED:
        if label in params.labels:
            for nid, attrs in nodes_of(graph, label):
                key = key_of(graph, nid, attrs)
                rows.append({"label": label.value, "key": key, "spellings": _spellings(key, attrs)})
    return sorted(rows, key=lambda row: (row["label"], row["key"]))


QUERY = NamedQuery(
    name="names",
    description="Every spelling of every policy, region, institution and programme.",
    params_model=Params,
    row=Spellings,
    cypher=CYPHER,
    networkx=run,
)
