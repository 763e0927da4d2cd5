"""Finding one node from what a user types: a region code or name, a policy title or 文号.

Titles and 文号 are canonicalised with the rules ingestion uses (through
:func:`queries.matching.policy_keys`), so 《行政处罚法》, “行政处罚法” and 中华人民共和国行政处罚法
find the same node. Synchronous, for one worker-thread call from a resolver or for the
notebook client.

``find_*`` answer None for a name the graph does not hold; ``require_*`` raise
:class:`~services.errors.NotFoundError` instead, naming the closest names it holds.

Example:
    >>> from graph.memory import MemoryStore
    >>> find_policy(MemoryStore(data_dir=None), title="《行政处罚法》") is None
    True
    >>> require_policy(MemoryStore(data_dir=None), title="《行政处罚法》")
    Traceback (most recent call last):
    services.errors.NotFoundError: no policy titled '《行政处罚法》'
"""

from __future__ import annotations

from graph.model import Label
from graph.store import GraphStore, Node
from queries.matching import policy_keys
from services.errors import UserInputError
from services.suggest import not_found, policy_problem

REGION_NAME_FIELDS = ("name", "short_name", "full_name")
AMBIGUITY_SHOWN = 20


def exactly_one(**given: str | None) -> tuple[str, str]:
    """The one argument given among ``given``; a clear error when none or several are."""
    present = [(name, value) for name, value in given.items() if value is not None]
    if len(present) != 1:
        names = ", ".join(given)
        raise UserInputError(f"give exactly one of: {names} (got {len(present)})")
    return present[0]


def regions_named(store: GraphStore, name: str) -> list[Node]:
    """Regions whose full name (else short name) is ``name``, by code."""
    for field in REGION_NAME_FIELDS:
        page = store.find_nodes(
            Label.REGION, where={field: name}, order_by="code", limit=AMBIGUITY_SHOWN
        )
        if page.items:
            return list(page.items)
    return []


def find_region(
    store: GraphStore, *, code: str | None = None, name: str | None = None
) -> Node | None:
    """The region with this code, or with this name when only one region has it."""
    field, value = exactly_one(code=code, name=name)
    if field == "code":
        return store.get_nodes(Label.REGION, [value])[0]
    found = regions_named(store, value)
    if len(found) > 1:
        codes = ", ".join(f"{n.key} ({n.props.get('full_name') or n.key})" for n in found)
        raise UserInputError(f"region name {value!r} is ambiguous: {codes}; ask by code")
    return found[0] if found else None


def find_region_written(store: GraphStore, written: str) -> Node | None:
    """The region a user wrote as a 6-digit code or as a name (error when ambiguous).

    Example:
        >>> from graph.memory import MemoryStore
        >>> find_region_written(MemoryStore(None), "420304") is None
        True
    """
    if written.isdigit():
        return find_region(store, code=written)
    return find_region(store, name=written)


def find_policy(
    store: GraphStore,
    *,
    id: str | None = None,
    title: str | None = None,
    doc_number: str | None = None,
) -> Node | None:
    """The policy with this id, or this title or 文号 in any spelling ingestion unifies."""
    field, value = exactly_one(id=id, title=title, doc_number=doc_number)
    if field == "id":
        return store.get_nodes(Label.POLICY, [value])[0]
    keys = policy_keys(value)
    by_key = [node for node in store.get_nodes(Label.POLICY, keys) if node is not None]
    if by_key:
        return by_key[0]
    for key in keys:
        page = store.find_nodes(Label.POLICY, where={"doc_number": key}, limit=1)
        if page.items:
            return page.items[0]
    return None


def require_region(store: GraphStore, *, code: str | None = None, name: str | None = None) -> Node:
    """:func:`find_region`, or :class:`~services.errors.NotFoundError` with the closest names."""
    node = find_region(store, code=code, name=name)
    if node is not None:
        return node
    field, value = exactly_one(code=code, name=name)
    noun = "region with code" if field == "code" else "region named"
    raise not_found(store, f"no {noun} {value!r}", value, [Label.REGION])


def require_region_written(store: GraphStore, written: str) -> Node:
    """:func:`find_region_written`, or :class:`~services.errors.NotFoundError` (suggestions)."""
    if written.isdigit():
        return require_region(store, code=written)
    return require_region(store, name=written)


def require_policy(
    store: GraphStore,
    *,
    id: str | None = None,
    title: str | None = None,
    doc_number: str | None = None,
) -> Node:
    """:func:`find_policy`, or :class:`~services.errors.NotFoundError` with the closest titles
    and 文号 (the closest ids when asked by id)."""
    node = find_policy(store, id=id, title=title, doc_number=doc_number)
    if node is not None:
        return node
    field, value = exactly_one(id=id, title=title, doc_number=doc_number)
    problem = f"no policy with id {value!r}" if field == "id" else policy_problem(value)
    raise not_found(store, problem, value, [Label.POLICY], keys=field == "id")
