"""Which extracted institution issued a policy, and which one the author line names.

Titles of local documents start with their issuing body (郧阳区人民政府办公室关于印发…的通知);
the issuer is the institution named at the very start of a title mention (found through its
own mentions, which may include or follow the 《), or whose name the title starts with. The
longest such name wins, so 郧阳区人民政府办公室 beats 郧阳区人民政府. A short title that stands
for the region's own plan (``refers_to``) borrows its identity and gets no issuer of its own.

Example:
    >>> from ingest.model import InstitutionRef, PolicyRef
    >>> office = InstitutionRef("某县人民政府办公室", "县政府办", ())
    >>> notice = PolicyRef("某县人民政府办公室关于…的通知", "某县人民政府办公室关于…的通知",
    ...                    "normative_document", ())
    >>> [p.issuer for p in with_issuers([notice], [office])]
    ['某县人民政府办公室']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ingest.model import InstitutionRef, PolicyRef

_MIN_ISSUER_NAME = 2


def with_issuers(
    policies: Iterable[PolicyRef], institutions: Sequence[InstitutionRef]
) -> tuple[PolicyRef, ...]:
    """``policies`` with ``issuer`` set to the canonical institution that starts their title."""
    return tuple(replace(p, issuer=policy_issuer(p, institutions)) for p in policies)


def policy_issuer(policy: PolicyRef, institutions: Sequence[InstitutionRef]) -> str | None:
    """The institution named at the start of the policy title (longest name wins).

    Example:
        >>> from ingest.model import InstitutionRef, PolicyRef
        >>> gov = InstitutionRef("某县人民政府", "某县人民政府", ())
        >>> plan = PolicyRef("某县人民政府工作规则", "某县人民政府工作规则", "other", ())
        >>> policy_issuer(plan, [gov])
        '某县人民政府'
    """
    if policy.refers_to:
        return None
    best: tuple[int, str] | None = None
    for inst in institutions:
        length = max(_length_by_mentions(policy, inst), _length_by_name(policy, inst))
        if length >= _MIN_ISSUER_NAME and (best is None or (length, inst.canonical) > best):
            best = (length, inst.canonical)
    return best[1] if best else None


def author_institution(author: str | None, institutions: Sequence[InstitutionRef]) -> str | None:
    """The canonical institution an author line names, else the author line itself.

    Example:
        >>> from ingest.model import InstitutionRef
        >>> gov = InstitutionRef("郧阳区人民政府", "区政府", ())
        >>> author_institution("区政府", [gov]), author_institution("某委", [gov])
        ('郧阳区人民政府', '某委')
    """
    if author is None:
        return None
    for inst in institutions:
        if author in _names(inst):
            return inst.canonical
    return author


def _names(inst: InstitutionRef) -> set[str]:
    return {inst.canonical, inst.name, *inst.variants}


def _length_by_mentions(policy: PolicyRef, inst: InstitutionRef) -> int:
    # A title mention may or may not include its 《: the issuer starts at either position.
    lengths = [
        inner.end - inner.start
        for outer in policy.mentions
        for inner in inst.mentions
        if outer.start <= inner.start <= outer.start + 1 and inner.end <= outer.end
    ]
    return max(lengths, default=0)


def _length_by_name(policy: PolicyRef, inst: InstitutionRef) -> int:
    titles = (policy.canonical, policy.title)
    lengths = [len(name) for name in _names(inst) for t in titles if name and t.startswith(name)]
    return max(lengths, default=0)
