"""Extraction → graph rows (pure): what one report asserts, before any store sees it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graph.model import Label, Rel
from graph.rows import ReportRows, merge_edge_props, merge_props, rows_for
from graph.store import Edge
from ingest.extract.issuers import with_issuers
from ingest.model import Attribution, Extraction, Mention, PolicyRef, ReportMeta
from ingest.vocabulary import PolicyKind
from tests import store_fixtures as fx


def rows(extraction: Extraction, cap: int = 3) -> ReportRows:
    return rows_for(extraction, evidence_cap=cap)


def node_props(result: ReportRows, label: Label, key: str) -> dict[str, Any]:
    [node] = [n for n in result.nodes if (n.label, n.key) == (label, key)]
    return dict(node.props)


def edges(result: ReportRows, rel: Rel) -> list[Edge]:
    return [edge for edge in result.edges if edge.type == rel]


def targets(result: ReportRows, rel: Rel) -> set[str]:
    return {edge.target[1] for edge in edges(result, rel)}


def test_report_node_carries_the_metadata() -> None:
    result = rows(fx.report_a())
    assert result.nodes[0].label == Label.REPORT
    props = node_props(result, Label.REPORT, "a" * 16)
    assert props.pop("facts_digest") == result.digest
    assert props == {
        "title": "郧阳区2019年法治政府建设年度报告",
        "year": 2019,
        "published": "2020-01-15",
        "author": "郧阳区人民政府",
        "source": "reports/yunyang-2019.txt",
        "region_code": "420304",
        "char_count": len(fx.TEXT_A),
        "needs_review": False,
    }


def test_report_node_carries_the_attributions_flat() -> None:
    meta = replace(
        fx.report_a().report,
        region_attribution=Attribution("self_reference", 0.55),
        year_attribution=Attribution("publication_date", 0.5, inferred=True),
        needs_review=True,
    )
    props = node_props(rows(replace(fx.report_a(), report=meta)), Label.REPORT, "a" * 16)
    assert {k: v for k, v in props.items() if k.split("_")[0] in ("region", "year", "needs")} == {
        "region_code": "420304",
        "region_source": "self_reference",
        "region_confidence": 0.55,
        "region_inferred": False,
        "year": 2019,
        "year_source": "publication_date",
        "year_confidence": 0.5,
        "year_inferred": True,
        "needs_review": True,
    }
    assert not any(name.startswith("author_") for name in props)  # no attribution, no property


def test_facts_digest_follows_the_facts_not_the_path() -> None:
    report = fx.report_a()
    moved = replace(report, source="elsewhere/yunyang-2019.txt")
    corrected = replace(report, report=replace(report.report, year=2020))
    assert rows(moved).digest == rows(report).digest
    assert rows(corrected).digest != rows(report).digest


def test_no_property_is_none_and_lists_are_lists() -> None:
    for extraction in [*fx.all_reports(), fx.report_a_changed()]:
        result = rows(extraction)
        for props in [n.props for n in result.nodes] + [e.props for e in result.edges]:
            assert None not in props.values()
            assert not any(isinstance(value, tuple) for value in props.values())


def test_short_title_cites_the_regions_own_plan() -> None:
    result = rows(fx.report_a())
    assert "法治政府建设实施方案(2016-2020年)" not in {n.key for n in result.of_label(Label.POLICY)}
    [cites] = [e for e in edges(result, Rel.CITES) if e.target[1] == fx.OWN_PLAN]
    assert cites.props["count"] == 2
    assert len(cites.props["evidence_text"]) == 1  # both mentions sit in one sentence
    aliases = node_props(result, Label.POLICY, fx.OWN_PLAN)["aliases"]
    assert "法治政府建设实施方案(2016—2020年)" in aliases


def test_title_with_number_is_one_policy_and_loose_numbers_are_their_own() -> None:
    notice = node_props(rows(fx.report_a()), Label.POLICY, fx.NOTICE)
    assert notice["doc_number"] == fx.NOTICE_NUMBER
    assert notice["year"] == 2019
    assert fx.NOTICE_NUMBER in notice["aliases"]
    loose = node_props(rows(fx.report_c()), Label.POLICY, fx.LOOSE_NUMBER)
    assert loose == {
        "doc_number": fx.LOOSE_NUMBER,
        "year": 2020,
        "aliases": [fx.LOOSE_NUMBER],
    }
    assert {fx.LOOSE_NUMBER, fx.PROVINCE_PLAN_NUMBER} == targets(rows(fx.report_c()), Rel.CITES)


def test_policy_links_issuer_region_and_nesting() -> None:
    result = rows(fx.report_a())
    assert {(e.source[1], e.target[1]) for e in edges(result, Rel.ISSUED_BY)} == {
        (fx.NOTICE, "郧阳区人民政府办公室")  # the longest institution at the title's start
    }
    assert {(e.source[1], e.target[1]) for e in edges(result, Rel.IMPLEMENTS)} == {
        (fx.NESTING_PLAN, fx.PROVINCE_PLAN)
    }
    issued_in = {(e.source[1], e.target[1]) for e in edges(result, Rel.ISSUED_IN)}
    assert (fx.PROVINCE_PLAN, "420000") in issued_in
    assert (fx.LAW, "420000") not in issued_in  # national: no region


def test_issuer_found_by_name_when_mentions_do_not_line_up() -> None:
    x = fx.report_a()
    institutions = tuple(replace(i, mentions=()) for i in x.institutions)
    policies = with_issuers((replace(p, issuer=None) for p in x.policies), institutions)
    result = rows(replace(x, institutions=institutions, policies=policies))
    assert targets(result, Rel.ISSUED_BY) == {"郧阳区人民政府办公室"}


def test_nested_title_without_its_own_ref_still_becomes_a_policy() -> None:
    x = fx.report_a()
    policies = tuple(p for p in x.policies if p.canonical != fx.PROVINCE_PLAN)
    result = rows(replace(x, policies=policies))
    assert node_props(result, Label.POLICY, fx.PROVINCE_PLAN) == {
        "title": fx.PROVINCE_PLAN,
        "aliases": [fx.PROVINCE_PLAN],
    }
    assert fx.PROVINCE_PLAN not in targets(result, Rel.CITES)


def test_author_resolves_to_an_institution_or_becomes_one() -> None:
    assert targets(rows(fx.report_a()), Rel.AUTHORED_BY) == {"郧阳区人民政府"}
    result = rows(fx.report_b())
    assert targets(result, Rel.AUTHORED_BY) == {"房县县委县政府"}
    assert node_props(result, Label.INSTITUTION, "房县县委县政府") == {"name": "房县县委县政府"}


def test_author_node_is_the_institution_extraction_decided() -> None:
    x = fx.report_b()
    meta = replace(x.report, author_institution="房县人民政府")
    assert targets(rows(replace(x, report=meta)), Rel.AUTHORED_BY) == {"房县人民政府"}


def test_issuer_comes_from_the_policy_ref_not_from_the_title() -> None:
    x = fx.report_a()
    policies = tuple(replace(p, issuer=None) for p in x.policies)
    assert not edges(rows(replace(x, policies=policies)), Rel.ISSUED_BY)


def test_regions_are_the_referenced_ones_and_their_ancestors() -> None:
    result = rows(fx.report_b())
    assert {n.key for n in result.of_label(Label.REGION)} == {"420000", "420300", "420325"}
    part_of = {(e.source[1], e.target[1]) for e in edges(result, Rel.PART_OF)}
    assert part_of == {("420325", "420300"), ("420300", "420000")}
    assert targets(result, Rel.ABOUT) == {"420325"}
    unreferenced = replace(fx.report_c(), region_info=(fx.HUBEI, fx.SHIYAN, fx.FANGXIAN))
    assert "420325" not in {n.key for n in rows(unreferenced).of_label(Label.REGION)}


def test_evidence_is_deduplicated_capped_and_counted() -> None:
    text = "甲《法》。乙《法》。丙《法》《法》。丁《法》。"
    starts = [i for i, ch in enumerate(text) if ch == "《"]
    mentions = tuple(Mention(s, s + 3) for s in starts)
    policy = PolicyRef("法", "法", PolicyKind.LAW, mentions)
    x = Extraction("t.txt", "r", text, ReportMeta(), policies=(policy,))
    [cites] = edges(rows(x, cap=2), Rel.CITES)
    assert cites.props == {
        "count": 5,
        "evidence_text": ["甲《法》。", "乙《法》。"],
        "evidence_start": [0, 5],
        "evidence_end": [5, 10],
    }


def test_entities_without_mentions_are_still_tied_to_the_report() -> None:
    x = fx.report_c()
    result = rows(replace(x, programs=(replace(x.programs[0], mentions=()),)))
    [mention] = [e for e in edges(result, Rel.MENTIONS) if e.target[0] == Label.PROGRAM]
    assert mention.props == {"count": 0}


def test_merge_props_keeps_values_and_unions_aliases() -> None:
    merged = merge_props({"kind": "law", "year": 2016, "aliases": ["b", "a"]}, {"aliases": ["c"]})
    assert merged == {"kind": "law", "year": 2016, "aliases": ["a", "b", "c"]}
    assert merge_props({"kind": "law"}, {"kind": "other"}) == {"kind": "other"}


def test_merge_edge_props_adds_counts_and_keeps_the_first_sentences() -> None:
    first = {
        "count": 2,
        "evidence_text": ["b", "d"],
        "evidence_start": [5, 20],
        "evidence_end": [6, 21],
    }
    second = {"count": 1, "evidence_text": ["a"], "evidence_start": [1], "evidence_end": [2]}
    merged = merge_edge_props(first, second, evidence_cap=2)
    assert merged == {
        "count": 3,
        "evidence_text": ["a", "b"],
        "evidence_start": [1, 5],
        "evidence_end": [2, 6],
    }
    assert merge_edge_props({}, {}, evidence_cap=2) == {}
