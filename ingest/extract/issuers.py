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
from dataclasses import fields

from ingest.model import InstitutionRef, PolicyRef

_MIN_ISSUER_NAME = 2
_POLICY_FIELDS = tuple(field.name for field in fields(PolicyRef))
_ISSUER_FIELD = _POLICY_FIELDS.index("issuer")
_NONE_FOUND = (0, "")


def with_issuers(
    policies: Iterable[PolicyRef], institutions: Sequence[InstitutionRef]
) -> tuple[PolicyRef, ...]:
    """``policies`` with ``issuer`` set to the canonical institution that starts their title."""
    issuer = _IssuerIndex(institutions).issuer
    return tuple([_with_issuer(p, issuer(p)) for p in policies])


def _with_issuer(policy: PolicyRef, issuer: str | None) -> PolicyRef:
    if policy.issuer == issuer:  # most titles name no issuer
        return policy
    # Not dataclasses.replace, which calls the class with keywords: it took twice as long.
    values = [getattr(policy, name) for name in _POLICY_FIELDS]
    values[_ISSUER_FIELD] = issuer
    return PolicyRef(*values)


def policy_issuer(policy: PolicyRef, institutions: Sequence[InstitutionRef]) -> str | None:
    """The institution named at the start of the policy title (longest name wins).

    Example:
        >>> from ingest.model import InstitutionRef, PolicyRef
        >>> gov = InstitutionRef("某县人民政府", "某县人民政府", ())
        >>> plan = PolicyRef("某县人民政府工作规则", "某县人民政府工作规则", "other", ())
        >>> policy_issuer(plan, [gov])
        '某县人民政府'
    """
    return _IssuerIndex(institutions).issuer(policy)


class _IssuerIndex:
    """Institutions by where they are mentioned and by every name they go by, so that each
    title looks up its own start instead of asking every institution (a report cites hundreds
    of titles and names dozens of bodies)."""

    __slots__ = ("at", "by_head", "named")

    def __init__(self, institutions: Sequence[InstitutionRef]) -> None:
        self.at: dict[int, list[tuple[int, str]]] = {}
        self.named: dict[str, str] = {}
        at, named = self.at, self.named  # locals: this loop runs for every mention of a report
        for inst in institutions:
            canonical = inst.canonical
            for mention in inst.mentions:
                starting = at.get(mention.start)
                if starting is None:
                    at[mention.start] = [(mention.end, canonical)]
                else:
                    starting.append((mention.end, canonical))
            # A name written twice is asked twice: the test keeps the greatest canonical anyway.
            for name in (canonical, inst.name, *inst.variants):
                if name and (name not in named or canonical > named[name]):
                    named[name] = canonical
        # Names by their first characters: a title is compared with the few that start as it does.
        self.by_head: dict[str, list[str]] = {}
        for name in named:
            if len(name) >= _MIN_ISSUER_NAME:
                self.by_head.setdefault(name[:_MIN_ISSUER_NAME], []).append(name)

    def issuer(self, policy: PolicyRef) -> str | None:
        """The longest institution name the title starts with (ties: the greatest canonical):
        an institution mentioned from the start of a title mention (which may or may not
        include its 《), or whose name the title (or its canonical) starts with.

        One method without calls, generators or lists: it runs for every title a report cites,
        and most titles have no issuer.
        """
        if policy.refers_to:
            return None
        best = _NONE_FOUND  # (length, canonical)
        at = self.at
        for mention in policy.mentions:
            for begin in (mention.start, mention.start + 1):
                for end, canonical in at.get(begin, ()):
                    if end <= mention.end and (end - begin, canonical) > best:
                        best = (end - begin, canonical)
        by_head, named = self.by_head, self.named
        titles: tuple[str, ...] = (policy.canonical,)
        if policy.title != policy.canonical:  # most titles are written as their canonical
            titles += (policy.title,)
        for title in titles:
            for name in by_head.get(title[:_MIN_ISSUER_NAME], ()):
                if title.startswith(name) and (len(name), named[name]) > best:
                    best = (len(name), named[name])
        return best[1] if best[0] >= _MIN_ISSUER_NAME else None


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
