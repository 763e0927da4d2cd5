"""The error every front end shows its user as it is: the request itself was wrong.

Example:
    >>> str(UserInputError("give exactly one of: code, name"))
    'give exactly one of: code, name'
"""

from __future__ import annotations


class UserInputError(ValueError):
    """The request asked for something invalid (bad cursor, page too large, ambiguous name)."""
