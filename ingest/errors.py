"""Errors raised while reading a document, each naming the file and what is wrong with it.

Example:
    >>> str(EmptyDocumentError("a/b.txt", "empty file"))
    'a/b.txt: empty file'
"""

from __future__ import annotations

from pathlib import Path

from ingest.names import source_name


class IngestError(Exception):
    """A file could not be ingested; ``str()`` is one line: ``<path>: <reason>``.

    The path is spelled by :func:`~ingest.names.source_name` (undecodable bytes as ``\\xNN``).

    Example:
        >>> err = IngestError(Path("r.pdf"), "no text layer (scanned PDF?)")
        >>> (err.path, err.reason)
        ('r.pdf', 'no text layer (scanned PDF?)')
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = source_name(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class FileNotReadableError(IngestError):
    """The path is missing, a directory, or cannot be opened."""


class UnsupportedFormatError(IngestError):
    """The extension is not one the readers know."""


class FileTooLargeError(IngestError):
    """The file is larger than ``Settings.max_file_bytes``."""


class EmptyDocumentError(IngestError):
    """The file (or its text layer) holds no text."""


class UndecodableError(IngestError):
    """The bytes are binary or in no encoding the readers can decode."""


class ReadTimeoutError(IngestError):
    """Reading and extracting the file took longer than ``Settings.read_timeout_s``."""
