"""Text from files and pages shown on the terminal as it is written, never as instructions.

A file name or a page's text may hold what rich reads as markup (``[red]x[bold].txt``), or
control characters and ANSI escapes (``\\x1b[31m``) that a terminal obeys. :func:`literal`
makes such text printable in a rich line: markup escaped, each control or direction-override
character spelled as its ``\\xNN`` / ``\\uNNNN`` escape (a newline too: one name, one line).

Example:
    >>> from rich.console import Console
    >>> console = Console(force_terminal=True, color_system=None)
    >>> with console.capture() as captured:
    ...     console.print(f"[red]failed[/red]: {literal('[red]x[bold].txt')}")
    >>> captured.get()
    'failed: [red]x[bold].txt\\n'
"""

from __future__ import annotations

import re

from rich.markup import escape

# C0 and C1 controls, DEL, and the bidirectional marks and overrides that reorder a line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def literal(text: object) -> str:
    """``text`` escaped for a rich line: shown exactly, never styled or obeyed.

    Example:
        >>> literal("[bold]a\\x1b[31mb.txt")
        '\\\\[bold]a\\\\x1b[31mb.txt'
    """
    return escape(_UNPRINTABLE.sub(_spelled, str(text)))


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
