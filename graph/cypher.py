"""Every Cypher statement of the Neo4j store, as module-level constants.

Data only ever travels as parameters. Labels, keys and relationship types cannot be
parameters in Cypher, so the statements that need them are generated here, once, at import
time, from the :mod:`graph.model` enums — never from data. No APOC: Neo4j Community without
plugins runs all of this.

The policy alias index is ``(:PolicyAlias {alias})-[:ALIAS_OF]->(:Policy)`` with a uniqueness
constraint on ``alias`` (MERGE on it takes the constraint's lock, so two writers cannot create
the same alias twice); it is not part of the graph model and every read below leaves it out.

Example:
    >>> NODE_PARTS[(Label.REGION, False)].body
    'UNWIND $rows.merge_region AS row MERGE (n:Region {code: row.code}) SET n = row'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from graph.cites_order import BY_REGION, NEWEST, UNKNOWN_YEAR
from graph.model import KEYS, Label, Rel


class WritePart(NamedTuple):
    """One subquery of the batch write statement (:data:`WRITE_ROWS`): it takes its rows as
    ``$rows.<param>`` and, when it ``counts`` something, returns that count as ``<param>``.

    All rows travel in the one map ``$rows``: a parameter's type is part of the plan cache's
    key, so lists that are empty here and full there would plan this long statement again
    (seconds) for each new combination."""

    param: str
    body: str
    counts: str | None = None


# Planning the long batch statements takes seconds; their plans are index seeks whatever the
# counts, so they are kept when the graph grows (by default a plan is made again when the
# statistics drift, which an ingest into an empty database causes every few batches).
NO_REPLAN = "CYPHER replan=skip "
ALIAS_LABEL = "PolicyAlias"
ALIAS_REL = "ALIAS_OF"
FULLTEXT_INDEX = "fazhi_names_v2"
_FORMER_FULLTEXT = "fazhi_names"  # without Report: dropped when a store opens

# --- schema -----------------------------------------------------------------------------------
CONSTRAINTS: tuple[str, ...] = (
    *(
        f"CREATE CONSTRAINT fazhi_{label.value.lower()}_{KEYS[label]} IF NOT EXISTS "
        f"FOR (n:{label.value}) REQUIRE n.{KEYS[label]} IS UNIQUE"
        for label in Label
    ),
    f"CREATE CONSTRAINT fazhi_policy_alias IF NOT EXISTS "
    f"FOR (a:{ALIAS_LABEL}) REQUIRE a.alias IS UNIQUE",
)

_INDEXED: tuple[tuple[Label, str], ...] = (
    (Label.REPORT, "source"),
    (Label.REPORT, "year"),
    (Label.REPORT, "region_code"),
    (Label.POLICY, "doc_number"),
    (Label.POLICY, "kind"),
    (Label.POLICY, "year"),
    (Label.REGION, "name"),
    (Label.REGION, "full_name"),
    (Label.REGION, "short_name"),  # a region named by its short name (郧阳): no scan
    (Label.REGION, "level"),
    (Label.INSTITUTION, "name"),
    (Label.INSTITUTION, "region_code"),
    (Label.PROGRAM, "name"),
)
INDEXES: tuple[str, ...] = tuple(
    f"CREATE INDEX fazhi_{label.value.lower()}_{prop} IF NOT EXISTS "
    f"FOR (n:{label.value}) ON (n.{prop})"
    for label, prop in _INDEXED
)

# The 'cjk' analyzer splits Chinese into bigrams, so any two-character run of a name finds it.
# Reports are in it for their titles (search scanned every report without).
DROP_FORMER_FULLTEXT = f"DROP INDEX {_FORMER_FULLTEXT} IF EXISTS"
FULLTEXT: str = (
    f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
    "FOR (n:Policy|Region|Institution|Program|Report) "
    "ON EACH [n.id, n.title, n.aliases, n.name, n.full_name] "
    "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"
)
AWAIT_INDEXES = "CALL db.awaitIndexes($timeout_s)"

# --- report bookkeeping -----------------------------------------------------------------------
REPORTS_WITH_SOURCES = (
    "UNWIND $sources AS source MATCH (r:Report {source: source}) RETURN source, r.id AS id"
)

# What a report's deletion may orphan (graph.resolve, liveness): element ids, valid in this tx.
REPORT_REACH = (
    "MATCH (r:Report {id: $id}) "
    "OPTIONAL MATCH (r)-->(e) WHERE NOT e:Region "
    "OPTIONAL MATCH (e)-[:IMPLEMENTS|ISSUED_BY*0..]->(d) "
    "RETURN elementId(r) AS report, [x IN collect(DISTINCT d) | elementId(x)] AS entities"
)
REGIONS_REACHED = (
    "UNWIND $ids AS eid MATCH (n) WHERE elementId(n) = eid "
    "MATCH (n)-[:ABOUT|MENTIONS|IN_REGION|ISSUED_IN]->(:Region)-[:PART_OF*0..]->(a:Region) "
    "RETURN collect(DISTINCT elementId(a)) AS ids"
)
DELETE_REPORT_NODE = "MATCH (r:Report {id: $id}) DETACH DELETE r"
DELETE_DEAD_ENTITIES = (
    "UNWIND $ids AS eid MATCH (c) WHERE elementId(c) = eid "
    "AND NOT EXISTS { MATCH (c)<-[:IMPLEMENTS|ISSUED_BY*0..]-()<--(:Report) } "
    "WITH collect(c) AS dead UNWIND dead AS c "
    f"OPTIONAL MATCH (a:{ALIAS_LABEL})-[:{ALIAS_REL}]->(c) "
    "DETACH DELETE a, c"
)
DELETE_DEAD_REGIONS = (
    "UNWIND $ids AS eid MATCH (c:Region) WHERE elementId(c) = eid "
    "AND NOT EXISTS { MATCH (c)<-[:PART_OF*0..]-(:Region)"
    "<-[:ABOUT|MENTIONS|IN_REGION|ISSUED_IN]-() } "
    "WITH collect(c) AS dead UNWIND dead AS c DETACH DELETE c"
)

# --- policy aliases -------------------------------------------------------------------------
# An alias's owner: its PolicyAlias's policy, else the policy whose id it is. A policy's id is
# its own alias without a PolicyAlias node (three in four aliases: each cost a node, a
# relationship and an index entry); only an alias owned by another id has one.
_ALIAS_OWNER = (
    f"OPTIONAL MATCH (:{ALIAS_LABEL} {{alias: alias}})-[:{ALIAS_REL}]->(named:Policy) "
    "OPTIONAL MATCH (own:Policy {id: alias}) "
    "WITH alias, coalesce(named, own) AS owner WHERE owner IS NOT NULL "
)
POLICY_ALIASES = f"UNWIND $aliases AS alias {_ALIAS_OWNER}RETURN alias, owner.id AS id"
# Aliases the transaction knows to be absent are created (but not a policy's own id: see
# _ALIAS_OWNER); the others are (re-)pointed.
ALIAS_PARTS: dict[bool, WritePart] = {
    True: WritePart(
        "new_aliases",
        f"UNWIND $rows.new_aliases AS row CREATE (a:{ALIAS_LABEL} {{alias: row.alias}}) "
        f"WITH a, row MATCH (p:Policy {{id: row.id}}) CREATE (a)-[:{ALIAS_REL}]->(p)",
    ),
    False: WritePart(
        "aliases",
        f"UNWIND $rows.aliases AS row MERGE (a:{ALIAS_LABEL} {{alias: row.alias}}) "
        f"WITH a, row OPTIONAL MATCH (a)-[old:{ALIAS_REL}]->() DELETE old "
        "WITH DISTINCT a, row MATCH (p:Policy {id: row.id}) "
        f"MERGE (a)-[:{ALIAS_REL}]->(p)",
    ),
}

# --- nodes ------------------------------------------------------------------------------------
READ_NODES: dict[Label, str] = {
    label: f"UNWIND $keys AS key MATCH (n:{label.value} {{{KEYS[label]}: key}}) "
    "RETURN key, properties(n) AS props"
    for label in Label
}

# What writing a batch of reports reads first, in one round trip: the Reports of its sources,
# the owners of its policy aliases, and the nodes it names (with the aliases' owners).
# (One map parameter, $ask, for the same reason as $rows in WRITE_ROWS: stable plan-cache keys.)
_PREFETCH_KEYS = {label: f"$ask.keys_{label.value.lower()}" for label in Label}
_PREFETCH_KEYS[Label.POLICY] += " + [pair IN aliases | pair[1]]"
PREFETCH: str = NO_REPLAN + " ".join(
    [
        "CALL () { UNWIND $ask.sources AS source MATCH (r:Report {source: source}) "
        "RETURN collect([source, r.id]) AS sources }",
        f"CALL () {{ UNWIND $ask.aliases AS alias {_ALIAS_OWNER}"
        "RETURN collect([alias, owner.id]) AS aliases }",
        *(
            f"CALL ({'aliases' if label == Label.POLICY else ''}) {{ UNWIND {keys} AS key "
            "WITH DISTINCT key "
            f"MATCH (n:{label.value} {{{KEYS[label]}: key}}) "
            f"RETURN collect(properties(n)) AS {label.value.lower()} }}"
            for label, keys in _PREFETCH_KEYS.items()
        ),
        "RETURN sources, aliases, "
        + ", ".join(f"{label.value.lower()} AS `{label.value}`" for label in Label),
    ]
)
# A node row is its whole property set, key included. ``True``: nodes known not to exist yet,
# created (the uniqueness constraints still refuse a duplicate); ``False``: merged by key.
NODE_PARTS: dict[tuple[Label, bool], WritePart] = {
    (label, new): WritePart(
        f"{'create' if new else 'merge'}_{label.value.lower()}",
        f"UNWIND $rows.{'create' if new else 'merge'}_{label.value.lower()} AS row "
        + (
            f"CREATE (n:{label.value}) SET n = row"
            if new
            else f"MERGE (n:{label.value} {{{KEYS[label]}: row.{KEYS[label]}}}) SET n = row"
        ),
    )
    for label in Label
    for new in (True, False)
}
DELETE_NODE: dict[Label, str] = {
    label: f"MATCH (n:{label.value} {{{KEYS[label]}: $key}}) "
    f"OPTIONAL MATCH (a:{ALIAS_LABEL})-[:{ALIAS_REL}]->(n) DETACH DELETE a, n"
    for label in Label
}

# ``$keys`` maps each label to its key property, so one statement reads any far end's key.
_FAR = "head(labels(m)) AS far_label, m[$keys[head(labels(m))]] AS far_key"

INCIDENT_EDGES: dict[Label, str] = {
    label: f"MATCH (n:{label.value} {{{KEYS[label]}: $key}})-[r]-(m) WHERE NOT m:{ALIAS_LABEL} "
    f"RETURN type(r) AS type, startNode(r) = n AS outgoing, {_FAR}, properties(r) AS props"
    for label in Label
}

# --- CITES sort keys (graph.cites_order) ---------------------------------------------------
_SEP = "'\\u0001'"


def _year4(year: str) -> str:
    """Cypher for a year as four digits, clamped to 0–9999 (:func:`graph.cites_order._year`)."""
    clamped = f"CASE WHEN {year} < 0 THEN 0 WHEN {year} > 9999 THEN 9999 ELSE {year} END"
    return f"right('000' + toString({clamped}), 4)"


def cites_keys(rel: str, report: str, policy: str) -> str:
    """Cypher setting the CITES sort keys of :mod:`graph.cites_order` on ``rel`` from the
    ``report`` and ``policy`` nodes (the Cypher twin of :func:`graph.cites_order.order_keys`).

    Example:
        >>> cites_keys("r", "a", "b").startswith("r._by_region = CASE WHEN a.region_code")
        True
    """
    year = f"{report}.year"
    shown = f"CASE WHEN {year} IS NULL THEN '{UNKNOWN_YEAR}' ELSE {_year4(year)} END"
    by_region = (
        f"CASE WHEN {report}.region_code IS NOT NULL THEN {policy}.id + {_SEP} + {shown} "
        f"+ {_SEP} + {report}.region_code + {_SEP} + {report}.id END"
    )
    newest = (
        f"{policy}.id + {_SEP} + {_year4(f'9999 - coalesce({year}, 0)')} + {_SEP} + {report}.id"
    )
    return f"{rel}.{BY_REGION} = {by_region}, {rel}.{NEWEST} = {newest}"


# --- relationships ----------------------------------------------------------------------------
# The (type, source label, target label) combinations the model allows.
SCHEMA: tuple[tuple[Rel, Label, Label], ...] = (
    (Rel.ABOUT, Label.REPORT, Label.REGION),
    (Rel.AUTHORED_BY, Label.REPORT, Label.INSTITUTION),
    (Rel.CITES, Label.REPORT, Label.POLICY),
    (Rel.MENTIONS, Label.REPORT, Label.INSTITUTION),
    (Rel.MENTIONS, Label.REPORT, Label.PROGRAM),
    (Rel.MENTIONS, Label.REPORT, Label.REGION),
    (Rel.PART_OF, Label.REGION, Label.REGION),
    (Rel.IN_REGION, Label.INSTITUTION, Label.REGION),
    (Rel.ISSUED_BY, Label.POLICY, Label.INSTITUTION),
    (Rel.ISSUED_IN, Label.POLICY, Label.REGION),
    (Rel.IMPLEMENTS, Label.POLICY, Label.POLICY),
)


def _edge_part(shape: tuple[Rel, Label, Label], new: bool) -> WritePart:
    """Relationship rows ``{s, t, p}`` (source key, target key, properties) of one shape.

    Created when an end is new in the transaction (nothing can exist to merge with), else
    merged; the part counts what it wrote, so a row whose end is missing is noticed.
    """
    rel, source, target = shape
    param = f"{'create' if new else 'merge'}_{rel.value.lower()}_{source.value.lower()}"
    param += f"_{target.value.lower()}"
    body = (
        f"UNWIND $rows.{param} AS row MATCH (a:{source.value} {{{KEYS[source]}: row.s}}) "
        f"MATCH (b:{target.value} {{{KEYS[target]}: row.t}}) "
        f"{'CREATE' if new else 'MERGE'} (a)-[r:{rel.value}]->(b) SET r = row.p"
        f"{', ' + cites_keys('r', 'a', 'b') if rel == Rel.CITES else ''} "
        f"RETURN count(r) AS {param}"
    )
    return WritePart(param, body, counts=f"{rel.value} relationships")


EDGE_PARTS: dict[tuple[tuple[Rel, Label, Label], bool], WritePart] = {
    (shape, new): _edge_part(shape, new) for new in (True, False) for shape in SCHEMA
}


def write_statement(parts: Sequence[WritePart]) -> str:
    """One statement running ``parts`` in order, each a ``CALL () { … }`` over its own rows
    (an empty list costs nothing), returning the counts of the counting parts as ``written``.

    Example:
        >>> write_statement([WritePart("x", "UNWIND $rows.x AS r CREATE (:P)")])
        'CYPHER replan=skip CALL () { UNWIND $rows.x AS r CREATE (:P) } RETURN [] AS written'
    """
    calls = " ".join(f"CALL () {{ {part.body} }}" for part in parts)
    counted = ", ".join(part.param for part in parts if part.counts)
    return f"{NO_REPLAN}{calls} RETURN [{counted}] AS written"


# A batch's writes in one round trip: nodes by label, then aliases, then relationships.
WRITE_PARTS: tuple[WritePart, ...] = (
    *NODE_PARTS.values(),
    *ALIAS_PARTS.values(),
    *EDGE_PARTS.values(),
)
WRITE_ROWS: str = write_statement(WRITE_PARTS)


@cache
def collected(statement: str, columns: tuple[str, ...]) -> str:
    """``statement``'s rows as one list of ``columns`` lists, in its order: the driver decodes
    one record instead of one per row (1,000 rows: ~3x less client time; see
    :meth:`graph.neo4j_store.Neo4jStore.run`).

    Example:
        >>> collected("MATCH (n) RETURN n.id AS id", ("id",))
        'CALL () { MATCH (n) RETURN n.id AS id } RETURN collect([`id`]) AS rows'
    """
    listed = ", ".join(f"`{column}`" for column in columns)
    return f"CALL () {{ {statement} }} RETURN collect([{listed}]) AS rows"


_ARROWS = {"out": ("-", "->"), "in": ("<-", "-")}
EDGE_COLUMNS = ("key", "far_label", "far_key", "props")
# One record holding every edge (see collected): a region's reports' 374 CITES took 31 ms as
# 374 records at 100k, most of the API's region page.
EDGES_OF: dict[tuple[Label, Rel, str], str] = {
    (label, rel, direction): collected(
        f"UNWIND $node_keys AS key MATCH (n:{label.value} {{{KEYS[label]}: key}})"
        f"{_ARROWS[direction][0]}[r:{rel.value}]{_ARROWS[direction][1]}(m) "
        f"RETURN key, {_FAR}, properties(r) AS props",
        EDGE_COLUMNS,
    )
    for label in Label
    for rel in Rel
    for direction in ("out", "in")
}

# --- a policy's citations, paged in the server ------------------------------------------------
# Newest report year first (unknown last), then report id: a page is read in the order of the
# CITES ``_newest`` key's index (graph.cites_order), from the first key of the year range on,
# and only as far as the page's end (the province filter may read further, never all).
CITES_INDEXES: tuple[str, ...] = tuple(
    f"CREATE INDEX fazhi_cites{key} IF NOT EXISTS FOR ()-[c:CITES]-() ON (c.{key})"
    for key in (BY_REGION, NEWEST)
)
# Keys written afresh for a page of reports' CITES (a database written before them, or by an
# older version of what they encode).
CITES_KEYS_OF_REPORTS = (
    "UNWIND $ids AS id MATCH (a:Report {id: id})-[r:CITES]->(b:Policy) "
    f"SET {cites_keys('r', 'a', 'b')} RETURN count(r) AS keyed"
)

# The keys of ``policy`` in the year range (:func:`graph.cites_order.newest_bounds`).
_NEWEST_RANGE = f"c.{NEWEST} >= policy + $key_from AND c.{NEWEST} < policy + $key_to AND q = p"
_CITATION_FILTER = (
    "($year_from IS NULL OR rep.year >= $year_from) AND ($year_to IS NULL OR rep.year <= $year_to) "
    "AND ($province IS NULL OR left(COLLECT { MATCH (rep)-[:ABOUT]->(g:Region) "
    "RETURN g.code ORDER BY g.code LIMIT 1 }[0], 2) = $province)"
)
CITATIONS_PAGE = (
    "UNWIND $policies AS policy CALL (policy) { "
    "MATCH (p:Policy {id: policy}) "
    "MATCH (rep:Report)-[c:CITES]->(q) "
    f"WHERE {_NEWEST_RANGE} AND {_CITATION_FILTER} "
    f"WITH c, rep ORDER BY c.{NEWEST} SKIP $offset LIMIT $limit "
    "RETURN collect({report: rep.id, year: rep.year, props: properties(c)}) AS rows } "
    "RETURN policy, rows"
)
CITATIONS_TOTAL = (
    "UNWIND $policies AS policy OPTIONAL MATCH (p:Policy {id: policy}) RETURN policy, "
    f"COUNT {{ MATCH (rep:Report)-[c:CITES]->(q) WHERE {_NEWEST_RANGE} AND {_CITATION_FILTER} }} "
    "AS total"
)
# Unfiltered, the total is the policy's CITES degree (Neo4j keeps it: no relationship read;
# only reports cite, so the far end's label is not tested, which would read every one).
CITATIONS_COUNT = (
    "UNWIND $policies AS policy OPTIONAL MATCH (p:Policy {id: policy}) "
    "RETURN policy, COUNT { (p)<-[:CITES]-() } AS total"
)


# --- generic reads ----------------------------------------------------------------------------
_PROPERTY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@cache
def find_nodes_statements(
    label: Label, where: tuple[tuple[str, bool], ...], descending: bool
) -> tuple[str, str]:
    """The (count, page) statements for nodes of ``label`` whose properties in ``where``
    (name, absent) equal ``$w0``, ``$w1`` … in order (absent: the property is missing).

    Each condition is spelled out, ``n.kind = $w0``, so the planner seeks the property's index
    instead of testing every node; names come from the code (resolvers, services), are checked
    to be plain names, and the statements are cached by shape.

    Example:
        >>> find_nodes_statements(Label.POLICY, (("kind", False),), False)[0]
        'MATCH (n:Policy) WHERE n.kind = $w0 RETURN count(n) AS total'
    """
    conditions = []
    for index, (name, absent) in enumerate(where):
        if not _PROPERTY.fullmatch(name):
            raise ValueError(f"not a property name: {name!r}")
        conditions.append(f"n.{name} IS NULL" if absent else f"n.{name} = $w{index}")
    match = f"MATCH (n:{label.value})" + (f" WHERE {' AND '.join(conditions)}" if where else "")
    count = f"{match} RETURN count(n) AS total"
    page = (
        f"{match} RETURN properties(n) AS props "
        f"ORDER BY n[$order_by] {'DESC' if descending else 'ASC'}, n.{KEYS[label]} ASC "
        "SKIP $offset LIMIT $limit"
    )
    return count, page


STATS: str = " UNION ALL ".join(
    [
        *(
            f"MATCH (n:{label.value}) RETURN '{label.value}' AS name, count(n) AS count"
            for label in Label
        ),
        *(
            f"MATCH ()-[r:{rel.value}]->() RETURN '{rel.value}' AS name, count(r) AS count"
            for rel in Rel
        ),
    ]
)
DUMP_NODES: dict[Label, str] = {
    label: f"MATCH (n:{label.value}) RETURN properties(n) AS props" for label in Label
}
DUMP_EDGES: dict[Rel, str] = {
    rel: (
        f"MATCH (a)-[r:{rel.value}]->(m) "
        "RETURN head(labels(a)) AS source_label, a[$keys[head(labels(a))]] AS source_key, "
        f"{_FAR}, properties(r) AS props"
    )
    for rel in Rel
}
DELETE_SOME = "MATCH (n) WITH n LIMIT $batch DETACH DELETE n RETURN count(*) AS deleted"
PING = "RETURN 1 AS ok"

# --- citation aggregates (graph.neo4j_tallies) ------------------------------------------------
# Nodes of their own labels with no relationships: no read of the graph model reaches them.
MARKER_LABEL = "FazhiSchema"
TALLY_SCHEMA: tuple[str, ...] = (
    "CREATE CONSTRAINT fazhi_report_tally IF NOT EXISTS "
    "FOR (t:ReportTally) REQUIRE t.report IS UNIQUE",
    "CREATE CONSTRAINT fazhi_policy_tally IF NOT EXISTS "
    "FOR (t:PolicyTally) REQUIRE t.policy IS UNIQUE",
    "CREATE CONSTRAINT fazhi_policy_region_tally IF NOT EXISTS "
    "FOR (t:PolicyRegionTally) REQUIRE (t.policy, t.region) IS UNIQUE",
    "CREATE CONSTRAINT fazhi_region_tally IF NOT EXISTS "
    "FOR (t:RegionTally) REQUIRE t.region IS UNIQUE",
    "CREATE CONSTRAINT fazhi_region_year_tally IF NOT EXISTS "
    "FOR (t:RegionYearTally) REQUIRE (t.region, t.year) IS UNIQUE",
    f"CREATE CONSTRAINT fazhi_schema_marker IF NOT EXISTS "
    f"FOR (m:{MARKER_LABEL}) REQUIRE m.name IS UNIQUE",
    # most cited first reads PolicyTally in this index's order
    "CREATE INDEX fazhi_policy_tally_reports IF NOT EXISTS FOR (t:PolicyTally) ON (t.reports)",
    # a policy's regions: the (policy, region) uniqueness index, sought by its first property
    # (the reader asks ``t.region IS NOT NULL``: POLICY_REGION_TALLIES); a second index on
    # the policy alone cost every write an index entry per pair
    "CREATE INDEX fazhi_policy_region_tally_region IF NOT EXISTS "
    "FOR (t:PolicyRegionTally) ON (t.region)",
    # a (region, year)'s reports, counted afresh when one of them changes
    "CREATE INDEX fazhi_report_tally_region_year IF NOT EXISTS "
    "FOR (t:ReportTally) ON (t.region_code, t.year)",
)
DROP_FORMER_TALLY_INDEXES: tuple[str, ...] = (
    "DROP INDEX fazhi_policy_region_tally_policy IF EXISTS",
)
# A policy's per-region aggregates (Cypher after ``MATCH (t:PolicyRegionTally {policy: …})``):
# naming the region as present lets the (policy, region) uniqueness index seek them.
POLICY_REGION_TALLIES = "t.region IS NOT NULL"
AGGREGATES_VERSION_READ = (
    f"OPTIONAL MATCH (m:{MARKER_LABEL} {{name: 'aggregates'}}) RETURN m.version AS version"
)
AGGREGATES_VERSION_WRITE = (
    f"MERGE (m:{MARKER_LABEL} {{name: 'aggregates'}}) SET m.version = $version"
)
TALLY_LABELS = (
    "ReportTally",
    "PolicyTally",
    "PolicyRegionTally",
    "RegionTally",
    "RegionYearTally",
)
# Aggregates of another version, dropped a page at a time before they are counted afresh.
DROP_SOME_TALLIES = (
    f"MATCH (t) WHERE {' OR '.join(f't:{label}' for label in TALLY_LABELS)} "
    "WITH t LIMIT $batch DELETE t RETURN count(*) AS deleted"
)
# The reports to count when a database has no aggregates yet (written before them, or by
# neo4j-admin import): a page after the id $after, in the id index's order (each page a seek, not
# a scan past the pages already counted; counting a report again changes nothing).
REPORTS_AFTER = "MATCH (r:Report) WHERE r.id > $after RETURN r.id AS id ORDER BY r.id LIMIT $limit"
# A batch's aggregates brought up to date in one statement, no read round trip: the former
# snapshots of $tally.ids taken out (``before``, counted -1; none for a report new in the
# batch), the present ones of $tally.read made from the graph and those of $tally.fresh given
# by the client (reports the transaction created: graph.neo4j_tallies.FreshReports, no graph
# read) kept (``after``, +1), and their differences applied to the tallies they count in
# (graph.neo4j_tallies describes them) as deltas, one row per key. The lists travel in one map,
# $tally, as $rows in WRITE_ROWS (stable plan-cache keys). An empty list is left absent (as
# neo4j-admin import leaves an empty array cell):
_TALLY_SIGNED = (
    "CALL () { UNWIND $tally.ids AS id MATCH (old:ReportTally {report: id}) "
    "WITH old, properties(old) AS snap DELETE old RETURN collect(snap) AS before } "
    "CALL () { UNWIND $tally.fresh AS snap CREATE (t:ReportTally) SET t = snap "
    "RETURN collect(properties(t)) AS given } "
    "CALL () { UNWIND $tally.read AS id MATCH (rep:Report {id: id}) "
    "CALL (rep) { OPTIONAL MATCH (rep)-[c:CITES]->(p:Policy) "
    "RETURN collect(p.id) AS policies, "
    "collect(CASE WHEN p IS NOT NULL THEN coalesce(c.count, 0) END) AS counts } "
    "CALL (rep) { OPTIONAL MATCH (rep)-[:ABOUT]->(g:Region) RETURN collect(g.code) AS regions } "
    "CREATE (t:ReportTally {report: rep.id}) "
    "SET t.year = rep.year, t.published = rep.published, t.region_code = rep.region_code, "
    "t.policies = CASE WHEN size(policies) > 0 THEN policies END, "
    "t.counts = CASE WHEN size(counts) > 0 THEN counts END, "
    "t.regions = CASE WHEN size(regions) > 0 THEN regions END "
    "RETURN collect(properties(t)) AS after } "
    "WITH [s IN before | [s, -1]] + [s IN given + after | [s, 1]] AS signed "
)
# (policy, region): reports by year merged into the sorted ``years``/``year_reports`` lists
# (every year listed lies in range(lo, hi)); a pair whose reports cross 0 changes the distinct
# counts of its policy and region (``crossings``); a pair left with no report is dropped.
_TALLY_PAIRS = (
    "CALL (signed) { UNWIND signed AS e UNWIND e[0].policies AS policy "
    "UNWIND e[0].regions AS region "
    "WITH policy, region, e[0].year AS year, sum(e[1]) AS n "
    "WITH policy, region, sum(n) AS delta, "
    "collect(CASE WHEN year IS NOT NULL AND n <> 0 THEN [year, n] END) AS changed "
    "MERGE (t:PolicyRegionTally {policy: policy, region: region}) "
    "WITH t, policy, region, delta, changed, coalesce(t.reports, 0) AS old, "
    "coalesce(t.years, []) AS ys, coalesce(t.year_reports, []) AS ns "
    "WITH t, policy, region, delta, changed, old, ys, ns, ys + [c IN changed | c[0]] AS every "
    "WITH t, policy, region, delta, changed, old, ys, ns, every, "
    "coalesce(reduce(m = every[0], y IN every | CASE WHEN y < m THEN y ELSE m END), 0) AS lo, "
    "coalesce(reduce(m = every[0], y IN every | CASE WHEN y > m THEN y ELSE m END), -1) AS hi "
    "WITH t, policy, region, delta, old, [p IN [y IN range(lo, hi) WHERE y IN every | "
    "[y, coalesce(head([i IN range(0, size(ys) - 1) WHERE ys[i] = y | ns[i]]), 0) "
    "+ reduce(s = 0, c IN changed | s + CASE WHEN c[0] = y THEN c[1] ELSE 0 END)]] "
    "WHERE p[1] > 0] AS kept "
    "SET t.reports = old + delta, "
    "t.years = CASE WHEN size(kept) > 0 THEN [p IN kept | p[0]] END, "
    "t.year_reports = CASE WHEN size(kept) > 0 THEN [p IN kept | p[1]] END "
    "WITH t, policy, region, CASE WHEN old <= 0 AND old + delta > 0 THEN 1 "
    "WHEN old > 0 AND old + delta <= 0 THEN -1 ELSE 0 END AS crossed, old + delta AS now "
    "FOREACH (_ IN CASE WHEN now <= 0 THEN [1] ELSE [] END | DELETE t) "
    "RETURN collect(CASE WHEN crossed <> 0 THEN [policy, region, crossed] END) AS crossings } "
)
# policy: reports and mentions by delta, distinct regions by the crossings; none left: dropped.
_TALLY_POLICIES = (
    "CALL (signed) { UNWIND signed AS e "
    "UNWIND range(0, size(coalesce(e[0].policies, [])) - 1) AS i "
    "WITH e[0].policies[i] AS policy, sum(e[1]) AS reports, "
    "sum(e[1] * e[0].counts[i]) AS mentions "
    "MERGE (t:PolicyTally {policy: policy}) "
    "SET t.reports = coalesce(t.reports, 0) + reports, "
    "t.mentions = coalesce(t.mentions, 0) + mentions, t.regions = coalesce(t.regions, 0) } "
    "CALL (crossings) { UNWIND crossings AS c WITH c[0] AS policy, sum(c[2]) AS d "
    "MATCH (t:PolicyTally {policy: policy}) SET t.regions = t.regions + d } "
    "CALL (signed) { UNWIND signed AS e WITH e WHERE e[1] < 0 UNWIND e[0].policies AS policy "
    "WITH DISTINCT policy MATCH (t:PolicyTally {policy: policy}) WHERE t.reports <= 0 "
    "DELETE t } "
    "CALL (crossings) { UNWIND crossings AS c WITH c[1] AS region, sum(c[2]) AS d WHERE d <> 0 "
    "MERGE (t:RegionTally {region: region}) "
    "WITH t, coalesce(t.policies, 0) + d AS policies SET t.policies = policies "
    "FOREACH (_ IN CASE WHEN policies <= 0 THEN [1] ELSE [] END | DELETE t) } "
)
# (region, year): counted afresh from the report snapshots of that key (a few: a min over
# dates is no delta), through the ReportTally (region_code, year) index.
_TALLY_REGION_YEARS = (
    "CALL (signed) { UNWIND signed AS e "
    "WITH DISTINCT e[0].region_code AS region, e[0].year AS year "
    "WHERE region IS NOT NULL AND year IS NOT NULL "
    "OPTIONAL MATCH (r:ReportTally {region_code: region, year: year}) "
    "WITH region, year, count(r) AS reports, collect(r.published) AS published "
    "CALL (published) { UNWIND published AS d WITH d "
    "WHERE d =~ '[0-9]{4}-[0-9]{2}-[0-9]{2}' WITH d ORDER BY d RETURN collect(d) AS dates } "
    "MERGE (t:RegionYearTally {region: region, year: year}) "
    "SET t.reports = reports, t.dates = CASE WHEN size(dates) > 0 THEN dates END, "
    "t.first_published = head(dates) "
    "FOREACH (_ IN CASE WHEN reports = 0 THEN [1] ELSE [] END | DELETE t) } "
)
TALLY_REFRESH = (
    NO_REPLAN
    + _TALLY_SIGNED
    + _TALLY_PAIRS
    + _TALLY_POLICIES
    + _TALLY_REGION_YEARS
    + "RETURN size(signed) AS counted"
)

# --- schema markers by name ('cites_order': graph.cites_order) ------------------------------
MARKER_VERSION_READ = (
    f"OPTIONAL MATCH (m:{MARKER_LABEL} {{name: $name}}) RETURN m.version AS version"
)
MARKER_VERSION_WRITE = f"MERGE (m:{MARKER_LABEL} {{name: $name}}) SET m.version = $version"
