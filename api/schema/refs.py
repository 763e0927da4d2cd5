"""Lazy references between the GraphQL types of different modules: the types refer to each
other (a region's reports, a report's region), so each module names the others' types through
these and strawberry imports them when it builds the schema.

Example:
    >>> from typing import get_args
    >>> get_args(RegionRef)[1].module
    'api.schema.region'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from api.schema.mentions import Institution, Mention
    from api.schema.policy import Policy
    from api.schema.region import Region
    from api.schema.report import Citation, Report

RegionRef = Annotated["Region", strawberry.lazy("api.schema.region")]
PolicyRef = Annotated["Policy", strawberry.lazy("api.schema.policy")]
ReportRef = Annotated["Report", strawberry.lazy("api.schema.report")]
CitationRef = Annotated["Citation", strawberry.lazy("api.schema.report")]
InstitutionRef = Annotated["Institution", strawberry.lazy("api.schema.mentions")]
MentionRef = Annotated["Mention", strawberry.lazy("api.schema.mentions")]
