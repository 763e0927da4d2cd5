"""The layering check (``python -m devtools.layers``) passes on the tree and catches breaches."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from devtools.layers import FLOORS, ROOT, violations


def test_the_tree_keeps_its_layers() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "devtools.layers"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    assert done.stdout.strip() == f"layers: 0 violations in {len(FLOORS)} packages"


def test_a_front_end_importing_another_is_caught(tmp_path: Path) -> None:
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "serve.py").write_text("def f() -> None:\n    from api.app import x\n")
    assert violations(tmp_path) == ["cli/serve.py: cli imports api (api.app)"]


def test_graph_importing_the_api_is_caught(tmp_path: Path) -> None:
    (tmp_path / "graph").mkdir()
    (tmp_path / "graph" / "store.py").write_text("import api.errors\nimport ingest.model\n")
    assert violations(tmp_path) == ["graph/store.py: graph imports api (api.errors)"]


def test_services_importing_a_front_end_is_caught(tmp_path: Path) -> None:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "x.py").write_text("from client import Fazhi\n")
    assert violations(tmp_path) == ["services/x.py: services imports client (client)"]
