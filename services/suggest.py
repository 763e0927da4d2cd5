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

import heapq
import weakref
from collections import Counter, defaultdict
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

CANDIDATES = 300  # spellings scored per look-up: those sharing the most characters
_UNSPELLED = str.maketrans("", "", "《》〈〉<>“”‘’\"'「」『』 \u3000")

# A named query's parameters that name a node: what to call them in an error, which labels.
REFERENCES: Mapping[str, tuple[str, tuple[Label, ...]]] = {
    "policy": ("policy titled", (Label.POLICY,)),
    "region": ("region named", (Label.REGION,)),
    "province_code": ("region with code", (Label.REGION,)),
    "issuer": ("institution or region named", (Label.INSTITUTION, Label.REGION)),
}
# The name indexes of each open store, by labels and node counts (see :func:`cached_index`).
_INDEXES: weakref.WeakKeyDictionary[GraphStore, dict[Any, NameIndex]] = weakref.WeakKeyDictionary()
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

    Scoring every spelling with ``WRatio`` takes most of a second for the ~40,000 policy
    spellings of a 10,000-report graph, so :meth:`closest` scores only the spellings sharing
    the most characters and character pairs with the text (:data:`CANDIDATES` of them): a typo
    or a part of a name keeps most of them (``python -m bench.suggest`` measures both).

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
        self._postings: dict[str, list[int]] = defaultdict(list)
        for position, choice in enumerate(self._choices):
            for gram in grams(choice):
                self._postings[gram].append(position)

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
        wanted = unspelled(text)
        candidates = self._candidates(wanted)
        scored = process.extract(
            wanted,
            [self._choices[position] for position in candidates],
            scorer=fuzz.WRatio,
            processor=None,
            limit=limit * 4,
            score_cutoff=min_score,
        )
        found: dict[tuple[Label, str], Spelling] = {}
        for _, _, rank in scored:
            spelling = self.spellings[candidates[rank]]
            if keys:
                spelling = Spelling(spelling.label, spelling.key, spelling.key)
            shown = {s.text for s in found.values()}
            if (spelling.label, spelling.key) not in found and spelling.text not in shown:
                found[spelling.label, spelling.key] = spelling
        return list(found.values())[:limit]

    def _candidates(self, wanted: str) -> list[int]:
        """Positions of the spellings sharing the most characters and pairs with ``wanted`` (ties:
        the first held), so both stores, whose rows come in one order, suggest alike."""
        shared: Counter[int] = Counter()
        for gram in sorted(grams(wanted)):
            shared.update(self._postings.get(gram, ()))
        best = heapq.nsmallest(CANDIDATES, shared.items(), key=lambda item: (-item[1], item[0]))
        return [position for position, _ in best]


def grams(text: str) -> set[str]:
    """The characters of ``text`` and its pairs of neighbouring characters.

    Example:
        >>> sorted(grams("海州区"))
        ['区', '州', '州区', '海', '海州']
    """
    return set(text) | {text[i : i + 2] for i in range(len(text) - 1)}


def cached_index(store: GraphStore, labels: Sequence[Label]) -> NameIndex:
    """:meth:`NameIndex.read`, kept while the store holds as many nodes of each label.

    A write that adds or removes a named node changes a count and so the next index; one that
    swaps one name for another keeps the count and the index until the next count change.
    """
    signature = (tuple(labels), tuple(store.find_nodes(lbl, limit=0).total for lbl in labels))
    held = _INDEXES.setdefault(store, {})
    if signature not in held:
        held.clear()  # an older snapshot's indexes are of no more use
        held[signature] = NameIndex.read(store, labels)
    return held[signature]


def not_found(
    store: GraphStore, problem: str, written: str, labels: Sequence[Label], *, keys: bool = False
) -> NotFoundError:
    """The error for ``written``, with the closest spellings of ``labels`` as suggestions."""
    return _error(cached_index(store, labels), problem, written, keys=keys)


def _error(index: NameIndex, problem: str, written: str, *, keys: bool = False) -> NotFoundError:
    closest = index.closest(written, keys=keys)
    return NotFoundError(problem, [spelling.text for spelling in closest])


def check_references(store: GraphStore, params: Mapping[str, Any]) -> None:
    """Raise :class:`NotFoundError` (with suggestions) for the first of a named query's
    ``params`` that names no node of the graph; called when its answer is empty, so that an
    empty answer means "nothing found" and never "no such name"."""
    for param, (noun, labels) in REFERENCES.items():
        written = params.get(param)
        if isinstance(written, str):
            _check_name(store, param, written, labels, noun)
    for param, label_param in KEY_REFERENCES.items():
        written, label = params.get(param), params.get(label_param)
        if isinstance(written, str) and label is not None:
            _check_key(store, Label(label), written)


def _check_name(
    store: GraphStore, param: str, written: str, labels: Sequence[Label], noun: str
) -> None:
    spellings = policy_keys(written) if param == "policy" else [written]
    if _is_key(store, labels, spellings):  # the cheap case: no index needed
        return
    index = cached_index(store, labels)
    if not index.holds(spellings):
        raise _error(index, _problem(param, noun, written), written)


def _check_key(store: GraphStore, label: Label, key: str) -> None:
    if not _is_key(store, [label], [key]):
        problem = f"no {label.value} with key {key!r}"
        raise not_found(store, problem, key, [label], keys=True)


def _is_key(store: GraphStore, labels: Sequence[Label], spellings: list[str]) -> bool:
    """Whether one of ``spellings`` is the key of a node of one of ``labels``."""
    return any(node is not None for lbl in labels for node in store.get_nodes(lbl, spellings))


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
