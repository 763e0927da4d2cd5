"""The layering check: each package imports only its own floor and the floors below it, and no
front end imports another front end.

Floors, lowest first: ``config``; ``fetch`` (the crawler and its archive, which ingest
reads); ``ingest``; ``graph``; ``queries``; ``services``; then the
front ends ``api`` (GraphQL), ``cli`` (the ``fazhi`` command) and ``client`` (the notebook),
side by side. Every import in a package's modules counts, at module level or inside a function
(the CLI imports most of what it runs inside its commands). ``bench``, ``devtools``, ``tests``
and ``examples`` sit outside the building and may import anything.

Example:
    $ python -m devtools.layers
    layers: 0 violations in 9 packages

    >>> violations_in("graph", "import api.app\\nfrom queries import QUERIES\\n")
    ['graph imports api (api.app)', 'graph imports queries (queries)']
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

FLOORS: dict[str, int] = {
    "config": 0,
    "fetch": 1,
    "ingest": 2,
    "graph": 3,
    "queries": 4,
    "services": 5,
    "api": 6,
    "cli": 6,
    "client": 6,
}
FRONT_ENDS = frozenset({"api", "cli", "client"})
ROOT = Path(__file__).resolve().parent.parent


def imported_modules(source: str) -> Iterator[str]:
    """The absolute module names a module's source imports (relative imports stay home).

    Example:
        >>> list(imported_modules("import a.b, c\\nfrom d.e import f\\nfrom . import g"))
        ['a.b', 'c', 'd.e']
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def allowed(importer: str, imported: str) -> bool:
    """Whether package ``importer`` may import package ``imported``.

    Example:
        >>> allowed("api", "services"), allowed("cli", "api"), allowed("graph", "ingest")
        (True, False, True)
    """
    if importer == imported or imported not in FLOORS:
        return True
    if importer in FRONT_ENDS and imported in FRONT_ENDS:
        return False
    return FLOORS[imported] <= FLOORS[importer]


def violations_in(package: str, source: str) -> list[str]:
    """The imports of one module of ``package`` that break the layering, one line each."""
    found = []
    for module in imported_modules(source):
        imported = module.partition(".")[0]
        if not allowed(package, imported):
            found.append(f"{package} imports {imported} ({module})")
    return found


def violations(root: Path = ROOT) -> list[str]:
    """Every layering violation under ``root``, as ``path: what``."""
    found = []
    for package in FLOORS:
        for path in sorted((root / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            relative = path.relative_to(root)
            found += [f"{relative}: {line}" for line in violations_in(package, source)]
    return found


def main() -> int:
    """Print the violations and a summary line; exit status 1 when there are any."""
    found = violations()
    for line in found:
        print(line)
    print(f"layers: {len(found)} violations in {len(FLOORS)} packages")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
