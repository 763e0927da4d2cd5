"""The bundled data files in ``ingest/data``: one reader, each loader parsing on top of it.

Every data file is UTF-8 text, one entry a line; blank lines and lines starting with ``#``
(after indentation) are comments. Lines are handed over as written, so TSV fields keep their
spacing; loaders report bad lines as ``path:line``.

Example:
    >>> next(number for number, line in data_lines("laws.txt") if "行政处罚法" in line) > 0
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def data_path(name: str | Path) -> Path:
    """A bundled file by its name in ``ingest/data``; a ``Path`` is taken as it is.

    Example:
        >>> data_path("laws.txt").parent.name
        'data'
    """
    return name if isinstance(name, Path) else DATA_DIR / name


def data_lines(name: str | Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, line) for every entry line of a data file.

    Example:
        >>> import tempfile
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = Path(tmp) / "x.tsv"
        ...     _ = path.write_text("# comment\\n\\na\\tb \\n", encoding="utf-8")
        ...     list(data_lines(path))
        [(3, 'a\\tb ')]
    """
    text = data_path(name).read_text(encoding="utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.strip()
        if entry and not entry.startswith("#"):
            yield number, line
