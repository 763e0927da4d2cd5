"""Errors a GraphQL client is meant to read, the rule that masks everything else, and how errors
are shortened for answers and logged.

A client reads what it did wrong and nothing of the server's insides: a store failure says
``store unavailable`` without the database's address or error codes (:func:`log_errors` writes
those to the server log, once), and no message echoes more than the start of a huge argument
(:func:`shorten`). User errors are logged as one line without the query; server errors keep
their traceback.

Example:
    >>> from graphql import GraphQLError
    >>> should_mask(GraphQLError("x", original_error=KeyError("secret")))
    True
    >>> should_mask(GraphQLError("x", original_error=UserInputError("bad level")))
    False
    >>> str(StoreUnavailableError("Neo4j at bolt://10.0.0.5:7687: read failed"))
    'store unavailable: the graph database did not answer; try again later'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from graphql import GraphQLError

from services.errors import UserInputError

__all__ = [
    "PUBLIC_ERRORS",
    "RequestStoppedError",
    "StoreUnavailableError",
    "UserInputError",
    "log_errors",
    "log_unavailable",
    "shorten",
    "should_mask",
]

logger = logging.getLogger("fazhi.api")

MAX_QUOTED = 60  # characters of a quoted value kept in a message
MAX_MESSAGE = 500  # characters of a whole message kept
_QUOTED = re.compile(rf"(['\"])([^'\"]{{{MAX_QUOTED + 20},}})\1")


class StoreUnavailableError(RuntimeError):
    """The graph store could not answer. The message (``store unavailable: …``) is what a client
    reads; ``detail`` (the store's own error: address, codes) is for the server log only."""

    def __init__(self, reason: object) -> None:
        super().__init__("store unavailable: the graph database did not answer; try again later")
        self.detail = str(reason)


class RequestStoppedError(RuntimeError):
    """A store call asked for after its request ended (timed out): it is not made."""

    def __init__(self) -> None:
        super().__init__("the request has ended: its remaining store calls are skipped")


PUBLIC_ERRORS: tuple[type[Exception], ...] = (UserInputError, StoreUnavailableError, GraphQLError)


def should_mask(error: GraphQLError) -> bool:
    """True for errors raised by unexpected failures (their message may leak internals).

    Validation and syntax errors carry no original error and stay as they are.
    """
    original = error.original_error
    return original is not None and not isinstance(original, PUBLIC_ERRORS)


def shorten(message: str) -> str:
    """``message`` with each long quoted value cut to its start, and at most ``MAX_MESSAGE``
    characters in all: a 1 MB argument is never echoed back.

    Example:
        >>> shorten("no policy titled '" + "x" * 10**6 + "'").replace("x" * 60, "x…x")
        "no policy titled 'x…x…' (1000000 characters)"
    """
    shortened = _QUOTED.sub(_cut_quoted, message)
    if len(shortened) > MAX_MESSAGE:
        return f"{shortened[:MAX_MESSAGE]}… ({len(shortened)} characters)"
    return shortened


def _cut_quoted(match: re.Match[str]) -> str:
    quote, value = match.group(1), match.group(2)
    return f"{quote}{value[:MAX_QUOTED]}…{quote} ({len(value)} characters)"


def is_user_error(error: GraphQLError) -> bool:
    """Whether the client caused ``error`` (syntax, validation, limits, bad arguments)."""
    original = error.original_error
    return original is None or isinstance(original, (UserInputError, RequestStoppedError))


def log_errors(errors: Iterable[GraphQLError]) -> None:
    """Log a request's errors: a user error as one short line (no query, no traceback), a store
    failure's detail once, any other failure with its traceback."""
    stores_logged: set[str] = set()
    for error in errors:
        original = error.original_error
        if is_user_error(error):
            logger.info("GraphQL request refused: %s", shorten(error.message))
        elif isinstance(original, StoreUnavailableError):
            if original.detail not in stores_logged:
                stores_logged.add(original.detail)
                log_unavailable(original)
        else:
            logger.error("GraphQL error: %s", shorten(error.message), exc_info=original)


def log_unavailable(error: StoreUnavailableError) -> None:
    """Log what the store said (its address, codes), which the client is not told."""
    logger.error("store unavailable: %s", error.detail, exc_info=error)
