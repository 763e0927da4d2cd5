"""What each ``make`` command needs from the machine, checked up front: a missing tool stops the
command with one line saying what is missing, for what, and how to install it (no traceback).

Standard library only: it runs with the system ``python3`` before the venv exists.

    python3 -m devtools.prerequisites run      # make run / serve / setup: Python 3.11+, npm
    python3 -m devtools.prerequisites neo4j    # make neo4j: Java 17 or 21, Maven
    python3 -m devtools.prerequisites test     # make test: both (Neo4j's only when it runs here)
    python3 -m devtools.prerequisites --install test   # as root: apt-get install what is missing

Example:
    >>> java_major('openjdk version "17.0.15" 2025-04-15'), java_major('java version "1.8.0_392"')
    (17, 8)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)
JAVA_MAJORS = (17, 21)  # what Neo4j 5.26 runs on


@dataclass(frozen=True)
class Prerequisite:
    """A tool, what it is needed for, how to install it, and how to tell it is missing."""

    name: str
    needed_for: str
    install: str  # the command a person runs
    apt_packages: tuple[str, ...]  # what ``--install`` installs as root (Debian)
    problem: Callable[[], str | None]  # None when present, else what is wrong

    def line(self, problem: str) -> str:
        """The one line saying what is missing and how to install it."""
        return f"{self.name} is needed for {self.needed_for} ({problem}): {self.install}"


def python_problem() -> str | None:
    """Why this Python is too old, or None."""
    if sys.version_info >= MIN_PYTHON:
        return None
    return f"python3 is {sys.version_info.major}.{sys.version_info.minor}"


def npm_problem() -> str | None:
    """Why npm (with node) cannot run, or None."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not found" if missing else None


def java_major(version_text: str) -> int | None:
    """The major version in ``java -version``'s output (``1.8`` is 8)."""
    found = re.search(r'version "(\d+)(?:\.(\d+))?', version_text)
    if found is None:
        return None
    major = int(found.group(1))
    return int(found.group(2) or 0) if major == 1 else major


def java_command() -> str | None:
    """The ``java`` of ``JAVA_HOME``, else of ``PATH`` (None when neither has one)."""
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        java = Path(java_home) / "bin" / "java"
        return str(java) if java.exists() else None
    return shutil.which("java")


def java_problem() -> str | None:
    """Why there is no Java Neo4j 5.26 runs on, or None."""
    java = java_command()
    if java is None:
        return "java not found on JAVA_HOME or PATH"
    result = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    major = java_major(result.stderr + result.stdout)
    if major not in JAVA_MAJORS:
        return f"{java} is Java {major or 'of unknown version'}"
    return None


def maven_problem() -> str | None:
    """Why Maven cannot run, or None."""
    return None if shutil.which("mvn") else "mvn not found"


PYTHON = Prerequisite(
    "Python 3.11+", "every command", "apt-get install python3", ("python3",), python_problem
)
NPM = Prerequisite(
    "Node.js with npm",
    "GraphiQL's files",
    "apt-get install nodejs npm",
    ("nodejs", "npm"),
    npm_problem,
)
JAVA = Prerequisite(
    "Java 17 or 21",
    "the local Neo4j",
    "apt-get install default-jre-headless (or openjdk-17-jre-headless)",
    ("default-jre-headless",),
    java_problem,
)
MAVEN = Prerequisite(
    "Maven",
    "fetching Neo4j from Maven Central",
    "apt-get install maven",
    ("maven",),
    maven_problem,
)


def neo4j_runs_here() -> bool:
    """Whether the tests start the local Neo4j: no ``NEO4J_URI`` and no Docker engine to use."""
    return not os.environ.get("NEO4J_URI") and shutil.which("docker") is None


def needed_by(command: str) -> list[Prerequisite]:
    """The prerequisites of a ``make`` command (``run``, ``neo4j`` or ``test``).

    Example:
        >>> [p.name for p in needed_by("neo4j")]
        ['Python 3.11+', 'Java 17 or 21', 'Maven']
    """
    if command == "neo4j":
        return [PYTHON, JAVA, MAVEN]
    if command == "test":
        return [PYTHON, NPM, *([JAVA, MAVEN] if neo4j_runs_here() else [])]
    if command == "run":
        return [PYTHON, NPM]
    raise ValueError(f"unknown command {command!r}: run, neo4j or test")


def missing_lines(prerequisites: list[Prerequisite]) -> list[str]:
    """One line per missing prerequisite (none when all are there)."""
    lines = []
    for prerequisite in prerequisites:
        problem = prerequisite.problem()
        if problem is not None:
            lines.append(prerequisite.line(problem))
    return lines


def install_missing(prerequisites: list[Prerequisite]) -> None:
    """As root, apt-get install the Debian packages of the missing prerequisites."""
    packages = [p for item in prerequisites if item.problem() for p in item.apt_packages]
    if not packages or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=quiet)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=False, env=quiet)


def main(arguments: list[str]) -> int:
    """Check (and with ``--install`` first install) a command's prerequisites; 1 if missing."""
    install = "--install" in arguments
    commands = [argument for argument in arguments if argument != "--install"]
    if len(commands) != 1 or commands[0] not in ("run", "neo4j", "test"):
        print(
            "usage: python3 -m devtools.prerequisites [--install] run|neo4j|test", file=sys.stderr
        )
        return 2
    prerequisites = needed_by(commands[0])
    if install:
        install_missing(prerequisites)
    lines = missing_lines(prerequisites)
    for line in lines:
        print(f"make {commands[0]}: {line}", file=sys.stderr)
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
