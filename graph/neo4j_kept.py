"""Answers of a named query kept in Neo4j for one write generation (exact, never stale).

A query marked ``kept`` (:class:`queries.base.NamedQuery`) whose Cypher must read too much for
an interactive answer (co-citations: every citation of every report citing a policy) is
answered once per write generation: its rows are kept, as JSON, in a
``(:KeptAnswer {query, params, generation, rows})`` node (``params``: a digest of the bound
parameters) that no read of the graph reaches. Every write transaction gives the database a
new generation (:data:`NEXT_GENERATION`), so a kept answer is read only while nothing was
written since it was computed; the next ask after a write runs the Cypher again.

The generation is read before the Cypher runs: a write committing meanwhile makes the kept
answer one of a past generation (run again on the next ask), never a stale one served.

Example:
    >>> from queries import get_query
    >>> answer_key(get_query("coverage"), {"year": 2020, "expected": [{"code": "110101"}]})[:12]
    '42e153f14d09'
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from neo4j import ManagedTransaction

from graph.cypher import MARKER_LABEL
from graph.store import QuerySpec

Rows = list[dict[str, Any]]

LABEL = "KeptAnswer"
SCHEMA: tuple[str, ...] = (
    f"CREATE CONSTRAINT fazhi_kept_answer IF NOT EXISTS "
    f"FOR (k:{LABEL}) REQUIRE (k.query, k.params) IS UNIQUE",
)
# The generation is a fresh random token, not a count: a marker lost (a cleared or restored
# database) can never make an old answer's generation current again. Compared as text (a
# marker an earlier version counted up holds a number).
_GENERATION = f"(m:{MARKER_LABEL} {{name: 'generation'}})"
# The last statement of every write transaction (graph.neo4j_store: upserts and deletions;
# whoever restructures the write path keeps it there, once per transaction).
NEXT_GENERATION = f"MERGE {_GENERATION} SET m.value = randomUUID()"
READ = (
    f"OPTIONAL MATCH {_GENERATION} WITH coalesce(toString(m.value), '') AS generation "
    f"OPTIONAL MATCH (k:{LABEL} {{query: $query, params: $params}}) "
    "WHERE k.generation = generation RETURN generation, k.rows AS rows"
)
# Kept only while its generation is the current one; answers of other generations (never read
# again) are dropped, a few at a time, as new ones are kept.
WRITE = (
    f"OPTIONAL MATCH {_GENERATION} WITH coalesce(toString(m.value), '') AS generation "
    "WHERE generation = $generation "
    f"CALL (generation) {{ MATCH (old:{LABEL}) WHERE old.generation <> generation "
    "WITH old LIMIT 100 DELETE old } "
    f"MERGE (k:{LABEL} {{query: $query, params: $params}}) "
    "SET k.generation = generation, k.rows = $rows"
)


@dataclass(frozen=True, slots=True)
class Answer:
    """A kept query's rows, the generation they belong to, and whether they were kept."""

    rows: Rows
    generation: str
    kept: bool


def is_kept(query: QuerySpec) -> bool:
    """Whether the Neo4j store keeps ``query``'s answers (its ``kept`` flag; False without)."""
    return bool(getattr(query, "kept", False))


def answer_key(query: QuerySpec, params: Mapping[str, Any]) -> str:
    """The digest of a query's name and parameters that a kept answer is found by: the
    parameters the query's ``given`` keeps (derived ones are functions of them), else all."""
    given = getattr(query, "given", None)
    told = given(params) if callable(given) else dict(params)
    text = json.dumps([query.name, told], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def kept_or_answered(
    tx: ManagedTransaction, query: QuerySpec, key: str, now: Callable[[ManagedTransaction], Rows]
) -> Answer:
    """The kept rows of this generation, else the rows ``now`` (the store's reader of the
    query's Cypher) gives in this transaction."""
    record = tx.run(READ, {"query": query.name, "params": key}).single(strict=True)
    generation = str(record["generation"])
    if record["rows"] is not None:
        return Answer(json.loads(record["rows"]), generation, kept=True)
    return Answer(now(tx), generation, kept=False)


def keep(tx: ManagedTransaction, name: str, key: str, answer: Answer) -> None:
    """Keep ``answer`` if its generation is still the current one."""
    rows = json.dumps(answer.rows, ensure_ascii=False)
    found = {"query": name, "params": key, "generation": answer.generation, "rows": rows}
    tx.run(WRITE, found).consume()
