"""Start-up time of the ``fazhi`` command: wall time of fresh processes, min and median.

Run: ``uv run python -m bench.cli [--runs 10] [--bytecode both] [--importtime 12]``.

Each command runs ``--runs`` times, each time in a new process, as a user would type it. Two
conditions: ``cached`` — compiled bytecode is kept (in ``bench/out/pycache``, after one warm-up
run), as after any normal install; ``none`` — every module is compiled from source on every
run, as in a shell with ``PYTHONDONTWRITEBYTECODE=1`` and a virtualenv holding no ``.pyc``
files. The caches of the extraction itself (jieba's dictionary cache, the gazetteer pickle in
``~/.cache/fazhi``) are warm in both: the warm-up run fills them. ``--importtime N`` lists the N
modules slowest to import (self time, from ``python -X importtime``) for each command.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SAMPLE = "samples/reports/000_f81b65d6a8d0adf5.txt"
PYCACHE = Path("bench/out/pycache")
COMMANDS: dict[str, tuple[list[str], float]] = {
    # name: (arguments, the target wall time in seconds)
    "fazhi --help": (["--help"], 1.0),
    "fazhi extract": (["extract", SAMPLE], 2.0),
    "fazhi extract --json": (["extract", "--json", SAMPLE], 2.0),
}


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall times of one command in one condition."""

    command: str
    condition: str
    seconds: list[float]
    target: float

    def line(self) -> str:
        """One row: command, condition, min, median, max, runs, and the target verdict."""
        best, middle = min(self.seconds), statistics.median(self.seconds)
        verdict = "ok" if middle < self.target else "OVER"
        return (
            f"{self.command:<22} {self.condition:<7} min {best:6.2f} s  median {middle:6.2f} s"
            f"  max {max(self.seconds):6.2f} s  ({len(self.seconds)} runs; "
            f"target < {self.target:g} s: {verdict})"
        )


def fazhi_command(args: Sequence[str], *, python_flags: Sequence[str] = ()) -> list[str]:
    """The process to start: the installed ``fazhi`` script's code, run by this interpreter."""
    code = "import sys; from cli import app; sys.argv[0] = 'fazhi'; app()"
    return [sys.executable, *python_flags, "-c", code, *args]


@contextmanager
def bytecode_env(condition: str) -> Iterator[dict[str, str]]:
    """The environment of the ``cached`` or ``none`` condition (see the module docstring)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if condition == "cached":
        PYCACHE.mkdir(parents=True, exist_ok=True)
        yield {**env, "PYTHONPYCACHEPREFIX": str(PYCACHE.resolve())}
        return
    with tempfile.TemporaryDirectory(prefix="fazhi-no-pyc-") as empty:
        # An empty cache prefix hides any __pycache__ next to the sources; nothing is written.
        yield {**env, "PYTHONPYCACHEPREFIX": empty, "PYTHONDONTWRITEBYTECODE": "1"}


def run_once(args: Sequence[str], env: dict[str, str]) -> float:
    """Wall time of one fresh process; a failing command stops the benchmark."""
    started = time.perf_counter()
    done = subprocess.run(fazhi_command(args), env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"fazhi {' '.join(args)} failed:\n{done.stderr.decode(errors='replace')}")
    return seconds


def measure(condition: str, runs: int) -> list[Timing]:
    """Every command ``runs`` times in ``condition``, after one warm-up run each."""
    timings = []
    with bytecode_env(condition) as env:
        for name, (args, target) in COMMANDS.items():
            run_once(args, env)  # fills the bytecode (cached) and the extraction caches
            seconds = [run_once(args, env) for _ in range(runs)]
            timings.append(Timing(name, condition, seconds, target))
            print(timings[-1].line(), flush=True)
    return timings


def import_offenders(args: Sequence[str], top: int) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, module) of the ``top`` slowest imports of one command."""
    with bytecode_env("cached") as env:
        command = fazhi_command(args, python_flags=["-X", "importtime"])
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "self [us]" not in line:
            own, cumulative, module = line.removeprefix("import time:").split("|")
            rows.append((int(own), int(cumulative), module.strip()))
    return sorted(rows, reverse=True)[:top]


def main() -> None:
    """Measure the commands in the chosen conditions; list the slowest imports when asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="processes per command")
    parser.add_argument("--bytecode", choices=["cached", "none", "both"], default="both")
    parser.add_argument("--importtime", type=int, default=0, metavar="N", help="top N imports")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, {sys.executable}")
    for condition in ("cached", "none") if args.bytecode == "both" else (args.bytecode,):
        measure(condition, args.runs)
    for name, (command_args, _) in COMMANDS.items() if args.importtime else ():
        print(f"\nslowest imports of {name} (bytecode cached; self / cumulative ms):")
        for own, cumulative, module in import_offenders(command_args, args.importtime):
            print(f"  {own / 1000:8.1f} {cumulative / 1000:8.1f}  {module}")


if __name__ == "__main__":
    main()
