"""Each make command's prerequisites (devtools/prerequisites.py): with a tool missing (an empty
PATH, a JAVA_HOME without java, a java too old) the check stops with one line naming what is
missing, for what, and how to install it; with everything there it says nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools import neo4j_local, prerequisites

ROOT = Path(__file__).resolve().parent.parent


def check(command: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """``python3 -m devtools.prerequisites COMMAND`` in a child with ``environment`` on top."""
    env = {**os.environ, **environment}
    return subprocess.run(
        [sys.executable, "-m", "devtools.prerequisites", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def fake_java(folder: Path, version: str) -> Path:
    """A JAVA_HOME whose ``bin/java -version`` says ``version`` (as java does, on stderr)."""
    java = folder / "bin" / "java"
    java.parent.mkdir(parents=True)
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{version}\" 2024-01-16' >&2\n")
    java.chmod(0o755)
    return folder


def test_this_machine_has_what_every_command_needs() -> None:
    for command in ("run", "neo4j", "test"):
        result = check(command)
        assert (result.returncode, result.stderr) == (0, ""), command


def test_an_empty_path_gives_one_line_per_missing_tool() -> None:
    result = check("test", PATH="", JAVA_HOME="", NEO4J_URI="")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "make test: Node.js with npm is needed for GraphiQL's files (node and npm not found): "
        "apt-get install nodejs npm",
        "make test: Java 17 or 21 is needed for the local Neo4j (java not found on JAVA_HOME or "
        "PATH): apt-get install default-jre-headless (or openjdk-17-jre-headless)",
        "make test: Maven is needed for fetching Neo4j from Maven Central (mvn not found): "
        "apt-get install maven",
    ]


def test_a_java_home_without_java_is_named(tmp_path: Path) -> None:
    result = check("neo4j", JAVA_HOME=str(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        "make neo4j: Java 17 or 21 is needed for the local Neo4j (java not found on JAVA_HOME "
        "or PATH): apt-get install default-jre-headless (or openjdk-17-jre-headless)\n"
    )


@pytest.mark.parametrize(
    ("version", "accepted"), [("11.0.2", False), ("17.0.9", True), ("21", True)]
)
def test_the_java_version_is_checked(tmp_path: Path, version: str, accepted: bool) -> None:
    result = check("neo4j", JAVA_HOME=str(fake_java(tmp_path, version)))
    if accepted:
        assert (result.returncode, result.stderr) == (0, "")
    else:
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1
        assert "bin/java is Java 11)" in result.stderr


def test_the_local_neo4j_says_the_same_line_without_java(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JAVA_HOME", str(fake_java(tmp_path, "1.8.0_392")))
    with pytest.raises(neo4j_local.LocalNeo4jError) as raised:
        neo4j_local._java()
    assert str(raised.value).startswith("Java 17 or 21 is needed for the local Neo4j (")
    assert "is Java 8)" in str(raised.value)


def test_the_tests_need_no_java_when_neo4j_runs_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    assert prerequisites.JAVA not in prerequisites.needed_by("test")
    monkeypatch.delenv("NEO4J_URI")
    monkeypatch.setenv("PATH", "")
    assert prerequisites.JAVA in prerequisites.needed_by("test")


def test_an_unknown_command_gets_the_usage_line() -> None:
    result = check("deploy")
    assert result.returncode == 2
    assert result.stderr.startswith("usage: python3 -m devtools.prerequisites")
