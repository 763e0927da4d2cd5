"""The ``fazhi`` command end to end: extract, eval and ingest on real files, both stores."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from typer.testing import CliRunner, Result

from cli import app, export, options
from config import Settings
from config.settings import StoreKind
from graph.export import FORMATS
from ingest.pipeline import extract_file

SAMPLES = Path(__file__).parent.parent / "samples" / "reports"
GOLD = Path(__file__).parent / "gold"
SAMPLE = SAMPLES / "001_61e82024cf361030.txt"


def fazhi(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def bad_files(tmp_path: Path) -> list[Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)
    unsupported = tmp_path / "report.xyz"
    unsupported.write_text("通江县2019年度法治政府建设工作情况报告", encoding="utf-8")
    return [empty, binary, huge, unsupported]


# What the command line must not load before a command needs it: the stores, the API, pandas,
# the readers of other formats, the traditional-character converter (a simplified text).
HEAVY = ["jieba", "neo4j", "networkx", "pandas", "strawberry", "fastapi", "uvicorn", "pypdf",
         "trafilatura", "docx", "opencc", "pydantic_settings"]  # fmt: skip
NOT_FOR_EXTRACT = [m for m in HEAVY if m not in ("jieba", "pydantic_settings")]


def fazhi_process(*args: str) -> subprocess.CompletedProcess[str]:
    """``fazhi ARGS`` in a fresh interpreter; its last stderr line lists the modules it loaded."""
    code = (
        "import atexit, sys; atexit.register(lambda: print('modules:', *sorted(sys.modules),"
        " file=sys.stderr)); from cli import app; sys.argv[0] = 'fazhi'; app()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=SAMPLES.parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def loaded_packages(process: subprocess.CompletedProcess[str]) -> set[str]:
    last = process.stderr.strip().splitlines()[-1]
    assert last.startswith("modules:"), process.stderr
    return {name.split(".")[0] for name in last.split()[1:]}


def test_help_loads_no_library_a_command_needs() -> None:
    process = fazhi_process("--help")
    assert process.returncode == 0, process.stderr
    assert "extract" in process.stdout
    assert sorted(loaded_packages(process).intersection(HEAVY)) == []


def test_extracting_a_text_file_loads_no_store_api_or_other_reader() -> None:
    fazhi_process("extract", str(SAMPLE))  # a first run may fill the caches (gazetteer, script)
    process = fazhi_process("extract", "--json", str(SAMPLE))
    assert process.returncode == 0, process.stderr
    assert json.loads(process.stdout)["report"]["region_code"] == "511921"
    assert sorted(loaded_packages(process).intersection(NOT_FOR_EXTRACT)) == []


def test_a_broken_pdf_is_one_error_line_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + bytes(range(256)) * 4)
    process = fazhi_process("extract", str(path))
    assert process.returncode == 1
    lines = process.stderr.strip().splitlines()[:-1]  # the last line lists the modules
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {path}: not a readable PDF")
    assert "EOF marker not found" in lines[0]  # pypdf's log line, told in the error line


def test_option_choices_spelled_in_the_cli_agree_with_their_sources() -> None:
    assert get_args(options.StoreKind) == get_args(StoreKind)
    assert get_args(export.ExportFormat) == FORMATS


def test_extract_json_of_one_file_is_one_object() -> None:
    result = fazhi("extract", str(SAMPLE), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["report"]["region_code"] == "511921"
    policy = data["policies"][0]
    assert set(policy) >= {"title", "canonical", "kind", "doc_number", "issuer_region", "mentions"}
    assert json.loads(fazhi("extract", str(SAMPLE), "--json").stdout) == data  # deterministic


def test_extract_summary_names_the_evidence_and_what_needs_review(tmp_path: Path) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("一年来，县政府坚持依法行政，推进法治政府建设。", encoding="utf-8")
    result = fazhi("extract", str(SAMPLE), str(weak))
    assert result.exit_code == 0, result.output
    assert "[511921] (title 0.95) | year 2019 (title 0.95)" in result.stdout
    assert "(signature 0.90)" in result.stdout
    assert "needs review" in result.stdout
    assert "warning: report region not found" in result.stdout


def test_extract_mentions_point_at_the_written_title() -> None:
    path = SAMPLES / "000_f81b65d6a8d0adf5.txt"
    data = json.loads(fazhi("extract", str(path), "--json").stdout)
    text = extract_file(path).text
    for policy in data["policies"]:
        for mention in policy["mentions"]:
            written = text[mention["start"] : mention["end"]]
            assert written in (policy["title"], *policy["variants"]), written


def test_bad_files_get_one_line_each_and_the_rest_is_extracted(bad_files: list[Path]) -> None:
    result = fazhi("extract", str(SAMPLE), *map(str, bad_files), "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(bad_files), lines
    for path, reason in zip(
        bad_files,
        ["empty file", "binary", "larger than the limit", "unsupported extension"],
        strict=True,
    ):
        assert any(str(path) in line and reason in line for line in lines), (path, lines)


def test_nothing_extracted_exits_non_zero(bad_files: list[Path]) -> None:
    result = fazhi("extract", *map(str, bad_files))
    assert result.exit_code == 1
    assert result.stdout == ""


def test_eval_prints_every_category() -> None:
    result = fazhi("eval", str(GOLD), "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)["scores"]
    assert set(scores) >= {"policies", "doc_numbers", "regions", "institutions", "programs"}
    assert scores["doc_numbers"]["f1"] == 1.0


def test_ingest_is_idempotent_and_replaces_a_changed_file(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    shutil.copytree(SAMPLES, reports)
    data = ["--data-dir", str(tmp_path / "store")]
    first = fazhi("ingest", str(reports), *data)
    assert "5 new, 0 unchanged, 0 replaced, 0 failed" in first.stdout, first.output
    before = json.loads(fazhi("stats", "--json", *data).stdout)
    again = fazhi("ingest", str(reports), *data)
    assert "0 new, 5 unchanged, 0 replaced" in again.stdout
    assert json.loads(fazhi("stats", "--json", *data).stdout) == before

    edited = reports / SAMPLE.name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n严格落实《新增条例》。\n", "utf-8")
    changed = fazhi("ingest", str(reports), *data)
    assert "0 new, 4 unchanged, 1 replaced" in changed.stdout, changed.output
    after = json.loads(fazhi("stats", "--json", *data).stdout)
    assert after["nodes"]["Report"] == 5
    assert after["nodes"]["Policy"] == before["nodes"]["Policy"] + 1
    assert after["relationships"]["CITES"] == before["relationships"]["CITES"] + 1


def test_ingest_names_bad_files_and_goes_on(tmp_path: Path, bad_files: list[Path]) -> None:
    result = fazhi("ingest", str(SAMPLE), *map(str, bad_files), "--data-dir", str(tmp_path / "s"))
    assert result.exit_code == 0
    assert "1 new" in result.stdout
    assert f"{len(bad_files)} failed" in result.stdout
    for path in bad_files:
        assert str(path) in result.stderr


def _neo4j_env(settings: Settings) -> dict[str, str]:
    return {
        "FAZHI_STORE": "neo4j",
        "NEO4J_URI": settings.neo4j_uri,
        "NEO4J_USER": settings.neo4j_user,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": settings.neo4j_database,
    }


@pytest.mark.neo4j
def test_both_stores_hold_the_same_graph(tmp_path: Path, neo4j_settings: Settings) -> None:
    env = _neo4j_env(neo4j_settings)
    assert fazhi("delete", "--all", "--yes", env=env).exit_code == 0
    memory = ["--store", "memory", "--data-dir", str(tmp_path / "m")]
    assert fazhi("ingest", str(SAMPLES), *memory).exit_code == 0
    neo4j = fazhi("ingest", str(SAMPLES), env=env)
    assert "5 new" in neo4j.stdout, neo4j.output
    memory_stats = json.loads(fazhi("stats", "--json", *memory).stdout)
    assert json.loads(fazhi("stats", "--json", env=env).stdout) == memory_stats
    assert "5 unchanged" in fazhi("ingest", str(SAMPLES), env=env).stdout
    assert json.loads(fazhi("stats", "--json", env=env).stdout) == memory_stats
    fazhi("delete", "--all", "--yes", env=env)


@pytest.mark.neo4j
def test_unreachable_neo4j_is_one_clear_error_naming_the_uri(neo4j_settings: Settings) -> None:
    env = {**_neo4j_env(neo4j_settings), "NEO4J_URI": "bolt://127.0.0.1:1"}
    result = fazhi("ingest", str(SAMPLE), env=env)  # how long it takes: python -m bench.timeouts
    assert result.exit_code != 0
    assert "bolt://127.0.0.1:1" in result.stderr


@pytest.mark.neo4j
def test_wrong_password_is_one_clear_error_and_writes_nothing(neo4j_settings: Settings) -> None:
    env = _neo4j_env(neo4j_settings)
    fazhi("delete", "--all", "--yes", env=env)
    result = fazhi("ingest", str(SAMPLE), env={**env, "NEO4J_PASSWORD": "not-the-password"})
    assert result.exit_code != 0
    assert neo4j_settings.neo4j_uri in result.stderr
    assert json.loads(fazhi("stats", "--json", env=env).stdout)["nodes"] == {}


@pytest.mark.parametrize(
    "command",
    [
        ["ingest", str(SAMPLE)],
        ["export", "--format", "jsonl", "--out", "graph.jsonl"],
        ["stats"],
        ["delete", "some-report-id"],
        ["query", "top_cited_policies"],
    ],
)
def test_every_store_command_turns_an_unreadable_store_into_exit_code_2(
    tmp_path: Path, command: list[str]
) -> None:
    data_dir = tmp_path / "store"
    data_dir.mkdir()
    (data_dir / "graph.pickle").write_bytes(b"not a graph")
    result = fazhi(*command, "--data-dir", str(data_dir))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read the graph file")
    assert str(data_dir / "graph.pickle") in result.stderr
