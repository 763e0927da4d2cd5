"""Bounded reads: what a hostile file costs now, and what the bounds cost a normal file.

Each hostile case runs in a fresh interpreter, so its wall time and peak memory (RSS) are its
own: a .docx bomb inflating to ``--bomb-mb`` MB (issue 13 measured 200 MB: over 300 s and
3.7 GB before the bound), HTML nested 1,000 and 5,000 levels deep (and 20, the control: a
first read in a fresh process loads the gazetteer and the word lists), a FIFO. Then, in this
process: the inflated-size check on a normal .docx against the whole read, and the per-file
time limit's cost.

Run: ``uv run python -m bench.reads [--bomb-mb 200]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from config import get_settings
from ingest.limits import time_limit
from ingest.readers import check_inflated_size, read_document

_CASE = """
import sys, time
from pathlib import Path
from config import get_settings
from ingest.pipeline import try_extract_file
started = time.perf_counter()
outcome = try_extract_file(Path(sys.argv[1]), settings=get_settings())
line = outcome if isinstance(outcome, str) else f"read: {len(outcome.text)} characters"
print(f"{time.perf_counter() - started:.3f}\\t{line[-90:]}")
"""
_BASELINE = "import ingest.pipeline, ingest.readers, pypdf, docx, trafilatura"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bomb-mb", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fz-reads-") as folder:
        cases = make_cases(Path(folder), args.bomb_mb)
        _, baseline_rss = run_child(["-c", _BASELINE])
        print(f"baseline interpreter with the readers imported: {baseline_rss:.0f} MB peak RSS")
        print("case\tseconds (read+extract)\tpeak RSS MB\toutcome")
        for name, path in cases.items():
            output, rss = run_child(["-c", _CASE, str(path)])
            seconds, _, line = output.partition("\t")
            print(f"{name}\t{seconds}\t{rss:.0f}\t{line}")
        docx_overhead(Path(folder))
    limit_overhead()


def make_cases(folder: Path, bomb_mb: int) -> dict[str, Path]:
    from tests.test_bounded_reads import bomb_docx, deep_html

    fifo = folder / "pipe.txt"
    os.mkfifo(fifo)
    return {
        f"docx bomb ({bomb_mb} MB inflated)": bomb_docx(folder / "bomb.docx", bomb_mb * 2**20),
        "HTML 20 levels deep (control)": deep_html(folder / "deep20.html", 20),
        "HTML 1000 levels deep": deep_html(folder / "deep1000.html", 1000),
        "HTML 5000 levels deep": deep_html(folder / "deep5000.html", 5000),
        "FIFO": fifo,
    }


def run_child(args: list[str]) -> tuple[str, float]:
    """The child's stdout and its peak RSS in MB."""
    child = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read().strip()
    _, _, usage = os.wait4(child.pid, 0)
    return output, usage.ru_maxrss / 1024


def docx_overhead(folder: Path, paragraphs: int = 3000) -> None:
    from tests.test_bounded_reads import real_docx

    text = "\n".join(["本年度全面推进依法行政，法治政府建设取得新成效。"] * paragraphs)
    path = real_docx(folder / "normal.docx", text)
    data = path.read_bytes()
    check = best_of(lambda: check_inflated_size("normal.docx", data, 64 * 2**20))
    whole = best_of(lambda: read_document(path, settings=get_settings()))
    print(
        f"normal .docx ({len(data) / 1024:.0f} KB, {paragraphs} paragraphs): inflated-size "
        f"check {check * 1000:.1f} ms of a {whole * 1000:.1f} ms read ({check / whole:.1%})"
    )


def limit_overhead(calls: int = 10_000) -> None:
    started = time.perf_counter()
    for _ in range(calls):
        with time_limit(60.0, "x"):
            pass
    per_call = (time.perf_counter() - started) / calls
    print(f"per-file time limit (arm and disarm SIGALRM): {per_call * 1e6:.1f} µs a file")


def best_of(work: Callable[[], object], runs: int = 5) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


if __name__ == "__main__":
    main()
