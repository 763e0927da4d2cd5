"""Relay-style connections over offsets: ``first``/``after``, opaque cursors, ``pageInfo``.

Example:
    >>> window = Window.of(first=2, after=encode_cursor(0), max_page_size=10)
    >>> (window.offset, window.limit)
    (1, 2)
    >>> connection_from_slice(["b", "c"], total=5, window=window).page_info.has_next_page
    True
"""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from api.errors import UserInputError
from api.limits import check_page_size

T = TypeVar("T")

_CURSOR_PREFIX = "offset:"
MAX_OFFSET = 10**9  # no result is that long; a larger offset is a forged cursor
_MAX_CURSOR_CHARS = 32  # the cursor of MAX_OFFSET is 24 characters


@functools.lru_cache(maxsize=4096)  # every page's edges ask for the same first offsets
def encode_cursor(offset: int) -> str:
    """The opaque cursor of the item at ``offset``."""
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode("ascii")


def decode_cursor(cursor: str) -> int:
    """The offset inside ``cursor``; a :class:`UserInputError` when it is not one of ours
    (a cursor longer than ours or beyond ``MAX_OFFSET`` is not: no store is asked to skip
    10**30 rows).

    Example:
        >>> decode_cursor(encode_cursor(MAX_OFFSET + 1))
        Traceback (most recent call last):
        services.errors.UserInputError: invalid cursor 'b2Zmc2V0OjEwMDAwMDAwMDE=': pass ...
    """
    if len(cursor) <= _MAX_CURSOR_CHARS:
        try:
            text = base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8")
            if text.startswith(_CURSOR_PREFIX):
                offset = int(text.removeprefix(_CURSOR_PREFIX))
                if 0 <= offset <= MAX_OFFSET:
                    return offset
        except (binascii.Error, UnicodeError, ValueError):
            pass
    shown = cursor if len(cursor) <= _MAX_CURSOR_CHARS else f"{cursor[:_MAX_CURSOR_CHARS]}…"
    raise UserInputError(
        f"invalid cursor {shown!r}: pass the endCursor of a previous page as 'after'"
    )


@dataclass(frozen=True, slots=True)
class Window:
    """Which slice of a result list one page covers."""

    offset: int
    limit: int

    @classmethod
    def of(cls, *, first: int | None, after: str | None, max_page_size: int) -> Window:
        """Validate ``first`` against the page-size limit and turn ``after`` into an offset."""
        limit = check_page_size(first, max_page_size)
        offset = decode_cursor(after) + 1 if after is not None else 0
        return cls(offset=offset, limit=limit)

    def slice(self, items: Sequence[T]) -> Sequence[T]:
        """This window's part of a full, ordered list."""
        return items[self.offset : self.offset + self.limit]


@strawberry.type(description="Where a page sits in the full result.")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type(description="One item of a page and its cursor.")
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type(description="One page of results (Relay connection).")
class Connection(Generic[T]):
    total_count: int = strawberry.field(description="Items matching, over all pages.")
    page_info: PageInfo
    edges: list[Edge[T]]
    nodes: list[T] = strawberry.field(description="The page's nodes, without cursors.")


def connection_from_slice(items: Sequence[T], *, total: int, window: Window) -> Connection[T]:
    """A connection from the items of one window (already sliced) and the full count."""
    edges = [
        Edge(cursor=encode_cursor(window.offset + i), node=item) for i, item in enumerate(items)
    ]
    page_info = PageInfo(
        has_next_page=window.offset + len(items) < total,
        has_previous_page=window.offset > 0,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(total_count=total, page_info=page_info, edges=edges, nodes=list(items))


def connection_from_list(items: Sequence[T], window: Window) -> Connection[T]:
    """A connection over a full, ordered list held in memory."""
    return connection_from_slice(window.slice(items), total=len(items), window=window)
