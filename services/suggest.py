"""Did you mean: an unknown title, 文号, region or issuer answered with the closest names held.

The names are every spelling of the graph's policies (id, title, 文号, aliases), regions (code,
name, short and full name), institutions and programmes, read through the ``names`` query of
:mod:`queries.names` (so both stores give the same suggestions) when a name is not found, never
on the way of a name that is. They are scored with rapidfuzz's ``WRatio`` on the text without
brackets or quotes (《》〈〉“” …): it scores Chinese strings character by character and
rewards a partial name, so a typo (重大行政决策程序暂行条列) and a short form (行政处罚) both
find their node.

Example:
    >>> from graph.memory import MemoryStore
    >>> check_references(MemoryStore(None), {"policy": "行政处罚"})
    Traceback (most recent call last):
    services.errors.NotFoundError: no policy titled '行政处罚'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from graph.model import Label
from graph.store import GraphStore
from ingest.normalize import canonical_doc_number
from queries import names
from queries.base import Row
from queries.matching import policy_keys
from services.errors import NotFoundError

_UNSPELLED = str.maketrans("", "", "《》〈〉<>“”‘’\"'「」『』 \u3000")

# A named query's parameters that name a node: what to call them in an error, which labels.
REFERENCES: Mapping[str, tuple[str, tuple[Label, ...]]] = {
    "policy": ("policy titled", (Label.POLICY,)),
    "region": ("region named", (Label.REGION,)),
    "province_code": ("region with code", (Label.REGION,)),
    "issuer": ("institution or region named", (Label.INSTITUTION, Label.REGION)),
}
# Parameters that are a node's key, and the parameter holding its label (``path_between``).
KEY_REFERENCES: Mapping[str, str] = {"from_key": "from_label", "to_key": "to_label"}


def unspelled(text: str) -> str:
    """``text`` without brackets, quotes or spaces: what fuzzy matching compares.

    Example:
        >>> unspelled("《重大行政决策程序 暂行条例》")
        '重大行政决策程序暂行条例'
    """
    return text.translate(_UNSPELLED)


@dataclass(frozen=True, slots=True)
class Spelling:
    """One way of writing one node."""

    label: Label
    key: str
    text: str


class NameIndex:
    """Every spelling of the nodes of some labels, for exact and closest look-ups.

    Example:
        >>> index = NameIndex([{"label": "Region", "key": "210902", "spellings": ["海州区"]}])
        >>> [s.text for s in index.closest("海洲区")], index.holds(["海州区"])
        (['海州区'], True)
    """

    def __init__(self, rows: Iterable[Row]) -> None:
        self.spellings = [
            Spelling(Label(row["label"]), row["key"], text)
            for row in rows
            for text in dict.fromkeys(row["spellings"])
        ]
        self._written = {spelling.text for spelling in self.spellings}
        self._choices = [unspelled(spelling.text) for spelling in self.spellings]

    @classmethod
    def read(cls, store: GraphStore, labels: Sequence[Label]) -> NameIndex:
        """The spellings of ``labels`` in ``store``."""
        params = names.QUERY.bind({"labels": [label.value for label in labels]})
        return cls(store.run(names.QUERY, params))

    def holds(self, texts: Iterable[str]) -> bool:
        """Whether any of ``texts`` is a spelling exactly as held."""
        return any(text in self._written for text in texts)

    def closest(
        self, text: str, *, limit: int = 5, min_score: float = 50.0, keys: bool = False
    ) -> list[Spelling]:
        """Up to ``limit`` spellings closest to ``text`` (best first, one per node, no text
        twice; a node's key instead of its best spelling when ``keys``)."""
        scored = process.extract(
            unspelled(text),
            self._choices,
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit * 4,
            score_cutoff=min_score,
        )
        found: dict[tuple[Label, str], Spelling] = {}
        for _, _, position in scored:
            spelling = self.spellings[position]
            if keys:
                spelling = Spelling(spelling.label, spelling.key, spelling.key)
            shown = {s.text for s in found.values()}
            if (spelling.label, spelling.key) not in found and spelling.text not in shown:
                found[spelling.label, spelling.key] = spelling
        return list(found.values())[:limit]


def not_found(
    store: GraphStore, problem: str, written: str, labels: Sequence[Label], *, keys: bool = False
) -> NotFoundError:
    """The error for ``written``, with the closest spellings of ``labels`` as suggestions."""
    closest = NameIndex.read(store, labels).closest(written, keys=keys)
    return NotFoundError(problem, [spelling.text for spelling in closest])


def check_references(store: GraphStore, params: Mapping[str, Any]) -> None:
    """Raise :class:`NotFoundError` (with suggestions) for the first of a named query's
    ``params`` that names no node of the graph; called when its answer is empty, so that an
    empty answer means "nothing found" and never "no such name"."""
    for param, (noun, labels) in REFERENCES.items():
        written = params.get(param)
        if isinstance(written, str) and not _held(store, param, written, labels):
            raise not_found(store, _problem(param, noun, written), written, labels)
    for param, label_param in KEY_REFERENCES.items():
        written, label = params.get(param), params.get(label_param)
        if isinstance(written, str) and label is not None and not _key_held(store, label, written):
            problem = f"no {Label(label).value} with key {written!r}"
            raise not_found(store, problem, written, [Label(label)], keys=True)


def _key_held(store: GraphStore, label: str, key: str) -> bool:
    return store.get_nodes(Label(label), [key])[0] is not None


def _held(store: GraphStore, param: str, written: str, labels: Sequence[Label]) -> bool:
    """Whether ``written`` names a node of ``labels`` as the named queries match it."""
    spellings = policy_keys(written) if param == "policy" else [written]
    for label in labels:
        if any(node is not None for node in store.get_nodes(label, spellings)):
            return True  # the cheap case: the key itself
    return NameIndex.read(store, labels).holds(spellings)


def _problem(param: str, noun: str, written: str) -> str:
    if param == "policy":
        return policy_problem(written)
    if param == "region" and written.isdigit():
        noun = "region with code"
    return f"no {noun} {written!r}"


def policy_problem(written: str) -> str:
    """What is wrong with a policy title or 文号 the graph does not hold.

    Example:
        >>> policy_problem("郧政办发[2019]28号"), policy_problem("行政处罚")
        ("no policy numbered '郧政办发[2019]28号'", "no policy titled '行政处罚'")
    """
    noun = "numbered" if _is_doc_number(written) else "titled"
    return f"no policy {noun} {written!r}"


def _is_doc_number(written: str) -> bool:
    try:
        canonical_doc_number(written)
    except ValueError:
        return False
    return True
