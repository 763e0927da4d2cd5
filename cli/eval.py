"""``fazhi eval GOLD_DIR [FILES]``: precision, recall and F1 per category against gold files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.extract import extract_many
from cli.printing import literal
from ingest.evaluate import Evaluation, evaluate, load_gold

out = Console(highlight=False, soft_wrap=True)

DEFAULT_REPORTS = Path("samples/reports")
DEFAULT_REALWORLD_TEXTS = Path("devset/texts")


def register(app: typer.Typer) -> None:
    """Add the ``eval`` command to ``app``."""
    app.command("eval")(eval_command)


def eval_command(
    gold_dir: Annotated[Path, typer.Argument(help="Folder of gold *.json files.")],
    files: Annotated[
        list[Path] | None, typer.Argument(help="Report files (default: those gold names).")
    ] = None,
    reports: Annotated[
        Path, typer.Option(help="Where to find the reports gold names, when FILES are not given.")
    ] = DEFAULT_REPORTS,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List every miss.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    realworld: Annotated[
        bool,
        typer.Option(
            "--realworld",
            help="GOLD_DIR is the real-world set (tests/realworld): score its local texts.",
        ),
    ] = False,
    texts: Annotated[
        Path, typer.Option(help="With --realworld: the folder of the set's local texts.")
    ] = DEFAULT_REALWORLD_TEXTS,
) -> None:
    """Score extraction against gold annotations (schema: tests/gold/README.md).

    With ``--realworld``, against the real-world set's annotations (tests/realworld/README.md),
    for the pages whose text is on this machine.
    """
    from config import get_settings

    if realworld:
        _eval_realworld(gold_dir, texts, verbose=verbose, as_json=as_json)
        return
    gold = load_gold(gold_dir)
    if not gold:
        raise typer.BadParameter(f"no gold *.json files in {gold_dir}", param_hint="GOLD_DIR")
    paths = files or [reports / gold[stem]["file"] for stem in gold]
    extractions = [
        x for x in extract_many(paths, settings=get_settings()) if Path(x.source).stem in gold
    ]
    result = evaluate((x, gold[Path(x.source).stem]) for x in extractions)
    if as_json:
        print(json.dumps(evaluation_json(result), ensure_ascii=False, indent=2))
    else:
        print_evaluation(result, verbose=verbose)
    if not extractions:
        raise typer.Exit(code=1)


def _eval_realworld(root: Path, texts: Path, *, verbose: bool, as_json: bool) -> None:
    """Score the real-world pages present in ``texts``; exit 1 when none is."""
    from config import get_settings
    from ingest.evaluate_realworld import evaluate_realworld_file, load_realworld

    pages, missing = load_realworld(root, texts)
    if not pages:
        absent = f"({len(missing)} annotated pages missing)"
        out.print(f"no texts of {literal(root)} in {literal(texts)} {absent}")
        raise typer.Exit(code=1)
    by_source = {str(page.text_path): page for page in pages}
    extracted = extract_many([page.text_path for page in pages], settings=get_settings())
    result = Evaluation(
        [evaluate_realworld_file(x, by_source[x.source].annotation) for x in extracted]
    )
    if missing:
        out.print(
            f"{len(missing)} annotated pages have no local text: {literal(' '.join(missing))}"
        )
    if as_json:
        print(json.dumps(evaluation_json(result), ensure_ascii=False, indent=2))
    else:
        print_evaluation(result, verbose=verbose)


def evaluation_json(result: Evaluation) -> dict[str, Any]:
    """Scores and ratios as JSON-able data."""
    scores = {
        c: {
            "precision": s.precision,
            "recall": s.recall,
            "f1": s.f1,
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
        }
        for c in result.categories()
        for s in [result.score(c)]
    }
    ratios = {
        n: {"right": r, "total": t} for n in result.ratio_names() for r, t in [result.ratio(n)]
    }
    return {"files": [f.file for f in result.files], "scores": scores, "ratios": ratios}


def print_evaluation(result: Evaluation, *, verbose: bool) -> None:
    """Tables of scores and ratios, and the misses when asked."""
    table = Table(
        "category",
        "precision",
        "recall",
        "F1",
        "tp",
        "fp",
        "fn",
        title=f"{len(result.files)} files",
    )
    for category in result.categories():
        s = result.score(category)
        table.add_row(
            category,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    out.print(table)
    ratios = Table("check", "right", "of", "share")
    for name in result.ratio_names():
        right, total = result.ratio(name)
        ratios.add_row(name, str(right), str(total), f"{right / total:.3f}" if total else "-")
    out.print(ratios)
    if verbose:
        for report in result.files:
            for category, misses in report.misses.items():
                for miss in misses:
                    out.print(f"{literal(report.file)} {category}: {literal(miss)}")
