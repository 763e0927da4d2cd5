"""The errors every front end shows its user as they are: the request itself was wrong.

Example:
    >>> str(UserInputError("give exactly one of: code, name"))
    'give exactly one of: code, name'
    >>> error = NotFoundError("no policy titled '行政处罚'", ["中华人民共和国行政处罚法"])
    >>> str(error)
    "no policy titled '行政处罚'; did you mean: 中华人民共和国行政处罚法?"
    >>> error.extensions["code"], error.suggestions
    ('NOT_FOUND', ['中华人民共和国行政处罚法'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class UserInputError(ValueError):
    """The request asked for something invalid (bad cursor, page too large, ambiguous name)."""


class NotFoundError(UserInputError):
    """A title, 文号, region or other name the graph does not hold; ``suggestions`` are the
    closest names it does hold (best first, possibly none).

    ``extensions`` is what GraphQL shows beside the message (graphql-core copies an original
    error's ``extensions`` into the error it reports).
    """

    code = "NOT_FOUND"

    def __init__(self, problem: str, suggestions: Sequence[str] = ()) -> None:
        self.problem = problem
        self.suggestions = list(suggestions)
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"{problem}{hint}")

    @property
    def extensions(self) -> dict[str, Any]:
        """``{"code": "NOT_FOUND", "suggestions": [...]}``."""
        return {"code": self.code, "suggestions": self.suggestions}
