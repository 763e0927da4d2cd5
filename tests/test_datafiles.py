"""The one reader of bundled data files: comments and blanks skipped, lines kept as written."""

from __future__ import annotations

from pathlib import Path

from ingest.datafiles import DATA_DIR, data_lines, data_path


def test_entries_keep_their_line_numbers_and_spacing(tmp_path: Path) -> None:
    path = tmp_path / "forms.tsv"
    path.write_text("# header\n\n  \n甲\t乙 \n  # indented comment\n丙\n", encoding="utf-8")
    assert list(data_lines(path)) == [(4, "甲\t乙 "), (6, "丙")]


def test_names_resolve_inside_the_bundled_data_directory() -> None:
    assert data_path("laws.txt") == DATA_DIR / "laws.txt"
    assert any("中华人民共和国宪法" in line for _, line in data_lines("laws.txt"))
