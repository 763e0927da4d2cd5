"""``coverageSummary``: the rows of the ``coverage`` named query, counted up.

``coverage(year, level, province)`` (a typed field like every named query) lists the regions;
this field answers how many have a report, how many were on time, and the median delay.

Example:
    >>> CoverageSummary(regions=2, with_report=1, without_report=1, on_time=1, late=0,
    ...                 undated=0, median_delay_days=80.0).without_report
    1
"""

from __future__ import annotations

import strawberry

from api.schema.common import Info, described
from api.schema.named import answer
from ingest.vocabulary import RegionLevel
from queries.coverage import QUERY as COVERAGE
from queries.coverage import summarize
from queries.matching import MAX_PAGE_SIZE


@strawberry.type(description="The regions expected to report on a year, counted up.")
class CoverageSummary:
    regions: int
    with_report: int
    without_report: int
    on_time: int = strawberry.field(description="Published by the deadline of the year.")
    late: int
    undated: int = strawberry.field(description="With a report but no publication date.")
    median_delay_days: float | None = strawberry.field(
        description="Median days from 1 January of the next year to the first publication."
    )


@strawberry.type
class CoverageFields:
    @described(
        description="The coverage of a year counted up: regions with and without a report, "
        "on time (by 1 April of the next year; first quarter before 2019), late, median delay."
    )
    async def coverage_summary(
        self,
        info: Info,
        year: int,
        level: RegionLevel | None = None,
        province: str | None = None,
    ) -> CoverageSummary:
        # every expected region counted: they are fewer than one biggest page
        given = {"year": year, "level": level, "province": province, "limit": MAX_PAGE_SIZE}
        rows = await answer(info, COVERAGE, {k: v for k, v in given.items() if v is not None})
        return CoverageSummary(**summarize(rows))
