"""A researcher's corrections file (ingest/corrections.py): read, checked, applied to extractions.

Fixture report A (``tests/store_fixtures.py``) is 郧阳区 2019; the gazetteer is the real one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.model import Label, Rel
from graph.rows import rows_for
from ingest.corrections import (
    Corrections,
    CorrectionsError,
    apply_corrections,
    lines_used,
    load_corrections,
    parse_corrections,
    unused,
)
from ingest.model import Attribution, Extraction
from tests import store_fixtures as fx

HEADER = "report,region_code,year,author,policy,policy_title,policy_kind,note\n"
CORRECTED = Attribution("correction", 1.0)


def parsed(*lines: str, header: str = HEADER) -> Corrections:
    return parse_corrections(header + "".join(f"{line}\n" for line in lines), file="fix.csv")


def flagged_a() -> Extraction:
    """Report A as extraction left it: region weakly attested, so flagged."""
    report = fx.report_a()
    meta = replace(
        report.report, region_attribution=Attribution("self_reference", 0.55), needs_review=True
    )
    return replace(report, report=meta)


# --- reading ---------------------------------------------------------------------------------
def test_an_unknown_column_is_named_and_the_known_ones_still_apply() -> None:
    fixes = parsed("reports/yunyang-2019.txt,2018,红", header="report,year,colour\n")
    assert fixes.problems == (
        "fix.csv:1: colour: unknown column (known: report, region_code, year, author, policy, "
        "policy_title, policy_kind, note)",
    )
    assert apply_corrections(fx.report_a(), fixes).report.year == 2018


def test_an_unknown_region_code_is_named_with_line_and_field_and_the_year_still_applies() -> None:
    fixes = parsed(",,,", "reports/yunyang-2019.txt,990101,2018")
    assert fixes.problems == (
        "fix.csv:3: region_code: unknown region code '990101' (not in the GB/T 2260 gazetteer)",
    )
    fixed = apply_corrections(fx.report_a(), fixes)
    assert (fixed.report.region_code, fixed.report.year) == ("420304", 2018)


@pytest.mark.parametrize("year", ["2o19", "19", "20190", "1949"])
def test_a_bad_year_is_named(year: str) -> None:
    fixes = parsed(f"reports/yunyang-2019.txt,,{year}")
    assert fixes.problems == (f"fix.csv:2: year: '{year}' is not a year (1980-2100)",)
    assert fixes.lines == ()


def test_a_year_may_be_written_with_its_character() -> None:
    assert parsed("r1,,2019年").lines[0].year == 2019


def test_a_policy_kind_outside_the_model_is_named() -> None:
    fixes = parsed("*,,,,行政处罚法,,statute")
    assert fixes.problems[0].startswith("fix.csv:2: policy_kind: unknown policy kind 'statute'")


def test_a_file_without_a_report_column_corrects_nothing() -> None:
    fixes = parse_corrections("id,year\nr1,2019\n", file="fix.csv")
    assert fixes.lines == ()
    assert "fix.csv:1: report: missing column (each line names its report)" in fixes.problems


def test_star_lines_fix_policies_only() -> None:
    fixes = parsed("*,420304,,,行政处罚法,,law")
    assert fixes.problems == ("fix.csv:2: report: '*' applies to the policy columns only",)
    [line] = fixes.lines
    assert (line.region_code, line.policy_kind) == (None, "law")


def test_a_policy_fix_must_name_its_policy() -> None:
    fixes = parsed("r1,,,,,新标题,")
    assert fixes.problems == (
        "fix.csv:2: policy: empty (which policy do policy_title/policy_kind fix?)",
    )


def test_a_spreadsheet_saved_in_gb18030_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fix.csv"
    path.write_bytes(f"{HEADER}r1,,,某某县人民政府\n".encode("gb18030"))
    assert load_corrections(path).lines[0].author == "某某县人民政府"


def test_a_missing_file_is_an_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(CorrectionsError, match=r"nothere\.csv: cannot read"):
        load_corrections(tmp_path / "nothere.csv")


# --- applying --------------------------------------------------------------------------------
def test_a_region_correction_fixes_code_name_path_and_the_graph_rows() -> None:
    fixed = apply_corrections(flagged_a(), parsed("reports/yunyang-2019.txt,420325"))
    meta = fixed.report
    assert (meta.region_code, meta.region, meta.region_path) == (
        "420325",
        "房县",
        ("湖北省", "十堰市", "房县"),
    )
    assert (meta.region_attribution, meta.needs_review) == (CORRECTED, False)
    rows = rows_for(fixed, evidence_cap=3)
    about = [edge.target for edge in rows.edges if edge.type == Rel.ABOUT]
    assert about == [(Label.REGION, "420325")]
    [fangxian] = [n for n in rows.nodes if (n.label, n.key) == (Label.REGION, "420325")]
    assert fangxian.props["full_name"] == "湖北省十堰市房县"


def test_a_report_is_named_by_id_or_by_its_path_written_another_way() -> None:
    by_id = parsed(f"{'a' * 16},,2018")
    by_path = parsed("./reports/../reports/yunyang-2019.txt,,2018")
    assert apply_corrections(fx.report_a(), by_id).report.year == 2018
    assert apply_corrections(fx.report_a(), by_path).report.year == 2018
    assert apply_corrections(fx.report_b(), by_id) == fx.report_b()


def test_year_and_author_corrections_are_attributed_to_the_correction() -> None:
    fixed = apply_corrections(flagged_a(), parsed("reports/yunyang-2019.txt,,2018,区司法局"))
    meta = fixed.report
    assert (meta.year, meta.year_attribution) == (2018, CORRECTED)
    assert (meta.author, meta.author_attribution) == ("区司法局", CORRECTED)
    assert meta.author_institution == "郧阳区司法局"  # the institution the author line names
    assert meta.region_attribution == Attribution("self_reference", 0.55)  # left as it was


def test_the_later_line_wins() -> None:
    fixes = parsed("reports/yunyang-2019.txt,,2017", f"{'a' * 16},,2018")
    assert apply_corrections(fx.report_a(), fixes).report.year == 2018


def test_a_policy_correction_leaves_needs_review_alone() -> None:
    fixed = apply_corrections(flagged_a(), parsed(f"{'a' * 16},,,,行政处罚法,,other"))
    assert fixed.report.needs_review is True


def test_a_policy_is_found_by_any_spelling_or_its_number_and_renamed_everywhere() -> None:
    renamed = "湖北省法治政府建设实施方案(2016-2020年)"
    fixes = parsed(f"*,,,,《{fx.PROVINCE_PLAN}》,{renamed},normative_document")
    fixed = apply_corrections(fx.report_a(), fixes)
    keys = {node.key for node in rows_for(fixed, evidence_cap=3).nodes}
    assert renamed in keys
    assert fx.PROVINCE_PLAN not in keys
    [nesting] = [p for p in fixed.policies if p.canonical == fx.NESTING_PLAN]
    assert nesting.implements == (renamed,)  # the nested title follows
    by_number = parsed(f"*,,,,{fx.PROVINCE_PLAN_NUMBER.replace('〔', '[').replace('〕', ']')},,law")
    [plan] = [p for p in apply_corrections(fx.report_b(), by_number).policies if p.doc_number]
    assert plan.kind == "law"


def test_a_short_title_that_stood_for_the_own_plan_follows_its_rename() -> None:
    fixes = parsed(f"{'a' * 16},,,,{fx.OWN_PLAN},郧阳区法治政府建设规划,")
    fixed = apply_corrections(fx.report_a(), fixes)
    [short] = [p for p in fixed.policies if p.title == "法治政府建设实施方案(2016—2020年)"]
    assert short.refers_to == "郧阳区法治政府建设规划"


def test_a_policy_the_report_does_not_cite_is_a_warning_on_that_report() -> None:
    fixed = apply_corrections(fx.report_a(), parsed(f"{'a' * 16},,,,某某办法,,other"))
    assert fixed.warnings == (
        "fix.csv:2: policy: this report does not cite '某某办法' (not applied)",
    )
    assert fixed.policies == fx.report_a().policies


def test_lines_that_corrected_nothing_in_the_batch_are_warnings() -> None:
    fixes = parsed("gone/report.txt,,2019", "*,,,,某某办法,,other", "*,,,,行政处罚法,,law")
    batch = [fx.report_a(), fx.report_b()]
    used = set().union(*(lines_used(fixes, x) for x in batch))
    assert unused(fixes, used) == [
        "fix.csv:2: report: no report 'gone/report.txt' in this batch (not applied)",
        "fix.csv:3: policy: no report of this batch cites '某某办法'",
    ]


def test_the_readme_example_reads_without_problems() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```csv\n", 1)[1].split("```", 1)[0]
    fixes = parse_corrections(example, file="README.md")
    assert fixes.problems == ()
    assert len(fixes.lines) == example.count("\n") - 1
