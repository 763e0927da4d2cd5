"""The vocabulary of the graph, defined once: what kind of document a policy is, and the
administrative level of a region (GB/T 2260).

Members are strings (``StrEnum``), so stores, rows, exports and the corrections file hold the
plain values (``law``, ``county``), and the GraphQL API shows these same values
(:mod:`api.schema.vocabulary` exposes these classes, not copies of them).

Example:
    >>> PolicyKind("law") is PolicyKind.LAW, RegionLevel.COUNTY == "county"
    (True, True)
"""

from __future__ import annotations

from enum import StrEnum


class PolicyKind(StrEnum):
    """What kind of document a policy is (docs/vocabulary.md)."""

    LAW = "law"
    ADMINISTRATIVE_REGULATION = "administrative_regulation"
    LOCAL_REGULATION = "local_regulation"
    PARTY_REGULATION = "party_regulation"
    NORMATIVE_DOCUMENT = "normative_document"
    OTHER = "other"


class RegionLevel(StrEnum):
    """Administrative level of a region (GB/T 2260; docs/vocabulary.md)."""

    PROVINCE = "province"
    PREFECTURE = "prefecture"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"
    OTHER = "other"
