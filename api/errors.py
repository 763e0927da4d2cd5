"""Errors a GraphQL client is meant to read, and the rule that masks everything else.

Example:
    >>> from graphql import GraphQLError
    >>> should_mask(GraphQLError("x", original_error=KeyError("secret")))
    True
    >>> should_mask(GraphQLError("x", original_error=UserInputError("bad level")))
    False
"""

from __future__ import annotations

from graphql import GraphQLError

from services.errors import UserInputError

__all__ = ["PUBLIC_ERRORS", "StoreUnavailableError", "UserInputError", "should_mask"]


class StoreUnavailableError(RuntimeError):
    """The graph store could not answer; the message starts with ``store unavailable:``."""

    def __init__(self, reason: object) -> None:
        super().__init__(f"store unavailable: {reason}")


PUBLIC_ERRORS: tuple[type[Exception], ...] = (UserInputError, StoreUnavailableError, GraphQLError)


def should_mask(error: GraphQLError) -> bool:
    """True for errors raised by unexpected failures (their message may leak internals).

    Validation and syntax errors carry no original error and stay as they are.
    """
    original = error.original_error
    return original is not None and not isinstance(original, PUBLIC_ERRORS)
