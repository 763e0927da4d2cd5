"""The graph's vocabulary in GraphQL: :mod:`ingest.vocabulary`'s enums themselves, exposed by
their values, so a policy's ``kind`` reads ``law`` here as in rows, exports and the store.

Example:
    >>> RegionLevel.COUNTY.value, member_or_other(PolicyKind, "charter")
    ('county', <PolicyKind.OTHER: 'other'>)
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

import strawberry

from ingest.vocabulary import PolicyKind, RegionLevel

__all__ = ["VOCABULARY", "PolicyKind", "RegionLevel", "member_or_other"]

E = TypeVar("E", bound=StrEnum)

VOCABULARY: tuple[type[StrEnum], ...] = (PolicyKind, RegionLevel)
for _enum in VOCABULARY:
    # marks the class itself as a GraphQL enum (strawberry returns it unchanged)
    strawberry.enum(_enum, graphql_name_from="value", description=_enum.__doc__)


def member_or_other(enum: type[E], value: str | None) -> E | None:
    """The member of ``enum`` whose value is ``value``: ``OTHER`` for a value it does not know
    (a store written by another version), None for None."""
    if value is None:
        return None
    member = enum._value2member_map_.get(value)  # a dict lookup, cheaper than calling the enum
    return member if isinstance(member, enum) else enum("other")
