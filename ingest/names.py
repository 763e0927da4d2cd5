"""File names as text every store, export and terminal can hold.

A file name on Linux is bytes. Python hands a name that is not UTF-8 (GBK names are common
in archives unpacked from Chinese Windows) to us as ``str`` with lone surrogates
(``surrogateescape``), which no UTF-8 writer accepts: Neo4j refuses it, JSON and CSV exports
and GraphQL responses fail on it. :func:`source_name` is the one spelling of a file name
everywhere: each undecodable byte becomes the four characters ``\\xNN`` (a faithful, readable
escape, the form Python's ``backslashreplace`` writes); every UTF-8 name is left as it is.
The name is not guessed as GBK: a guess could turn two files into one name, and the escaped
name still says which bytes the file system holds.

Example:
    >>> source_name("reports/\\udcba\\udca3\\udcd6\\udcdd.txt")
    'reports/\\\\xba\\\\xa3\\\\xd6\\\\xdd.txt'
    >>> source_name("reports/海州.txt")
    'reports/海州.txt'
"""

from __future__ import annotations

import re
from pathlib import PurePath

_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_BYTES = range(0xDC80, 0xDD00)  # what surrogateescape makes of the bytes 0x80-0xFF


def source_name(path: str | PurePath | object) -> str:
    """``path`` (or what ``str()`` makes of it: an archived report gives its URL) as text
    without lone surrogates: undecodable bytes spelled ``\\xNN``.

    Example:
        >>> source_name(b"\\xba\\xa3.txt".decode("utf-8", "surrogateescape"))
        '\\\\xba\\\\xa3.txt'
    """
    return _SURROGATE.sub(_escaped, str(path))


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code in _ESCAPED_BYTES:
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"
