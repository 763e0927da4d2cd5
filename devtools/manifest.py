"""Write tests/realworld/manifest.tsv (id, url, query) from the real-world set's annotations.

The manifest says where every page of the development set came from, so anyone can fetch the
same texts again; the texts themselves are other people's pages and are never committed.

Example:
    $ python -m devtools.manifest
    tests/realworld/manifest.tsv: 145 pages
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path("tests/realworld")


def manifest_rows(root: Path) -> list[tuple[str, str, str]]:
    """(id, url, query) of every annotation under ``root``, sorted by id.

    Example:
        >>> manifest_rows(Path("/nonexistent"))
        []
    """
    rows = []
    for path in sorted((root / "annotations").glob("*.json")):
        annotation = json.loads(path.read_text(encoding="utf-8"))
        rows.append((path.stem, annotation["url"], annotation["query"]))
    return rows


def write_manifest(root: Path) -> int:
    """Write ``root``/manifest.tsv and return how many pages it lists."""
    rows = manifest_rows(root)
    with (root / "manifest.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(("id", "url", "query"))
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    print(f"{root / 'manifest.tsv'}: {write_manifest(root)} pages")
