"""The committed ``schema.graphql`` is the schema the code builds."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

from api.schema import print_sdl

ROOT = Path(__file__).resolve().parent.parent
ARTIFACT = ROOT / "schema.graphql"
REGENERATE = "python3 -m uv run --frozen python -m api.schema > schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    committed = ARTIFACT.read_text(encoding="utf-8")
    current = print_sdl()
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            current.splitlines(keepends=True),
            "schema.graphql (committed)",
            "schema from the code",
            n=1,
        )
    )
    assert not diff, f"schema.graphql is out of date; regenerate it with:\n  {REGENERATE}\n{diff}"


def test_the_regenerate_command_prints_the_schema() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "api.schema"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout
    assert printed == print_sdl()
    assert "type Query {" in printed
