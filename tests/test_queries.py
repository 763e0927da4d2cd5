"""Named queries: parameter validation, the Cypher texts as strings, and the networkx twins on a
hand-built embedded graph (the shape of ``graph.model``) with known answers.

The graph: 湖北 ⊃ 十堰 ⊃ {郧阳, 茅箭}; 四川 ⊃ 巴中 ⊃ 通江; two 海州区 (阜新 in 辽宁, 连云港 in
江苏). Reports cite a law, the national outline, 郧阳's own plan, a provincial regulation and a
policy known only by its 文号.
"""

from __future__ import annotations

import re
from typing import Any, get_args

import networkx as nx
import pytest

from graph.cypher import FULLTEXT_INDEX
from graph.model import KEYS, Label, Rel, node_id
from queries import QUERIES, QueryError, get_query
from queries.search import lucene_phrase
from queries.top_cited_policies import GroupBy

LAW = "中华人民共和国行政处罚法"
OUTLINE = "法治政府建设实施纲要(2015-2020年)"
OWN_PLAN = "郧阳区法治政府建设实施方案"
OWN_NUMBER = "郧政办发〔2019〕29号"
SICHUAN_RULE = "四川省依法行政条例"
LOOSE_NUMBER = "十政发〔2020〕1号"

REGIONS = [
    ("420000", "湖北", "湖北省", "province", None),
    ("420300", "十堰", "十堰市", "prefecture", "420000"),
    ("420304", "郧阳", "郧阳区", "county", "420300"),
    ("420302", "茅箭", "茅箭区", "county", "420300"),
    ("510000", "四川", "四川省", "province", None),
    ("511900", "巴中", "巴中市", "prefecture", "510000"),
    ("511921", "通江", "通江县", "county", "511900"),
    ("210000", "辽宁", "辽宁省", "province", None),
    ("210900", "阜新", "阜新市", "prefecture", "210000"),
    ("210902", "海州", "海州区", "county", "210900"),
    ("320706", "海州", "海州区", "county", None),
]
POLICIES: list[tuple[str, dict[str, Any]]] = [
    (LAW, {"title": LAW, "kind": "law", "aliases": [LAW, "行政处罚法"]}),
    (OUTLINE, {"title": OUTLINE, "kind": "normative_document", "year": 2015}),
    (OWN_PLAN, {"title": OWN_PLAN, "kind": "normative_document", "doc_number": OWN_NUMBER}),
    (SICHUAN_RULE, {"title": SICHUAN_RULE, "kind": "local_regulation"}),
    (LOOSE_NUMBER, {"doc_number": LOOSE_NUMBER, "kind": "other", "year": 2020}),
]
# report id → (region code or None, year or None, {policy id: count})
REPORTS: dict[str, tuple[str | None, int | None, dict[str, int]]] = {
    "r1": ("420304", 2019, {LAW: 3, OUTLINE: 1, OWN_PLAN: 2}),
    "r2": ("420302", 2020, {LAW: 1, OUTLINE: 2}),
    "r3": ("511921", 2019, {LAW: 2, SICHUAN_RULE: 1}),
    "r4": ("210902", 2023, {LAW: 1, OUTLINE: 1}),
    "r5": ("320706", 2021, {OUTLINE: 1}),
    "r6": (None, 2022, {LAW: 5}),
    "r7": ("420304", None, {OUTLINE: 1}),
    "r8": ("420300", 2020, {LOOSE_NUMBER: 1, LAW: 1}),
}


def _add_node(g: nx.MultiDiGraph, label: Label, key: str, **props: Any) -> str:
    nid = node_id(label, key)
    g.add_node(nid, label=str(label), **{k: v for k, v in props.items() if v is not None})
    return nid


def _add_edge(g: nx.MultiDiGraph, source: str, rel: Rel, target: str, **props: Any) -> None:
    g.add_edge(source, target, key=str(rel), type=str(rel), **props)


def _regions(g: nx.MultiDiGraph) -> None:
    for code, name, full, level, _parent in REGIONS:
        _add_node(g, Label.REGION, code, name=full, short_name=name, full_name=full, level=level)
    for code, *_, parent in REGIONS:
        if parent:
            _add_edge(g, node_id(Label.REGION, code), Rel.PART_OF, node_id(Label.REGION, parent))


def _policies_and_issuers(g: nx.MultiDiGraph) -> None:
    for pid, props in POLICIES:
        _add_node(g, Label.POLICY, pid, **props)
    office = _add_node(g, Label.INSTITUTION, "郧阳区人民政府办公室", name="区政府办", kind="office")
    city = _add_node(g, Label.INSTITUTION, "十堰市人民政府", name="十堰市人民政府")
    _add_edge(g, office, Rel.IN_REGION, node_id(Label.REGION, "420304"))
    _add_edge(g, node_id(Label.POLICY, OWN_PLAN), Rel.ISSUED_BY, office)
    _add_edge(g, node_id(Label.POLICY, OWN_PLAN), Rel.ISSUED_IN, node_id(Label.REGION, "420304"))
    _add_edge(g, node_id(Label.POLICY, LOOSE_NUMBER), Rel.ISSUED_BY, city)
    _add_edge(
        g, node_id(Label.POLICY, LOOSE_NUMBER), Rel.ISSUED_IN, node_id(Label.REGION, "420300")
    )
    _add_edge(g, node_id(Label.POLICY, OWN_PLAN), Rel.IMPLEMENTS, node_id(Label.POLICY, OUTLINE))


def _reports(g: nx.MultiDiGraph) -> None:
    program = _add_node(g, Label.PROGRAM, "双随机一公开", name="双随机一公开")
    for rid, (code, year, cites) in REPORTS.items():
        report = _add_node(g, Label.REPORT, rid, title=f"{rid}法治政府建设年度报告", year=year)
        if code:
            _add_edge(g, report, Rel.ABOUT, node_id(Label.REGION, code))
        for pid, count in cites.items():
            _add_edge(g, report, Rel.CITES, node_id(Label.POLICY, pid), count=count)
    _add_edge(g, node_id(Label.REPORT, "r1"), Rel.MENTIONS, program, count=2)
    _add_edge(g, node_id(Label.REPORT, "r3"), Rel.MENTIONS, program, count=1)
    _add_edge(
        g,
        node_id(Label.REPORT, "r1"),
        Rel.AUTHORED_BY,
        node_id(Label.INSTITUTION, "郧阳区人民政府办公室"),
    )


def build_graph() -> nx.MultiDiGraph:
    """The hand-built embedded graph described in the module docstring."""
    g = nx.MultiDiGraph()
    _regions(g)
    _policies_and_issuers(g)
    _reports(g)
    return g


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return build_graph()


def ask(graph: nx.MultiDiGraph, name: str, **params: Any) -> list[dict[str, Any]]:
    return get_query(name).run_networkx(graph, params)


# --------------------------------------------------------------------------- registry


def test_registry_lists_every_query_with_its_parts() -> None:
    assert set(QUERIES) == {
        "regions_citing_policy",
        "policies_cited_by_region",
        "top_cited_policies",
        "co_cited_policies",
        "similar_regions",
        "policy_diffusion",
        "documents_issued_by",
        "path_between",
        "search",
        "coverage",
    }
    for name, query in QUERIES.items():
        assert query.name == name
        assert query.description
        assert query.columns


def test_unknown_query_names_the_valid_ones() -> None:
    with pytest.raises(QueryError, match=r"unknown query 'nope'; valid names: co_cited_policies"):
        get_query("nope")


def test_rows_have_the_declared_columns_in_order(graph: nx.MultiDiGraph) -> None:
    answers = {
        "regions_citing_policy": ask(graph, "regions_citing_policy", policy=LAW),
        "policies_cited_by_region": ask(graph, "policies_cited_by_region", region="420304"),
        "top_cited_policies": ask(graph, "top_cited_policies"),
        "co_cited_policies": ask(graph, "co_cited_policies", policy=LAW),
        "similar_regions": ask(graph, "similar_regions", region="420304"),
        "policy_diffusion": ask(graph, "policy_diffusion", policy=LAW),
        "documents_issued_by": ask(graph, "documents_issued_by", issuer="郧阳区"),
        "path_between": ask(
            graph,
            "path_between",
            from_label="Region",
            from_key="420304",
            to_label="Region",
            to_key="511921",
        ),
        "search": ask(graph, "search", text="法治"),
        "coverage": ask(graph, "coverage", year=2019, province="420300"),
    }
    for name, rows in answers.items():
        assert rows, name
        assert all(tuple(row) == QUERIES[name].columns for row in rows), name


# --------------------------------------------------------------------------- Cypher texts


def test_cypher_parameters_are_exactly_the_bound_parameters() -> None:
    minimal = {
        "policy": LAW,
        "region": "420304",
        "issuer": "x",
        "text": "法治",
        "from_label": "Region",
        "from_key": "1",
        "to_label": "Policy",
        "to_key": "2",
        "year": 2019,
    }
    for query in QUERIES.values():
        fields = query.params_model.model_fields
        bound = query.bind({k: v for k, v in minimal.items() if k in fields})
        used = set(re.findall(r"\$(\w+)", query.cypher))
        assert used <= set(bound), query.name
        assert set(bound) - used <= {"policy"}, query.name  # replaced by its policy_keys


def test_cypher_literals_come_from_the_schema_not_from_data() -> None:
    group_by = set(get_args(GroupBy))  # none, province, year: the parameter's own values
    allowed = {str(label) for label in Label} | group_by | {FULLTEXT_INDEX, ":"}
    for query in QUERIES.values():
        literals = set(re.findall(r"'([^']*)'", query.cypher))
        assert literals <= allowed, (query.name, literals - allowed)
        assert re.search(r"\{\w*\}", query.cypher) is None, query.name  # no f-string leftovers


def test_binding_never_changes_the_cypher_text() -> None:
    query = get_query("regions_citing_policy")
    before = query.cypher
    query.bind({"policy": "'; MATCH (n) DETACH DELETE n //"})
    assert query.cypher == before
    assert "DETACH DELETE" not in query.cypher


def test_path_cypher_bounds_hops_by_a_constant_and_filters_by_parameter() -> None:
    cypher = get_query("path_between").cypher
    rels = "|".join(Rel)
    assert f"allShortestPaths((from_node)-[:{rels}*..6]-(to_node))" in cypher
    assert "length(path) <= $max_hops" in cypher
    for label in Label:
        assert f"MATCH (n:{label} {{{KEYS[label]}: $from_key}})" in cypher


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("regions_citing_policy", {}, r"parameter 'policy': Field required"),
        ("regions_citing_policy", {"policy": ""}, r"parameter 'policy': String should have"),
        (
            "regions_citing_policy",
            {"policy": LAW, "year_from": "soon"},
            r"parameter 'year_from': Input should be a valid integer.*'soon'",
        ),
        (
            "regions_citing_policy",
            {"policy": LAW, "year_from": 2021, "year_to": 2019},
            r"year_from \(2021\) is after year_to \(2019\)",
        ),
        (
            "regions_citing_policy",
            {"policy": LAW, "province_code": "湖北"},
            r"parameter 'province_code': String should match pattern",
        ),
        (
            "regions_citing_policy",
            {"policy": LAW, "level": "city"},
            r"parameter 'level': Input should be 'province'",
        ),
        (
            "regions_citing_policy",
            {"policy": LAW, "provnce_code": "420000"},
            r"parameter 'provnce_code': Extra inputs are not permitted",
        ),
        (
            "policies_cited_by_region",
            {"region": "x", "kind": "statute"},
            r"parameter 'kind': Input should be 'law'",
        ),
        ("top_cited_policies", {"group_by": "city"}, r"parameter 'group_by': Input should be"),
        ("top_cited_policies", {"limit": 0}, r"parameter 'limit': Input should be greater"),
        ("similar_regions", {"region": "x", "min_shared": 0}, r"parameter 'min_shared'"),
        (
            "path_between",
            {"from_label": "Region", "from_key": "1", "to_label": "Thing", "to_key": "2"},
            r"parameter 'to_label': Input should be 'Report'",
        ),
        (
            "path_between",
            {
                "from_label": "Region",
                "from_key": "1",
                "to_label": "Policy",
                "to_key": "2",
                "max_hops": 7,
            },
            r"parameter 'max_hops': .*less than or",
        ),
        (
            "path_between",
            {"from_label": "Region", "from_key": "1", "to_label": "Region", "to_key": "1"},
            r"name the same node",
        ),
        ("search", {"text": "x", "labels": "Region,Thing"}, r"parameter 'labels.1'"),
        ("documents_issued_by", {"issuer": "   "}, r"parameter 'issuer': String should have"),
    ],
)
def test_bad_parameters_are_named_in_the_error(
    name: str, params: dict[str, Any], message: str
) -> None:
    with pytest.raises(QueryError, match=rf"query '{name}': (.|\n)*{message}"):
        get_query(name).bind(params)


def test_text_parameters_are_coerced_like_the_cli_gives_them() -> None:
    bound = get_query("search").bind({"text": " 法治 ", "labels": "Policy, Region", "limit": "5"})
    assert bound == {"text": "法治", "labels": ["Policy", "Region"], "limit": 5, "lucene": '"法治"'}


def test_policy_is_resolved_through_canonical_spellings() -> None:
    keys = get_query("policy_diffusion").bind({"policy": "郧政办发[2019]29号"})["policy_keys"]
    assert OWN_NUMBER in keys


# --------------------------------------------------------------------------- answers


def test_regions_citing_policy_by_short_title(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "regions_citing_policy", policy="《行政处罚法》")
    assert [(r["year"], r["region_code"], r["report_id"], r["count"]) for r in rows] == [
        (2019, "420304", "r1", 3),
        (2019, "511921", "r3", 2),
        (2020, "420300", "r8", 1),
        (2020, "420302", "r2", 1),
        (2023, "210902", "r4", 1),
    ]
    assert rows[0] == {
        "region_code": "420304",
        "region_name": "郧阳区",
        "level": "county",
        "year": 2019,
        "report_id": "r1",
        "count": 3,
    }


def test_regions_citing_policy_filters(graph: nx.MultiDiGraph) -> None:
    in_hubei = ask(
        graph,
        "regions_citing_policy",
        policy=LAW,
        province_code="420000",
        level="county",
        year_from=2020,
    )
    assert [r["report_id"] for r in in_hubei] == ["r2"]
    by_number = ask(graph, "regions_citing_policy", policy="郧政办发(2019)29号")
    assert [r["report_id"] for r in by_number] == ["r1"]
    no_year_last = ask(graph, "regions_citing_policy", policy=OUTLINE, province_code="420300")
    assert [(r["report_id"], r["year"]) for r in no_year_last] == [
        ("r1", 2019),
        ("r2", 2020),
        ("r7", None),
    ]


def test_policies_cited_by_region(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "policies_cited_by_region", region="郧阳区")
    assert rows == [
        {
            "policy_id": OUTLINE,
            "title": OUTLINE,
            "kind": "normative_document",
            "doc_number": None,
            "reports": 2,
            "first_year": 2019,
            "last_year": 2019,
            "mentions": 2,
        },
        {
            "policy_id": LAW,
            "title": LAW,
            "kind": "law",
            "doc_number": None,
            "reports": 1,
            "first_year": 2019,
            "last_year": 2019,
            "mentions": 3,
        },
        {
            "policy_id": OWN_PLAN,
            "title": OWN_PLAN,
            "kind": "normative_document",
            "doc_number": OWN_NUMBER,
            "reports": 1,
            "first_year": 2019,
            "last_year": 2019,
            "mentions": 2,
        },
    ]
    city = ask(
        graph, "policies_cited_by_region", region="十堰", include_subregions=True, kind="law"
    )
    assert [(r["reports"], r["first_year"], r["last_year"], r["mentions"]) for r in city] == [
        (3, 2019, 2020, 5)
    ]
    assert [r["policy_id"] for r in ask(graph, "policies_cited_by_region", region="十堰")] == [
        LAW,
        LOOSE_NUMBER,
    ]


def test_a_shared_name_matches_every_region_of_that_name(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "policies_cited_by_region", region="海州区")
    assert [(r["policy_id"], r["reports"]) for r in rows] == [(OUTLINE, 2), (LAW, 1)]


def test_top_cited_policies_overall_and_grouped(graph: nx.MultiDiGraph) -> None:
    overall = ask(graph, "top_cited_policies", limit=2)
    assert overall == [
        {"group": None, "policy_id": LAW, "title": LAW, "regions": 5, "reports": 6, "mentions": 13},
        {
            "group": None,
            "policy_id": OUTLINE,
            "title": OUTLINE,
            "regions": 4,
            "reports": 5,
            "mentions": 6,
        },
    ]
    by_province = ask(graph, "top_cited_policies", group_by="province", limit=1)
    assert [(r["group"], r["policy_id"], r["reports"]) for r in by_province] == [
        ("210000", LAW, 1),
        ("420000", LAW, 3),
        ("510000", LAW, 1),
        (None, LAW, 1),
    ]
    by_year = ask(graph, "top_cited_policies", group_by="year", kind="law", year_to=2020)
    assert [(r["group"], r["reports"]) for r in by_year] == [("2019", 2), ("2020", 2)]


def test_co_cited_policies(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "co_cited_policies", policy="行政处罚法")
    assert [(r["policy_id"], r["reports"], r["mentions"]) for r in rows] == [
        (OUTLINE, 3, 4),
        (OWN_PLAN, 1, 2),
        (LOOSE_NUMBER, 1, 1),
        (SICHUAN_RULE, 1, 1),
    ]
    assert len(ask(graph, "co_cited_policies", policy=LAW, limit=1)) == 1


def test_similar_regions_by_jaccard(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "similar_regions", region="420304")
    assert [(r["region_code"], r["shared"], r["jaccard"]) for r in rows] == [
        ("210902", 2, 2 / 3),
        ("420302", 2, 2 / 3),
        ("320706", 1, 1 / 3),
        ("420300", 1, 1 / 4),
        ("511921", 1, 1 / 4),
    ]
    assert rows[0] == {
        "region_code": "210902",
        "region_name": "海州区",
        "level": "county",
        "shared": 2,
        "jaccard": 2 / 3,
    }
    assert ask(graph, "similar_regions", region="420304", min_shared=2, limit=1) == rows[:1]


def test_policy_diffusion(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "policy_diffusion", policy=OUTLINE)
    assert rows == [
        {
            "year": 2019,
            "citing_regions": 1,
            "new_regions": 1,
            "cumulative_regions": 1,
            "regions": ["420304"],
        },
        {
            "year": 2020,
            "citing_regions": 1,
            "new_regions": 1,
            "cumulative_regions": 2,
            "regions": ["420302"],
        },
        {
            "year": 2021,
            "citing_regions": 1,
            "new_regions": 1,
            "cumulative_regions": 3,
            "regions": ["320706"],
        },
        {
            "year": 2023,
            "citing_regions": 1,
            "new_regions": 1,
            "cumulative_regions": 4,
            "regions": ["210902"],
        },
    ]
    assert ask(graph, "policy_diffusion", policy="没有这个文件") == []


def test_documents_issued_by_institution_or_region(graph: nx.MultiDiGraph) -> None:
    by_office = ask(graph, "documents_issued_by", issuer="区政府办")
    assert by_office == [
        {
            "policy_id": OWN_PLAN,
            "title": OWN_PLAN,
            "kind": "normative_document",
            "doc_number": OWN_NUMBER,
            "year": None,
            "institutions": ["郧阳区人民政府办公室"],
            "regions": ["420304"],
        },
    ]
    assert ask(graph, "documents_issued_by", issuer="郧阳区") == by_office
    by_city = ask(graph, "documents_issued_by", issuer="420300")
    assert [(r["policy_id"], r["title"]) for r in by_city] == [(LOOSE_NUMBER, None)]


def test_path_between_picks_the_smallest_shortest_path(graph: nx.MultiDiGraph) -> None:
    rows = ask(
        graph,
        "path_between",
        from_label="Region",
        from_key="420304",
        to_label="Region",
        to_key="511921",
    )
    assert [(r["label"], r["key"], r["rel"]) for r in rows] == [
        ("Region", "420304", None),
        ("Report", "r1", "ABOUT"),
        ("Policy", LAW, "CITES"),
        ("Report", "r3", "CITES"),
        ("Region", "511921", "ABOUT"),
    ]
    assert rows[2]["name"] == LAW
    assert rows[0]["name"] == "郧阳区"
    too_far = ask(
        graph,
        "path_between",
        from_label="Region",
        from_key="420304",
        to_label="Region",
        to_key="511921",
        max_hops=3,
    )
    assert too_far == []
    assert (
        ask(
            graph,
            "path_between",
            from_label="Region",
            from_key="420304",
            to_label="Policy",
            to_key="nothing",
        )
        == []
    )


def test_search_is_substring_over_keys_names_and_titles(graph: nx.MultiDiGraph) -> None:
    rows = ask(graph, "search", text="海州")
    assert rows == [
        {"label": "Region", "key": "210902", "name": "海州区"},
        {"label": "Region", "key": "320706", "name": "海州区"},
    ]
    policies = ask(graph, "search", text="〔20", labels=["Policy"])
    assert [r["key"] for r in policies] == [LOOSE_NUMBER]
    assert [r["key"] for r in ask(graph, "search", text="郧阳区", limit=2)] == [
        "郧阳区人民政府办公室",
        OWN_PLAN,
    ]


def test_lucene_phrase_is_the_longest_han_run() -> None:
    assert lucene_phrase("郧政办发〔2019〕29号") == '"郧政办发"'
    assert lucene_phrase("《行政处罚法》") == '"行政处罚法"'
    assert lucene_phrase("法") is None
    assert lucene_phrase("2019") is None
